// `govnav models`: the persisted embedded models in the data directory: list, train, show, cv.
import type { Command } from 'commander';
import { UserError } from '../main.ts';

interface Common {
  json?: boolean;
}

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

function fmtBytes(n: number): string {
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} kB`;
  return `${n} B`;
}

export function register(program: Command): void {
  const cmd = program
    .command('models')
    .description(
      'The embedded classifier\'s persisted models (one per taxonomy and training set, in <data dir>/models): ' +
        'trained once, loaded by `classify` and `ingest --classify` while the training set is unchanged.',
    )
    .addHelpText(
      'after',
      `
Examples:
  govnav models list
  govnav models train                      # every taxonomy that labels statements (only those whose training set changed)
  govnav models train -t mitigation-v2 --force
  govnav models show mitigation-v2
  govnav models cv mitigation-v2           # grouped 5-fold cross-validation on the training set
See docs/classification.md ("Persisted models").`,
    );

  cmd
    .command('list')
    .description('models on disk: taxonomy, size, training examples, when trained')
    .option('--json', 'print JSON')
    .action(listAction);

  cmd
    .command('train')
    .description('train the models whose training set changed (all with --force), and save them')
    .option('-t, --taxonomy <id>', 'only these taxonomies (repeat or comma-separate)', list)
    .option('--force', 'retrain even when a model for the current training set exists')
    .option('--json', 'print JSON')
    .action(trainAction);

  cmd
    .command('show <taxonomy>')
    .description('one model: examples per category, training-set hash, size on disk, calibration, when trained')
    .option('--json', 'print JSON')
    .action(showAction);

  cmd
    .command('cv <taxonomy>')
    .description('grouped k-fold cross-validation of the model on its own training set (κ per level and per language)')
    .option('--folds <n>', 'number of folds', '5')
    .option('--all-examples', 'score every example (default: only the project\'s annotation, when there is any)')
    .option('--json', 'print JSON')
    .action(cvAction);
}

async function listAction(o: Common): Promise<void> {
  const { loadConfig } = await import('../../config.ts');
  const { listModelFiles, TaxonomyModel } = await import('../../classify/models/index.ts');
  const { readFileSync } = await import('node:fs');
  const { table } = await import('../progress.ts');
  const dataDir = loadConfig().dataDir;
  const rows = listModelFiles(dataDir).map((f) => {
    try {
      const m = TaxonomyModel.fromBuffer(readFileSync(f.file), f.file);
      return { ...f, examples: m.stats.examples, created: m.created, version: m.version };
    } catch (e) {
      return { ...f, examples: NaN, created: '', version: `unreadable: ${(e as Error).message.slice(0, 80)}` };
    }
  });
  if (o.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  if (!rows.length) return void process.stdout.write(`No models yet in ${dataDir}/models. Train them with \`govnav models train\` (or any \`govnav classify\`).\n`);
  process.stdout.write(
    table(
      ['taxonomy', 'version', 'examples', 'size', 'trained'],
      rows.map((r) => [r.taxonomy, r.version, Number.isNaN(r.examples) ? '-' : r.examples, fmtBytes(r.bytes), r.created.slice(0, 16).replace('T', ' ')]),
    ) + '\n',
  );
}

async function trainAction(o: Common & { taxonomy?: string[]; force?: boolean }): Promise<void> {
  const { withCliStore } = await import('../store.ts');
  const { loadConfig } = await import('../../config.ts');
  const { modelsFromStore } = await import('../../classify/models/index.ts');
  const { table } = await import('../progress.ts');
  await withCliStore(
    async (store) => {
      const ids = targets(store.taxonomies, o.taxonomy);
      const { reports } = await modelsFromStore(store.db, store.taxonomies, ids, {
        dataDir: loadConfig().dataDir,
        force: o.force,
        onProgress: (l) => {
          if (!o.json) process.stderr.write(`${l}\n`);
        },
      });
      if (o.json) return void process.stdout.write(JSON.stringify(reports, null, 2) + '\n');
      process.stdout.write(
        table(
          ['taxonomy', 'examples', 'sources', 'state', 'size', 'time'],
          reports.map((r) => [
            r.taxonomy,
            r.examples,
            Object.entries(r.byOrigin).map(([k, n]) => `${n} ${k}`).join(', ') || 'descriptions only',
            r.trained ? 'trained' : 'unchanged (loaded)',
            fmtBytes(r.bytes),
            `${(r.ms / 1000).toFixed(1)} s`,
          ]),
        ) + '\n',
      );
      const excluded = Math.max(0, ...reports.map((r) => r.excludedSample));
      if (excluded) process.stdout.write(`Demo/sample labels left out of training: ${excluded}.\n`);
      const warnings = reports.flatMap((r) => (r.warning ? [r.warning] : []));
      if (warnings.length) process.stdout.write(['', 'Few training examples:', ...warnings.map((w) => `  ${w}`)].join('\n') + '\n');
    },
    { quiet: !!o.json },
  );
}

async function showAction(taxonomy: string, o: Common): Promise<void> {
  const { loadConfig } = await import('../../config.ts');
  const { listModelFiles, TaxonomyModel } = await import('../../classify/models/index.ts');
  const { taxonomies } = await import('../../taxonomy/index.ts');
  const { readFileSync } = await import('node:fs');
  const { table } = await import('../progress.ts');
  const dataDir = loadConfig().dataDir;
  const reg = taxonomies();
  if (!reg.has(taxonomy)) throw new UserError(`Unknown taxonomy "${taxonomy}". Known: ${reg.list().map((t) => t.id).join(', ')}`);
  const files = listModelFiles(dataDir)
    .filter((f) => f.taxonomy === taxonomy)
    .sort((a, b) => b.modified.getTime() - a.modified.getTime());
  if (!files.length) throw new UserError(`No model for ${taxonomy} in ${dataDir}/models yet. Train it with \`govnav models train -t ${taxonomy}\`.`);
  const f = files[0]!;
  const started = performance.now();
  const m = TaxonomyModel.fromBuffer(readFileSync(f.file), f.file);
  const loadMs = performance.now() - started;
  const t = reg.get(taxonomy);
  const info = {
    taxonomy,
    file: f.file,
    bytes: f.bytes,
    loadMs,
    version: m.version,
    trainingHash: m.trainingHash,
    created: m.created,
    codeVersion: m.codeVersion,
    hierarchical: m.hierarchical,
    examples: m.stats.examples,
    byOrigin: m.stats.byOrigin,
    byLanguage: m.stats.byLanguage,
    byCode: m.stats.byCode,
    levels: m.levels,
    members: m.model.calibration.members,
    weights: m.sizes.weights,
    vocabulary: m.sizes.vocabulary,
  };
  if (o.json) return void process.stdout.write(JSON.stringify(info, null, 2) + '\n');
  const pct = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');
  const out = [
    `${taxonomy}: ${m.version}${m.hierarchical ? ' (hierarchical: top level, then level 2, then level 3)' : ''}`,
    `file ${f.file}, ${fmtBytes(f.bytes)} (${info.weights.toLocaleString('en-GB')} float32 weights, ${info.vocabulary.toLocaleString('en-GB')} features), loaded in ${loadMs.toFixed(0)} ms`,
    `trained ${m.created} by code version ${m.codeVersion}; training-set hash ${m.trainingHash}`,
    `training examples: ${m.stats.examples} (${Object.entries(m.stats.byOrigin).map(([k, n]) => `${n} ${k}`).join(', ') || 'none: taxonomy descriptions only'}); ` +
      `languages: ${Object.entries(m.stats.byLanguage).map(([k, n]) => `${k} ${n}`).join(', ') || '-'}`,
    `ensemble members: ${m.model.calibration.members.join(', ')}`,
    '',
    'Calibration (held-out, inner cross-validation grouped by document): a label is assigned at a level only at or above its threshold',
    table(
      ['level', 'held-out rows', 'accuracy', 'threshold', 'coverage', 'accuracy above threshold'],
      m.levels.map((l) => [l.level, l.n, pct(l.accuracy), pct(l.threshold), pct(l.coverage), pct(l.accuracyCovered)]),
    ),
    '',
    'Examples per category (as labelled)',
    table(
      ['code', 'name', 'examples'],
      t
        .ordered()
        .filter((n) => !n.special)
        .map((n) => [n.code, n.name.en, m.stats.byCode[n.code] ?? 0]),
    ),
  ];
  process.stdout.write(out.join('\n') + '\n');
}

async function cvAction(taxonomy: string, o: Common & { folds: string; allExamples?: boolean }): Promise<void> {
  const { withCliStore } = await import('../store.ts');
  const { collectTrainingSets } = await import('../../classify/models/training.ts');
  const { crossValidate } = await import('../../classify/models/cv.ts');
  const { table } = await import('../progress.ts');
  const folds = Number(o.folds);
  if (!Number.isInteger(folds) || folds < 2) throw new UserError(`--folds must be a whole number ≥ 2, not "${o.folds}".`);
  // the store is only read for the training set (and closed before the long part)
  const { set, tax } = await withCliStore(
    async (store) => {
      if (!store.taxonomies.has(taxonomy)) throw new UserError(`Unknown taxonomy "${taxonomy}".`);
      const [set] = await collectTrainingSets(store.db, store.taxonomies, [taxonomy]);
      return { set, tax: store.taxonomies.get(taxonomy) };
    },
    { quiet: !!o.json },
  );
  if (!set!.examples.length) throw new UserError(`${taxonomy} has no training examples to cross-validate.`);
  const annotated = set!.examples.some((e) => e.origin === 'annotation');
  const r = crossValidate(set!.examples, tax, {
    folds,
    score: !o.allExamples && annotated ? (e) => e.origin === 'annotation' : undefined,
    onFold: (i) => {
      if (!o.json) process.stderr.write(`fold ${i + 1}/${folds}…\n`);
    },
  });
  if (o.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  process.stdout.write(
    [
      `${taxonomy}: ${r.n} ${!o.allExamples && annotated ? 'annotated ' : ''}examples scored, ${r.folds} folds grouped by document (the other examples train only)`,
      table(['level', 'n', 'κ', 'accuracy'], r.levels.map((l) => [l.level, l.n, l.kappa.toFixed(3), l.accuracy.toFixed(3)])),
      table(['language', 'n', 'κ (top level)'], Object.entries(r.byLanguage).map(([k, v]) => [k, v.n, v.kappaTop.toFixed(3)])),
      `held out as suggestion only: ${r.suggested} (${((100 * r.suggested) / r.n).toFixed(1)}%), no label: ${r.unlabelled}`,
    ].join('\n') + '\n',
  );
}

function targets(reg: import('../../taxonomy/index.ts').TaxonomyRegistry, wanted?: string[]): string[] {
  const all = reg.list().filter((t) => t.data.appliesTo.length > 0).map((t) => t.id);
  if (!wanted?.length) return all;
  for (const id of wanted) {
    if (!reg.has(id)) throw new UserError(`Unknown taxonomy "${id}". Known: ${all.join(', ')}`);
    if (!all.includes(id)) throw new UserError(`Taxonomy "${id}" does not label statements.`);
  }
  return wanted;
}
