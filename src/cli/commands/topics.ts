// `govnav topics link|list|show|matrix|compare|lexicon|import-principles`
import type { Command } from 'commander';

type Lang = 'en' | 'zh';
const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((x) => x.trim()).filter(Boolean)];

function langOf(v: string | undefined): Lang {
  if (v === undefined || v === 'en') return 'en';
  if (v === 'zh') return 'zh';
  throw new Error(`--lang must be "en" or "zh", not "${v}"`);
}

/** Apply --lexicon files (over the built-in lexicon and <data dir>/topics/*.json) for this run. */
async function useLexicon(extra: string[] | undefined) {
  const { loadConfig } = await import('../../config.ts');
  const { loadLexicon } = await import('../../topics/lexicon.ts');
  const { setDefaultLexicon } = await import('../../topics/link.ts');
  const { UserError } = await import('../main.ts');
  try {
    return setDefaultLexicon(loadLexicon({ dataDir: loadConfig().dataDir, extra }));
  } catch (e) {
    if ((e as Error).name === 'LexiconError') throw new UserError((e as Error).message);
    throw e;
  }
}

function filtersOf(o: { docType?: string[]; jurisdiction?: string[]; year?: string[]; kind?: string[] }) {
  const years = (o.year ?? []).map((y) => {
    const n = Number(y);
    if (!Number.isInteger(n)) throw new Error(`--year must be a year such as 2024, not "${y}"`);
    return n;
  });
  return { docType: o.docType, jurisdiction: o.jurisdiction, year: years.length ? years : undefined, kind: o.kind };
}

function withFilterOptions(cmd: Command): Command {
  return cmd
    .option('--doc-type <types>', 'only documents of these types (comma-separated or repeated)', collect)
    .option('--jurisdiction <names>', 'only documents of these jurisdictions', collect)
    .option('--year <years>', 'only documents of these years', collect)
    .option('--kind <kinds>', 'only statements of these kinds: mitigation, principle, risk', collect);
}

export function register(program: Command): void {
  const topics = program
    .command('topics')
    .description('Topics: link statements to the bilingual topic lexicon, list topics, show a topic, coverage matrix, compare documents.')
    .addHelpText(
      'after',
      '\nThe lexicon is topics/lexicon.json plus your own files in <data dir>/topics/*.json (see docs/topics.md).\n' +
        'Imports and ingestion link new statements automatically; `govnav topics link` links whatever is pending\n' +
        '(new, changed, or linked with an older lexicon) and `--rebuild` relinks everything.',
    );

  linkCommand(topics);
  listCommand(topics);
  showCommand(topics);
  matrixCommand(topics);
  compareCommand(topics);
  lexiconCommand(topics);
  importPrinciplesCommand(topics);
}

function linkCommand(topics: Command): void {
  topics
    .command('link')
    .description('Link pending statements to topics (new, changed, or linked with another lexicon version).')
    .option('--rebuild', 'relink every statement')
    .option('--lexicon <files...>', 'extra lexicon files merged over the built-in one for this run')
    .option('--json', 'print the report as JSON')
    .option('--wait', 'run as a job (a `govnav worker` runs it on PostgreSQL) and follow it')
    .option('--detach', 'queue it as a job and return at once (PostgreSQL)')
    .action(async (opts: { rebuild?: boolean; lexicon?: string[]; json?: boolean; wait?: boolean; detach?: boolean }) => {
      const lex = await useLexicon(opts.lexicon);
      const { withCliStore } = await import('../store.ts');
      const { progress, table } = await import('../progress.ts');
      const { linkPending } = await import('../../topics/link.ts');
      await withCliStore(async (store) => {
        // A job (built-in lexicon and <data dir>/topics only: --lexicon files stay on this machine).
        const { wantsJob, submitFromCli } = await import('./jobs.ts');
        if (!opts.lexicon?.length && (await wantsJob(store, opts))) return void (await submitFromCli(store, 'topics-link', { rebuild: !!opts.rebuild }, opts));
        const started = Date.now();
        let bar: ReturnType<typeof progress> | undefined;
        let last = 0;
        const report = await linkPending(store.db, {
          lexicon: lex,
          rebuild: opts.rebuild,
          onProgress: (done, total) => {
            bar ??= progress(opts.rebuild ? 'relinking' : 'linking', total, { quiet: process.env.GOVNAV_QUIET === '1' || !!opts.json });
            bar.tick(done - last);
            last = done;
          },
        });
        bar?.stop();
        const secs = (Date.now() - started) / 1000;
        if (opts.json) {
          console.log(JSON.stringify({ ...report, seconds: secs }, null, 2));
          return;
        }
        if (!report.pending) {
          console.log(`nothing to link: every statement is linked with lexicon ${report.lexiconVersion} (use --rebuild to relink all)`);
          return;
        }
        console.log(
          `linked ${report.statements.toLocaleString('en-US')} statements with lexicon ${report.lexiconVersion} in ${secs.toFixed(1)} s ` +
            `(${Math.round(report.statements / Math.max(secs, 0.001)).toLocaleString('en-US')}/s): ` +
            `${report.links.toLocaleString('en-US')} links, ${report.unlinked.toLocaleString('en-US')} statements on no topic`,
        );
        console.log(table(['topic', 'statements linked'], Object.entries(report.byTopic).map(([k, v]) => [k, v])));
      });
    });
}

function listCommand(topics: Command): void {
  withFilterOptions(
    topics
      .command('list')
      .description('List the topics with the number of statements and documents linked to each.')
      .option('--lang <lang>', 'en or zh', 'en')
      .option('--json', 'print JSON'),
  ).action(async (opts: { lang?: string; json?: boolean; docType?: string[]; jurisdiction?: string[]; year?: string[]; kind?: string[] }) => {
    const lang = langOf(opts.lang);
    const { withCliStore } = await import('../store.ts');
    const { table } = await import('../progress.ts');
    const { listTopics } = await import('../../topics/query.ts');
    await withCliStore(async (store) => {
      const rows = await listTopics(store.db, filtersOf(opts));
      if (opts.json) return console.log(JSON.stringify(rows, null, 2));
      if (!rows.length) return console.log('no topics yet: run `govnav topics link`');
      console.log(
        table(
          ['topic', lang === 'zh' ? '名称' : 'name', lang === 'zh' ? '条目' : 'statements', lang === 'zh' ? '文件' : 'documents'],
          rows.map((r) => [r.id, lang === 'zh' ? (r.name_zh ?? r.name_en) : r.name_en, r.statements, r.documents]),
        ),
      );
    });
  });
}

function showCommand(topics: Command): void {
  withFilterOptions(
    topics
      .command('show')
      .description('Show a topic: per document, its statements on the topic with the attribution line.')
      .argument('<topic>', 'topic id, e.g. security')
      .option('--lang <lang>', 'en or zh', 'en')
      .option('--page <n>', 'page of documents', '1')
      .option('--per-document <n>', 'statements shown per document', '5')
      .option('--json', 'print JSON'),
  ).action(
    async (
      id: string,
      opts: { lang?: string; page?: string; perDocument?: string; json?: boolean; docType?: string[]; jurisdiction?: string[]; year?: string[]; kind?: string[] },
    ) => {
      const lang = langOf(opts.lang);
      const { withCliStore } = await import('../store.ts');
      const { topicPage, TopicsNotFound } = await import('../../topics/query.ts');
      const { attributionLine } = await import('../../topics/attribution.ts');
      const { UserError } = await import('../main.ts');
      await withCliStore(async (store) => {
        let data;
        try {
          data = await topicPage(store.db, id, filtersOf(opts), { page: Number(opts.page) || 1, perDocument: Number(opts.perDocument) || 5 });
        } catch (e) {
          if (e instanceof TopicsNotFound) throw new UserError(`${e.message} (see \`govnav topics list\`)`);
          throw e;
        }
        if (opts.json) return console.log(JSON.stringify(data, null, 2));
        const t = data.topic;
        const name = lang === 'zh' ? (t.name_zh ?? t.name_en) : t.name_en;
        console.log(`${name} (${t.id})`);
        console.log(lang === 'zh' ? (t.description_zh ?? t.description_en) : t.description_en);
        console.log(
          lang === 'zh'
            ? `${data.totalStatements} 条，来自 ${data.totalDocuments} 份文件（第 ${data.page}/${data.pages} 页）\n`
            : `${data.totalStatements} statements in ${data.totalDocuments} documents (page ${data.page} of ${data.pages})\n`,
        );
        for (const d of data.documents) {
          console.log(`── ${d.id} ${d.title} (${d.count})`);
          for (const s of d.statements) {
            const terms = s.matched_terms.map((m) => (lang === 'zh' ? (m.label.zh ?? m.label.en) : m.label.en)).join(', ');
            console.log(`  ${s.id}  ${s.name || s.text.slice(0, 80)}  [${terms}; ${s.score}]`);
            const text = s.text.replace(/\s+/g, ' ').trim();
            if (s.name && text) console.log(`    ${text.length > 300 ? text.slice(0, 299) + '…' : text}`);
            console.log(`    — ${attributionLine(d, lang)}`);
          }
          if (d.count > d.statements.length) console.log(`  … ${d.count - d.statements.length} more`);
          console.log('');
        }
      });
    },
  );
}

function matrixCommand(topics: Command): void {
  withFilterOptions(
    topics
      .command('matrix')
      .description('Coverage matrix: documents × topics, each cell the number of linked statements.')
      .option('--csv', 'print CSV')
      .option('--sort <order>', 'coverage | title | statements | date | organisation | topic:<id>', 'coverage')
      .option('--lang <lang>', 'en or zh (column names in CSV)', 'en'),
  ).action(async (opts: { csv?: boolean; sort?: string; lang?: string; docType?: string[]; jurisdiction?: string[]; year?: string[]; kind?: string[] }) => {
    const lang = langOf(opts.lang);
    const { withCliStore } = await import('../store.ts');
    const { table } = await import('../progress.ts');
    const { coverageMatrix, matrixCsv, isMatrixSort } = await import('../../topics/matrix.ts');
    const { liveTopics } = await import('../../topics/query.ts');
    const { UserError } = await import('../main.ts');
    await withCliStore(async (store) => {
      const ids = (await liveTopics(store.db)).map((t) => t.id);
      if (opts.sort && !isMatrixSort(opts.sort, ids)) throw new UserError(`--sort: unknown order "${opts.sort}" (coverage, title, statements, date, organisation or topic:<id>)`);
      const m = await coverageMatrix(store.db, { ...filtersOf(opts), sort: opts.sort as never });
      if (opts.csv) return void process.stdout.write(matrixCsv(m, lang));
      if (!m.documents.length) return console.log('no documents match');
      console.log(
        table(
          ['document', 'stmts', ...m.topics.map((t) => t.id), 'covered', 'only here'],
          m.documents.map((d) => [d.id + ' ' + clip(d.title, 30), d.statements, ...m.topics.map((t) => d.cells[t.id] ?? 0), `${d.covered}/${m.topics.length}`, d.only.join(' ')]),
        ),
      );
      console.log(
        m.fullCoverage.length
          ? `\ndocuments covering every topic: ${m.fullCoverage.join(', ')}`
          : `\nno document covers all ${m.topics.length} topics`,
      );
      const nobody = m.topics.filter((t) => m.topicTotals[t.id]!.documents === 0).map((t) => t.id);
      if (nobody.length) console.log(`topics no document covers: ${nobody.join(', ')}`);
    });
  });
}

function compareCommand(topics: Command): void {
  topics
    .command('compare')
    .description('Compare two or more documents topic by topic.')
    .argument('<documents...>', 'document ids, e.g. D0001 D0002')
    .option('--kind <kinds>', 'only statements of these kinds', collect)
    .option('--json', 'print JSON')
    .action(async (ids: string[], opts: { kind?: string[]; json?: boolean }) => {
      const { withCliStore } = await import('../store.ts');
      const { table } = await import('../progress.ts');
      const { compareDocuments } = await import('../../topics/compare.ts');
      const { TopicsNotFound } = await import('../../topics/query.ts');
      const { UserError } = await import('../main.ts');
      await withCliStore(async (store) => {
        let cmp;
        try {
          cmp = await compareDocuments(store.db, ids, { kind: opts.kind, perCell: 3 });
        } catch (e) {
          if (e instanceof TopicsNotFound) throw new UserError(e.message);
          throw e;
        }
        if (opts.json) return console.log(JSON.stringify(cmp, null, 2));
        console.log(
          table(
            ['topic', ...cmp.documents.map((d) => `${d.id} ${clip(d.title, 24)}`)],
            cmp.topics.map((t) => [t.topic.id, ...cmp.documents.map((d) => t.cells[d.id]?.count ?? 0)]),
          ),
        );
        console.log(`\ncovered by all: ${cmp.shared.join(', ') || '—'}`);
        for (const d of cmp.documents) console.log(`only ${d.id}: ${cmp.onlyIn[d.id]!.join(', ') || '—'}`);
        if (cmp.none.length) console.log(`covered by none: ${cmp.none.join(', ')}`);
      });
    });
}

function lexiconCommand(topics: Command): void {
  topics
    .command('lexicon')
    .description('Check and summarise the lexicon in effect (built-in plus extensions).')
    .option('--lexicon <files...>', 'extra lexicon files to check with it')
    .option('--lang <lang>', 'en or zh', 'en')
    .action(async (opts: { lexicon?: string[]; lang?: string }) => {
      const lang = langOf(opts.lang);
      const c = await useLexicon(opts.lexicon);
      const { table } = await import('../progress.ts');
      console.log(`lexicon ${c.version} from ${c.lexicon.sources.join(', ')}`);
      console.log(`threshold ${c.scoring.threshold}; field weights name ${c.scoring.fieldWeights.name}, heading ${c.scoring.fieldWeights.heading}, text ${c.scoring.fieldWeights.text}\n`);
      console.log(
        table(
          ['topic', 'name', 'terms', 'en patterns', 'zh patterns'],
          c.topics.map((t) => [
            t.id,
            lang === 'zh' ? (t.name.zh ?? t.name.en) : t.name.en,
            t.terms.length,
            t.terms.reduce((n, x) => n + x.en.length, 0),
            t.terms.reduce((n, x) => n + x.zh.length, 0),
          ]),
        ),
      );
    });
}

function importPrinciplesCommand(topics: Command): void {
  topics
    .command('import-principles')
    .description('Import principle sets in the AI Atlas Nexus YAML layout (documents + entries of type Principle) and link them.')
    .argument('<files...>', 'YAML files, e.g. principles_oecd.yaml')
    .option('--dry-run', 'do everything in a transaction, print what would change, and roll it back')
    .option('--no-link', 'do not link the statements to topics')
    .option('--organisation <name>', 'publisher of documents govnav does not know')
    .option('--lexicon <files...>', 'extra lexicon files for linking')
    .option('--json', 'print the reports as JSON')
    .action(async (files: string[], opts: { dryRun?: boolean; link?: boolean; organisation?: string; lexicon?: string[]; json?: boolean }) => {
      const lex = await useLexicon(opts.lexicon);
      const { existsSync } = await import('node:fs');
      const { UserError } = await import('../main.ts');
      for (const f of files) if (!existsSync(f)) throw new UserError(`${f}: file not found`);
      const { withCliStore } = await import('../store.ts');
      const { progress, table } = await import('../progress.ts');
      const { importPrinciplesYaml } = await import('../../importers/principles.ts');
      await withCliStore(async (store) => {
        const bar = progress(opts.dryRun ? 'checking' : 'importing', files.length, { quiet: process.env.GOVNAV_QUIET === '1' || !!opts.json });
        const reports = [];
        try {
          for (const f of files) {
            reports.push(await importPrinciplesYaml(store, f, { dryRun: opts.dryRun, link: opts.link, organisation: opts.organisation, lexicon: lex }));
            bar.tick(1, f);
          }
        } finally {
          bar.stop();
        }
        if (opts.json) return console.log(JSON.stringify(reports, null, 2));
        if (opts.dryRun) console.log('DRY RUN (rolled back, nothing was written)');
        console.log(
          table(
            ['file', 'document', 'status', 'created', 'updated', 'unchanged', 'retired', 'links'],
            reports.flatMap((r) =>
              r.documents.map((d) => [clip(r.file.split('/').pop()!, 32), `${d.id} ${clip(d.title, 36)}`, d.status, d.created, d.updated, d.unchanged, d.retired, r.link?.links ?? 0]),
            ),
          ),
        );
        const skipped = reports.flatMap((r) => r.skipped.map((s) => `${r.file}: ${s.entry}: ${s.reason}`));
        if (skipped.length) console.log(`\nskipped:\n  ${skipped.join('\n  ')}`);
      });
    });
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}
