// `govnav datasets list|fetch <name>`: the public datasets govnav knows, and downloading one.
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
        '  govnav datasets fetch mitre-atlas --mirror http://127.0.0.1:8000   (or GOVNAV_DATASET_MIRROR)\n' +
        '\nA mirror serves <base>/<dataset folder>/<file>, the layout of the shared data folder.',
    );
  ds.command('list')
    .description('Each dataset: version, licence, files, and whether (and when) it was imported.')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { DATASETS } = await import('../../importers/datasets.ts');
      const { withCliStore } = await import('../store.ts');
      const { table } = await import('../progress.ts');
      await withCliStore(async (store) => {
        const rows = await store.db.query<{ id: string; version: string; imported_at: Date }>('SELECT id, version, imported_at FROM datasets');
        const imported = new Map(rows.map((r) => [r.id, r]));
        if (opts.json) {
          console.log(
            JSON.stringify(
              DATASETS.map((d) => ({ ...d, imported: imported.get(d.name) ?? null })),
              null,
              2,
            ),
          );
          return;
        }
        console.log(
          table(
            ['name', 'version', 'licence', 'files', 'imported', 'home'],
            DATASETS.map((d) => {
              const i = imported.get(d.name);
              const size = d.files.reduce((n, f) => n + (f.size ?? 0), 0);
              return [
                d.name,
                d.version,
                d.licence,
                d.files.length ? `${d.files.length} (${(size / 1024).toFixed(0)} KB)` : 'manual',
                i ? `${i.version}, ${new Date(i.imported_at).toISOString().slice(0, 16).replace('T', ' ')}` : 'no',
                d.home,
              ];
            }),
          ),
        );
        for (const d of DATASETS.filter((x) => x.source === 'copy' && x.copyReason)) console.log(`\n${d.name}: downloaded from a copy, not the publisher. ${d.copyReason}`);
        const others = rows.filter((r) => !DATASETS.some((d) => d.name === r.id));
        if (others.length) console.log(`\nother imported datasets: ${others.map((r) => `${r.id} ${r.version}`).join(', ')}`);
        console.log('\nDownload and import one with `govnav datasets fetch <name>`; see docs/datasets.md for what each contains.');
      });
    });
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
