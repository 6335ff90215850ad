// `govnav datasets list|fetch <name>|remove <id>`: the datasets in the database and the public ones govnav
// knows; downloading one; removing one with everything derived from it.
import type { Command } from 'commander';

export function register(program: Command): void {
  const ds = program
    .command('datasets')
    .description('The public datasets govnav can load: list them, or download and import one.')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  govnav datasets list\n' +
        '  govnav datasets fetch mit-airi-risk-db\n' +
        '  govnav datasets remove govnav-demo --yes\n' +
        '  govnav datasets fetch mitre-atlas --mirror http://127.0.0.1:8000   (or GOVNAV_DATASET_MIRROR)\n' +
        '\nA mirror serves <base>/<dataset folder>/<file>, the layout of the shared data folder.',
    );
  listCommand(ds);
  removeCommand(ds);
  fetchCommand(ds);
}

function listCommand(ds: Command): void {
  ds.command('list')
    .description('The datasets in the database (principle sets, annotations and snapshot datasets too) with version, licence and counts; then the public datasets govnav can fetch.')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { DATASETS } = await import('../../importers/datasets.ts');
      const { withReadOnlyStore } = await import('../store.ts');
      const { listStoreDatasets } = await import('../../store/datasets-admin.ts');
      const { table } = await import('../progress.ts');
      await withReadOnlyStore(async (store) => {
        const rows = await listStoreDatasets(store.db);
        const imported = new Map(rows.map((r) => [r.id, r]));
        if (opts.json) {
          console.log(
            JSON.stringify(
              {
                imported: rows,
                available: DATASETS.map((d) => ({ ...d, imported: imported.has(d.name) ? { version: imported.get(d.name)!.version, imported_at: imported.get(d.name)!.imported_at } : null })),
              },
              null,
              2,
            ),
          );
          return;
        }
        if (rows.length) {
          console.log('In this database:');
          console.log(
            table(
              ['id', 'version', 'licence', 'documents', 'statements', 'labels', 'imported'],
              rows.map((r) => [r.id, r.version, r.licence, String(r.documents), String(r.statements), String(r.labels), r.imported_at.slice(0, 16)]),
            ),
          );
        } else console.log('The database holds no dataset yet (`govnav serve` loads the bundled snapshot into an empty database).');
        console.log('\nPublic datasets govnav can fetch:');
        console.log(
          table(
            ['name', 'version', 'licence', 'files', 'imported', 'home'],
            DATASETS.map((d) => {
              const i = imported.get(d.name);
              const size = d.files.reduce((n, f) => n + (f.size ?? 0), 0);
              return [d.name, d.version, d.licence, d.files.length ? `${d.files.length} (${(size / 1024).toFixed(0)} KB)` : 'manual', i ? i.version : 'no', d.home];
            }),
          ),
        );
        console.log('\nDownload and import one with `govnav datasets fetch <name>`; remove one with `govnav datasets remove <id>`; see docs/datasets.md.');
      });
    });
}

function removeCommand(ds: Command): void {
  ds.command('remove')
    .description('Remove a dataset and everything derived from it (documents, statements, labels, topic links, texts, outlines, runs), in one transaction.')
    .argument('<id>', 'dataset id (see `govnav datasets list`)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print the counts as JSON')
    .action(async (id: string, opts: { yes?: boolean; json?: boolean }) => {
      const { withCliStore } = await import('../store.ts');
      const { removalCounts, removeDataset, DatasetNotFound } = await import('../../store/datasets-admin.ts');
      const { UserError } = await import('../main.ts');
      await withCliStore(async (store) => {
        const describe = (c: import('../../store/datasets-admin.ts').RemoveCounts) =>
          `${c.documents} documents, ${c.statements} statements, ${c.labels} labels, ${c.topicLinks} topic links, ${c.blocks} outline blocks, ${c.texts} document texts, ${c.runs} classification runs` +
          (c.labelsElsewhere ? `, and ${c.labelsElsewhere} labels it put on other datasets' statements` : '');
        let planned;
        try {
          planned = await removalCounts(store.db, id);
        } catch (e) {
          if (e instanceof DatasetNotFound) throw new UserError(e.message, 1);
          throw e;
        }
        if (!opts.yes) {
          if (!process.stdin.isTTY) throw new UserError(`Removing "${id}" would delete ${describe(planned)}. Add --yes to confirm (no terminal to ask on).`);
          const { createInterface } = await import('node:readline/promises');
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          const answer = await rl.question(`Remove dataset "${id}": ${describe(planned)}? [y/N] `);
          rl.close();
          if (!/^y(es)?$/i.test(answer.trim())) {
            console.log('nothing removed');
            return;
          }
        }
        const done = await removeDataset(store.db, id);
        if (opts.json) console.log(JSON.stringify({ removed: id, ...done }, null, 2));
        else console.log(`removed dataset "${id}": ${describe(done)}`);
      });
    });
}

function fetchCommand(ds: Command): void {
  ds.command('fetch')
    .description('Download a dataset (size limit, timeout, checksum check) and import it.')
    .argument('<name>', 'dataset name (see `govnav datasets list`)')
    .option('--mirror <base-url>', 'download from a mirror instead of the public URLs (env GOVNAV_DATASET_MIRROR)')
    .option('--no-import', 'only download and verify')
    .option('--dry-run', 'download, then import in a transaction that is rolled back')
    .option('--skip-invalid', 'import the valid rows and list the invalid ones')
    .option('--max-size <MB>', 'largest file accepted, in MB', '200')
    .option('--timeout <seconds>', 'time allowed per file', '120')
    .option('--force', 'download again even when a verified copy is present')
    .action(
      async (
        name: string,
        opts: { mirror?: string; import: boolean; dryRun?: boolean; skipInvalid?: boolean; maxSize: string; timeout: string; force?: boolean },
      ) => {
        const { datasetEntry } = await import('../../importers/datasets.ts');
        const { fetchDataset, FetchError } = await import('../../importers/fetch.ts');
        const { loadConfig } = await import('../../config.ts');
        const { progress } = await import('../progress.ts');
        const { UserError } = await import('../main.ts');
        let entry;
        try {
          entry = datasetEntry(name);
        } catch (e) {
          throw new UserError((e as Error).message);
        }
        const config = loadConfig();
        const quiet = process.env.GOVNAV_QUIET === '1';
        let bar: ReturnType<typeof progress> | undefined;
        let result;
        try {
          result = await fetchDataset(entry, {
            dataDir: config.dataDir,
            mirror: opts.mirror,
            maxBytes: Math.round(Number(opts.maxSize) * 1024 * 1024),
            timeoutMs: Math.round(Number(opts.timeout) * 1000),
            force: opts.force,
            onStart: (file, total) => {
              bar = progress(`downloading ${file}`, total ?? 0, { quiet });
            },
            onData: (n) => bar?.tick(n),
            onDone: () => bar?.stop(),
          });
        } catch (e) {
          bar?.stop();
          if (e instanceof FetchError) throw new UserError(e.message, 1);
          throw e;
        }
        for (const f of result.files)
          process.stderr.write(`${f.cached ? 'have' : 'got'} ${f.name}: ${f.bytes} bytes, sha256 ${f.sha256.slice(0, 16)}… ${f.verified ? 'verified' : '(no published checksum)'}\n`);
        console.log(`saved in ${result.dir}`);
        if (!opts.import) return;
        const { withCliStore } = await import('../store.ts');
        const { runCliImport, formatSummary } = await import('./import.ts');
        await withCliStore(async (store) => {
          const summary = await runCliImport(store, result.dir, { format: entry.format, dryRun: opts.dryRun, skipInvalid: opts.skipInvalid });
          console.log(await formatSummary(summary));
        });
      },
    );
}
