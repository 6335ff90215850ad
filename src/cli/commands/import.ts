// `govnav import <path>`: load a public dataset (or a govnav-json file) into the database.
import type { Command } from 'commander';
import type { ImportSummary } from '../../importers/index.ts';

export function register(program: Command): void {
  program
    .command('import')
    .description('Import a dataset file, or a folder holding one dataset\'s files (format detected, or give --format).')
    .argument('<path>', 'file or folder')
    .option('-f, --format <format>', 'mit-airi-xlsx | mit-airi-csv | mit-mitigations | nist-600-1 | finos-aigf | mitre-atlas | govnav-json | principles-yaml')
    .option('--dry-run', 'do everything in a transaction, print what would change, and roll it back')
    .option('--skip-invalid', 'import the valid rows and list the invalid ones (default: any invalid row stops the import)')
    .option('--no-link', 'do not link the new statements to topics (run `govnav topics link` later)')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  govnav import The_AI_Risk_Repository_V4_03_12_2025.xlsx\n' +
        '  govnav import ./mit-airi-mitigations-v1/ --dry-run\n' +
        '  govnav import samples/demo.json\n' +
        '  govnav import principles_oecd.yaml          # a principle set (AI Atlas Nexus layout)\n' +
        '\nRe-importing the same file changes nothing; a newer version updates in place and keeps public ids.\n' +
        'See `govnav datasets list` for the public datasets and `govnav datasets fetch <name>` to download one.',
    )
    .action(async (path: string, opts: { format?: string; dryRun?: boolean; skipInvalid?: boolean; json?: boolean; link?: boolean }) => {
      const { withCliStore } = await import('../store.ts');
      const { detectPrinciplesYaml } = await import('../../importers/principles.ts');
      if ((!opts.format && detectPrinciplesYaml(path)) || opts.format === 'principles-yaml') {
        const { importPrinciplesYaml } = await import('../../importers/principles.ts');
        await withCliStore(async (store) => {
          const r = await importPrinciplesYaml(store, path, { dryRun: opts.dryRun, link: opts.link !== false });
          if (opts.json) return console.log(JSON.stringify(r, null, 2));
          const { table } = await import('../progress.ts');
          console.log(`${r.dryRun ? 'DRY RUN (rolled back, nothing was written): ' : ''}principles from ${r.file}`);
          console.log(
            table(
              ['document', 'id', 'status', 'created', 'updated', 'unchanged', 'retired'],
              r.documents.map((d) => [d.title, d.id, d.status, d.created, d.updated, d.unchanged, d.retired]),
            ),
          );
          if (r.link) console.log(`topics: ${r.link.links} links for ${r.link.statements} statements (lexicon ${r.link.lexiconVersion})`);
          for (const k of r.skipped) console.log(`skipped ${k.entry}: ${k.reason}`);
        });
        return;
      }
      await withCliStore(async (store) => {
        const summary = await runCliImport(store, path, opts);
        if (opts.json) console.log(JSON.stringify(summary, null, 2));
        else console.log(await formatSummary(summary));
      });
    });
}

/** Parse and import with a progress bar; import errors become user errors (no stack trace). */
export async function runCliImport(
  store: import('../../store/index.ts').Store,
  path: string,
  opts: { format?: string; dryRun?: boolean; skipInvalid?: boolean; link?: boolean },
): Promise<ImportSummary> {
  const { importPath, ImportError } = await import('../../importers/index.ts');
  const { progress } = await import('../progress.ts');
  const { UserError } = await import('../main.ts');
  const quiet = process.env.GOVNAV_QUIET === '1';
  if (!quiet) process.stderr.write(`reading ${path} …\n`);
  let bar: ReturnType<typeof progress> | undefined;
  let last = 0;
  try {
    return await importPath(store, path, {
      ...opts,
      onParsed: (p) => {
        const total = p.documents.reduce((n, d) => n + d.statements.length, 0);
        bar = progress(`${opts.dryRun ? 'checking' : 'importing'} ${p.dataset.id}`, total, { quiet });
      },
      onProgress: (done) => {
        bar?.tick(done - last);
        last = done;
      },
    });
  } catch (e) {
    if (e instanceof ImportError) throw new UserError(e.message, 1);
    throw e;
  } finally {
    bar?.stop();
  }
}

function pct(n: number): string {
  return n.toLocaleString('en-US');
}

export async function formatSummary(s: ImportSummary): Promise<string> {
  const { table } = await import('../progress.ts');
  const lines: string[] = [];
  const verb = s.dryRun ? 'DRY RUN (rolled back, nothing was written): ' : '';
  lines.push(
    `${verb}${s.dataset.id} ${s.dataset.version}${s.dataset.previousVersion ? ` (was ${s.dataset.previousVersion})` : ''} · format ${s.format} · licence ${s.dataset.licence} · ${(s.ms / 1000).toFixed(1)} s`,
  );
  lines.push('');
  lines.push(
    table(
      ['', 'created', 'updated', 'unchanged', 'retired', 'skipped'],
      [
        ['documents', ...[s.documents.created, s.documents.updated, s.documents.unchanged, s.documents.retired, s.documents.skipped].map(pct)],
        ['statements', ...[s.statements.created, s.statements.updated, s.statements.unchanged, s.statements.retired, s.statements.skipped].map(pct)],
      ],
    ),
  );
  const kinds = Object.entries(s.statements.byKind).map(([k, n]) => `${k} ${pct(n)}`).join(' · ');
  if (kinds) lines.push(`statements in the file: ${kinds}`);
  const tax = Object.entries(s.labels.byTaxonomy).map(([k, n]) => `${k} ${pct(n)}`).join(' · ');
  lines.push(`labels: ${pct(s.labels.inserted)} inserted, ${pct(s.labels.unchanged)} unchanged${tax ? ` (in the file: ${tax})` : ''}`);
  if (s.topics) lines.push(`topics: ${pct(s.topics.links)} links for ${pct(s.topics.statements)} new or changed statements (lexicon ${s.topics.lexiconVersion})`);
  if (s.works?.joined.length)
    lines.push(
      `works: ${s.works.joined.map((j) => `${j.document} is the same work as ${j.with} (${j.work}, by ${j.by})`).join('; ')} — one page, counted once; undo with \`govnav documents split <id>\``,
    );
  for (const [k, n] of Object.entries(s.extra ?? {})) lines.push(`${k}: ${pct(n)}`);
  if (s.retirementSuspended) lines.push('rows were skipped, so nothing was retired this time');
  if (s.skipped.length) {
    lines.push('', `skipped rows (${s.skipped.length}):`);
    for (const i of s.skipped.slice(0, 50)) lines.push('  - ' + issueLine(i));
    if (s.skipped.length > 50) lines.push(`  … and ${s.skipped.length - 50} more (use --json for all)`);
  }
  if (s.anomalies.length) {
    lines.push('', 'anomalies in the source (imported as published):');
    for (const a of s.anomalies)
      lines.push(`  - ${a.message}: ${pct(a.count)}${a.examples?.length ? ` (e.g. ${a.examples.slice(0, 6).join('; ')})` : ''}`);
  }
  return lines.join('\n');
}

function issueLine(i: ImportSummary['skipped'][number]): string {
  const parts = [i.file];
  if (i.row !== undefined) parts.push(typeof i.row === 'number' ? `row ${i.row}` : String(i.row));
  if (i.key) parts.push(`(${i.key})`);
  if (i.field) parts.push(`field "${i.field}"`);
  return `${parts.join(', ')}: ${i.message}`;
}

