// `govnav eval`: agreement of the embedded classifier with human labels in a CSV file (cross-validated
// by a folds file, or trained on a separate file), the whole evaluation protocol of ../shared/eval,
// or agreement between two label sources in the store.
import type { Command } from 'commander';

interface EvalOpts {
  gold?: string;
  text?: string;
  label?: string;
  folds?: string;
  group?: string;
  train?: string;
  filter: string[];
  taxonomy?: string;
  baseline?: boolean;
  json?: boolean;
  protocol?: string | boolean;
  axis?: string;
  markdown?: boolean;
  a?: string;
  b?: string;
  quiet?: boolean;
  annotations?: string | boolean;
  provider?: string;
  model?: string;
  baseUrl?: string;
  fewShot?: string;
  predictions?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function register(program: Command): void {
  const evalCmd = program
    .command('eval')
    .description(
      'Measure agreement: the embedded classifier against human labels in a CSV file (with --baseline, the TF-IDF + linear SVM ' +
        'baseline side by side), the full protocol of ../shared/eval (--protocol), or two label sources in the store (--a/--b).',
    )
    .option('--gold <file>', 'CSV file with the human labels')
    .option('--text <cols>', 'column(s) holding the text, comma-separated; joined with a space')
    .option('--label <col>', 'column holding the label (rows with an empty label are skipped and counted)')
    .option('--folds <file>', 'folds CSV with the --group column and a "fold" column: train on the other folds, score each fold')
    .option('--group <col>', 'column of the gold file whose value is looked up in the folds file (e.g. a source document id)')
    .option('--train <file>', 'train on this CSV (same column names) and score every row of --gold')
    .option('--filter <COL=REGEX>', 'keep only rows whose COL matches REGEX; COL!=REGEX drops them instead (repeatable)', collect, [])
    .option('--taxonomy <id>', 'with --gold: labels are codes (or names) of this taxonomy; its descriptions serve as weak examples. With --a/--b: the taxonomy to compare')
    .option('--baseline', 'also score the TF-IDF (word 1-2 grams) + linear SVM baseline on the same folds')
    .option('--protocol [dir]', 'run every axis of the evaluation protocol (dir holds data/ and eval/; default ../shared or $GOVNAV_SHARED_DIR)')
    .option('--axis <ids>', 'with --protocol or --annotations: only these axes (comma-separated)')
    .option('--markdown', 'with --protocol: print the summary as a Markdown table')
    .option('--a <source>', 'first label source in the store: imported, human, humans, annotation, embedded, llm[:model], current')
    .option('--b <source>', 'second label source in the store')
    .option('--annotations [dir]', "score on govnav's annotated set (default ./annotations): five folds by source document, every axis, κ with bootstrap intervals, baselines, agreement between the two passes")
    .option('--provider <name>', 'score an LLM provider (openai or anthropic) instead of the embedded classifier, with few-shot examples from the training folds; with --gold it needs --taxonomy')
    .option('--model <id>', 'with --provider: the model (else GOVNAV_LLM_MODEL or the provider default)')
    .option('--base-url <url>', 'with --provider: the API base URL (e.g. a local OpenAI-compatible server)')
    .option('--few-shot <k>', 'with --provider: nearest annotated examples per prompt (default 6; 0 = none)')
    .option('--predictions', 'with --annotations --json: include every item\'s gold and predicted codes')
    .option('--json', 'print one JSON object instead of tables')
    .option('-q, --quiet', 'no progress lines on stderr')
    .addHelpText(
      'after',
      `
Examples:
  govnav eval --gold labels.csv --text name,description --label category --folds folds.csv --group doc_id --baseline
  govnav eval --gold test.csv --train train.csv --text text --label code --json
  govnav eval --gold ../shared/data/mit-airi-risk-db-v4/airi_v4_classified_risks.csv \\
      --text risk_category,risk_subcategory,description --label subdomain_code --filter 'subdomain_code!=^X|\\.0$' \\
      --folds ../shared/eval/folds_risk_db_v4.csv --group paper_id --taxonomy risk-domain --baseline
  govnav eval --protocol ../shared --markdown
  govnav eval --annotations --json
  OPENAI_API_KEY=… govnav eval --annotations --provider openai --model gpt-4o-mini --axis mitigation-v2
  govnav eval --a imported --b embedded --taxonomy risk-domain

Scores: n, accuracy, Cohen's kappa, Krippendorff's alpha, macro-F1, per-class precision/recall/F1, the confusion
matrix; weighted kappa for ordinal taxonomies; codes with a parent are also scored at the top level.
The embedded classifier's abstentions are reported separately; kappa and the other scores count every row.
Kappa comes with a 95% bootstrap interval (1,000 resamples, seeded), the gain over the baseline with a paired
interval; the baseline is scored at C = 1 and C = 0.5. Defaults: src/eval/defaults.ts, docs/evaluation.md.`,
    )
    .action(async (opts: EvalOpts) => {
      const { UserError } = await import('../main.ts');
      try {
        if (opts.annotations !== undefined) await runAnnotationsCommand(opts);
        else if (opts.protocol !== undefined) await runProtocolCommand(opts);
        else if (opts.a || opts.b) await runStoreCommand(opts);
        else await runCsvCommand(opts);
      } catch (e) {
        const err = e as Error;
        if (err.name === 'UserError' || err.name === 'DatabaseError') throw err;
        throw new UserError(err.message);
      }
    });
  registerExtraction(evalCmd);
}

// `govnav eval extraction`: roles and statement boundaries against gold/extraction/*.json.
function registerExtraction(evalCmd: Command): void {
  evalCmd
    .command('extraction')
    .description('Score the extraction (block roles, statement boundaries, table rows) against hand-annotated gold files (govnav-extraction-gold/1).')
    .option('--gold <file|dir>', 'a gold file or a directory of them (default gold/extraction)')
    .option('--corpus <dir>', 'where the corpus documents are (default ../shared/corpus)')
    .option('--data <dir>', 'where the public datasets are, for FINOS entries (default ../shared/data)')
    .option('--store', 'also use the text model trained from the statements in the store')
    .option('--lodo', 'leave one document out: score each gold document with learned weights trained on the other gold documents (the honest figure)')
    .option('--rules', 'structure + lexicon rules only, without the learned layer')
    .option('--worst <n>', 'worst blocks to list per document', '10')
    .option('--json', 'print one JSON object instead of tables')
    .option('-q, --quiet', 'no progress lines on stderr')
    .action(async (_o: unknown, cmd: Command) => {
      const { UserError } = await import('../main.ts');
      // The parent `eval` declares --gold/--json too and takes them first: read both levels.
      const o = cmd.optsWithGlobals() as { gold?: string; corpus?: string; data?: string; store?: boolean; lodo?: boolean; rules?: boolean; worst: string; json?: boolean; quiet?: boolean };
      if (o.lodo && (o.store || o.rules)) throw new UserError('--lodo cannot be combined with --store or --rules');
      const { resolve } = await import('node:path');
      const ev = await import('../../eval/extraction.ts');
      const { table } = await import('../../eval/report.ts');
      const dirs = { corpus: resolve(o.corpus ?? '../shared/corpus'), data: resolve(o.data ?? '../shared/data') };
      try {
        const golds = ev.readGoldSet(resolve(o.gold ?? 'gold/extraction'));
        let modelFor: ((g: import('../../eval/extraction.ts').GoldDoc) => Promise<import('../../extract/roles.ts').RoleModel>) | undefined;
        let close: (() => Promise<void>) | undefined;
        if (o.store) {
          const { openStore } = await import('../../store/index.ts');
          const { roleModelFromStore } = await import('../../extract/model.ts');
          const store = await openStore();
          close = () => store.close();
          // Never trained on the document being scored: FINOS gold is scored by a model without the FINOS dataset.
          modelFor = (g) => roleModelFromStore(store.db, { excludeDatasets: g.document.source === 'finos-aigf' ? ['finos-aigf'] : [] });
        }
        try {
          const common = {
            ...dirs,
            worst: Number(o.worst) || 10,
            onDocument: (g: import('../../eval/extraction.ts').GoldDoc, i: number, n: number) => void (!o.quiet && process.stderr.write(`[${i + 1}/${n}] ${g.document.file}\n`)),
          };
          const r = o.lodo
            ? await ev.evaluateExtractionLodo(golds, common)
            : await ev.evaluateExtraction(golds, { ...common, modelFor, extract: o.rules ? { roleWeights: null } : undefined });
          if (!r.documents.length) throw new UserError(`no gold document could be evaluated:\n${r.errors.map((e) => '  ' + e.error).join('\n')}`);
          if (o.json) console.log(JSON.stringify(ev.extractionEvalJson(r), null, 2));
          else console.log(ev.formatExtractionEval(r, table));
        } finally {
          await close?.();
        }
      } catch (e) {
        const err = e as Error;
        if (err.name === 'UserError') throw err;
        throw new UserError(err.message);
      }
    });
}

function progressLine(quiet?: boolean) {
  return (i: { fold: string; index: number; total: number; learner: string; train: number; test: number }) => {
    if (quiet) return;
    const where = i.fold === 'train' ? 'training on --train' : `fold ${i.fold} (${i.index + 1}/${i.total})`;
    process.stderr.write(`  ${where}: ${i.learner} trains on ${i.train} rows, predicts ${i.test}\n`);
  };
}

async function runCsvCommand(opts: EvalOpts): Promise<void> {
  const { UserError } = await import('../main.ts');
  const missing = (['gold', 'text', 'label'] as const).filter((k) => !opts[k]);
  if (missing.length) throw new UserError(`missing ${missing.map((m) => `--${m}`).join(', ')} (or use --protocol, or --a/--b)`);
  if (!opts.folds && !opts.train) throw new UserError('give --folds FOLDS.csv --group COL, or --train TRAIN.csv');
  const { evaluateCsv, parseFilter } = await import('../../eval/csv-eval.ts');
  const { embeddedLearner, baselineLearner } = await import('../../eval/learners.ts');
  const { evalJson, formatEval } = await import('../../eval/report.ts');
  const { dottedAncestor } = await import('../../eval/metrics.ts');
  const spec = {
    gold: opts.gold!,
    text: opts.text!.split(',').map((s) => s.trim()).filter(Boolean),
    label: opts.label!,
    folds: opts.folds,
    group: opts.group,
    train: opts.train,
    filters: opts.filter.map(parseFilter),
  } as import('../../eval/csv-eval.ts').GoldSpec;
  let taxonomy: import('../../taxonomy/index.ts').Taxonomy | undefined;
  if (opts.taxonomy) {
    const { taxonomies } = await import('../../taxonomy/index.ts');
    taxonomy = taxonomies().get(opts.taxonomy);
    const t = taxonomy;
    spec.labelMap = (l) => (t.has(l) ? l : t.resolve(l));
    spec.labelMapName = `taxonomy "${t.id}"`;
  }
  if (opts.provider && !taxonomy) throw new UserError('--provider with --gold needs --taxonomy <id> (the prompt and the codes come from the taxonomy)');
  const learners = [opts.provider ? (await llmMain(opts)).learner(taxonomy!) : embeddedLearner({ taxonomy })];
  if (opts.baseline) learners.push(baselineLearner(), baselineLearner(0.5));
  const ordinal = taxonomy?.data.ordinal ? taxonomy.ordered().filter((n) => !n.special).map((n) => n.code) : undefined;
  const order = taxonomy?.ordered().map((n) => n.code);
  const { loadLabelledRows } = await import('../../eval/csv-eval.ts');
  // Codes with a parent are also scored at the top level (via the taxonomy, or by dotted prefix).
  const probe = loadLabelledRows(spec.gold, spec).rows.map((r) => r.label);
  let levels: Record<string, (c: string) => string | undefined> | undefined;
  if (taxonomy) {
    const t = taxonomy;
    if (probe.some((c) => t.has(c) && t.node(c).level > 1)) levels = { 'level 1': (c) => (t.has(c) ? t.ancestorAt(c, 1) : undefined) };
  } else if (probe.some((c) => c.includes('.'))) levels = { 'level 1': dottedAncestor(1) };
  if (!opts.quiet) process.stderr.write(`govnav eval: ${spec.gold}\n`);
  const res = await evaluateCsv(spec, learners, { onFold: progressLine(opts.quiet), ordinal, order: ordinal ? undefined : order, levels });
  if (opts.json) {
    console.log(JSON.stringify(evalJson(res), null, 2));
    return;
  }
  const mode = res.folds
    ? `Cross-validated: ${res.folds.length} folds by "${spec.group}" from ${spec.folds} (train on the other folds, score each fold)`
    : `Trained on ${spec.train}, scored on every row of ${spec.gold}`;
  console.log(formatEval(res, mode));
}

async function runProtocolCommand(opts: EvalOpts): Promise<void> {
  const { resolve } = await import('node:path');
  const { existsSync } = await import('node:fs');
  const { UserError } = await import('../main.ts');
  const dir = resolve(typeof opts.protocol === 'string' ? opts.protocol : (process.env.GOVNAV_SHARED_DIR ?? '../shared'));
  if (!existsSync(resolve(dir, 'eval')))
    throw new UserError(`${dir}: no eval/ folder here; pass the directory that holds data/ and eval/ (e.g. --protocol ../shared)`);
  const { runProtocol, protocolRows, protocolMarkdown, protocolJson, levelLines } = await import('../../eval/protocol.ts');
  const { table } = await import('../../eval/report.ts');
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const results = await runProtocol(dir, {
    axes: opts.axis?.split(',').map((s) => s.trim()).filter(Boolean),
    onAxis: (a, i, n) => !opts.quiet && process.stderr.write(`[${i + 1}/${n}] ${a.id}\n`),
    onFold: progressLine(opts.quiet),
  });
  const cpu = process.cpuUsage(cpu0);
  if (opts.json) {
    console.log(JSON.stringify(protocolJson(results), null, 2));
    return;
  }
  if (opts.markdown) console.log(protocolMarkdown(results));
  else console.log(table(protocolRows(results)));
  const lv = levelLines(results);
  if (lv.length) console.log('\n' + lv.join('\n'));
  const wins = results.filter((r) => r.result.results[1] && r.result.results[0].agreement.kappa > r.result.results[1].agreement.kappa).length;
  console.log(
    `\nEmbedded beats the baseline by kappa on ${wins} of ${results.length} axes. ` +
      `Wall time ${((Date.now() - t0) / 1000).toFixed(1)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s.`,
  );
}

async function runStoreCommand(opts: EvalOpts): Promise<void> {
  const { UserError } = await import('../main.ts');
  if (!opts.a || !opts.b || !opts.taxonomy) throw new UserError('store agreement needs --a <source> --b <source> --taxonomy <id>');
  const { parseSource, storeAgreement } = await import('../../eval/store-agreement.ts');
  const a = parseSource(opts.a);
  const b = parseSource(opts.b);
  const { openStore } = await import('../../store/index.ts');
  const store = await openStore();
  try {
    const tax = store.taxonomies.get(opts.taxonomy);
    const r = await storeAgreement(store.db, tax, a, b);
    const { agreementJson, formatAgreement } = await import('../../eval/report.ts');
    if (opts.json) {
      console.log(
        JSON.stringify(
          {
            taxonomy: r.taxonomy,
            a: r.a,
            b: r.b,
            labelled_a: r.labelledA,
            labelled_b: r.labelledB,
            ...agreementJson(r.agreement),
            levels: Object.fromEntries(Object.entries(r.levels).map(([k, v]) => [k, agreementJson(v)])),
          },
          null,
          2,
        ),
      );
      return;
    }
    console.log(`Taxonomy ${r.taxonomy}: ${r.a} labels ${r.labelledA} statements, ${r.b} labels ${r.labelledB}; both: ${r.agreement.n}.`);
    if (r.agreement.n === 0) {
      console.log('No statement carries a label from both sources: nothing to compare.');
      return;
    }
    console.log(formatAgreement(`${r.a} vs ${r.b}`, r.agreement, r.levels));
  } finally {
    await store.close();
  }
}

async function llmMain(opts: EvalOpts) {
  const { UserError } = await import('../main.ts');
  const { taxonomies } = await import('../../taxonomy/index.ts');
  const { llmLearnerFactory } = await import('../../eval/annotations-report.ts');
  const k = opts.fewShot === undefined ? undefined : Number(opts.fewShot);
  if (k !== undefined && (!Number.isInteger(k) || k < 0)) throw new UserError(`--few-shot must be a whole number ≥ 0, not "${opts.fewShot}"`);
  const f = await llmLearnerFactory(
    {
      provider: opts.provider!,
      model: opts.model,
      baseUrl: opts.baseUrl,
      fewShot: k,
      onRetry: ({ attempt, delayMs, error }) => !opts.quiet && process.stderr.write(`  retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s: ${error.message}\n`),
      onFailure: (id, reason) => !opts.quiet && process.stderr.write(`  no usable answer for ${id ?? 'an item'}: ${reason}\n`),
    },
    taxonomies(),
  );
  if (!opts.quiet) process.stderr.write(`LLM: ${f.describe}\n`);
  return f;
}

async function runAnnotationsCommand(opts: EvalOpts): Promise<void> {
  const { resolve } = await import('node:path');
  const { taxonomies } = await import('../../taxonomy/index.ts');
  const { evaluateAnnotations } = await import('../../eval/annotations.ts');
  const { formatAnnotationReport, annotationReportJson } = await import('../../eval/annotations-report.ts');
  const dir = resolve(typeof opts.annotations === 'string' ? opts.annotations : 'annotations');
  const registry = taxonomies();
  const main = opts.provider ? (await llmMain(opts)).learner : undefined;
  const report = await evaluateAnnotations(dir, registry, {
    axes: opts.axis?.split(',').map((s) => s.trim()).filter(Boolean),
    main,
    onFold: (i) => !opts.quiet && process.stderr.write(`  ${i.axis} fold ${i.fold}/${i.total}: ${i.learner} trains on ${i.train} items, predicts ${i.test}\n`),
  });
  if (opts.json) console.log(JSON.stringify(annotationReportJson(report, { predictions: opts.predictions }), null, 2));
  else console.log(formatAnnotationReport(report));
}
