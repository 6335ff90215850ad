// `govnav release <version>`: a citable bundle of the whole corpus with a changelog since the last release.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('release')
    .description('Write a citable data release govnav-<version>/ (tables as CSV and JSON Lines, manifest, CITATION.cff, licences, changelog).')
    .argument('[version]', 'release version, e.g. 2026.1 or 1.0.0 (never reused)')
    .option('-o, --out <dir>', 'directory that receives govnav-<version>/', '.')
    .option('--base-url <url>', 'public base URL recorded in the citation (default: config baseUrl)')
    .option('--list', 'list earlier releases instead of making one')
    .option('--wait', 'run as a job (a `govnav worker` writes the bundle on its machine, under --out) and follow it')
    .option('--detach', 'queue it as a job and return at once (PostgreSQL)')
    .addHelpText('after', '\nExamples:\n  govnav release 2026.1 --out releases/\n  govnav release --list')
    .action(async (version: string | undefined, opts: { out: string; baseUrl?: string; list?: boolean; wait?: boolean; detach?: boolean }) => {
      const { UserError } = await import('../main.ts');
      const { makeRelease, listReleases, ReleaseError } = await import('../../release/index.ts');
      const { withCliStore } = await import('../store.ts');
      const { progress, table } = await import('../progress.ts');
      const { loadConfig } = await import('../../config.ts');
      const config = loadConfig();
      await withCliStore(async (store) => {
        if (opts.list) {
          const rows = await listReleases(store);
          process.stdout.write(rows.length ? table(['version', 'date', 'path'], rows.map((r) => [r.version, r.created_at.toISOString().slice(0, 10), r.path ?? ''])) + '\n' : 'No releases yet.\n');
          return;
        }
        if (!version) throw new UserError('Give a release version, e.g. `govnav release 2026.1` (or --list).');
        const { wantsJob, submitFromCli } = await import('./jobs.ts');
        if (await wantsJob(store, opts)) {
          const { resolve } = await import('node:path');
          return void (await submitFromCli(store, 'release', { version, outDir: resolve(opts.out), baseUrl: opts.baseUrl ?? config.baseUrl }, opts));
        }
        // One bar for the rows of every table (the total is known from a count up front).
        const expected = await releaseRowCount(store.db);
        const bar = progress(`release ${version}`, expected);
        let stage = '';
        let seen = 0;
        const started = Date.now();
        try {
          const res = await makeRelease(store, {
            version,
            outDir: opts.out,
            baseUrl: opts.baseUrl ?? config.baseUrl,
            onProgress: (s, n) => {
              if (s !== stage) {
                stage = s;
                seen = 0;
              }
              if (n > seen) bar.tick(n - seen, s);
              seen = n;
            },
          });
          bar.stop();
          const m = res.manifest;
          const c = m.changes;
          process.stdout.write(
            `release ${m.version} written to ${res.dir} in ${((Date.now() - started) / 1000).toFixed(1)}s\n` +
              table(['table', 'rows'], Object.entries(m.counts).map(([k, v]) => [k, v])) +
              '\n' +
              (c
                ? `changes since ${m.previousRelease}: ${c.added} statements added, ${c.removed} removed, ${c.changed} changed, ` +
                  `${Object.values(c.labels).reduce((a, b) => a + b, 0)} labels changed` +
                  (Object.keys(c.labels).length ? ` (${Object.entries(c.labels).map(([k, v]) => `${k} ${v}`).join(', ')})` : '') +
                  '\n'
                : 'first release: no changelog comparison\n') +
              `${m.files.length} files, sha256 in manifest.json and SHA256SUMS\n`,
          );
        } catch (e) {
          bar.stop();
          if (e instanceof ReleaseError) throw new UserError(e.message);
          throw e;
        }
      });
    });
}

/** The rows a release writes (statements, labels twice, documents): the length of its progress bar. */
async function releaseRowCount(db: import('../../store/index.ts').Db): Promise<number> {
  const { z } = await import('zod');
  const { parseRows } = await import('../../store/schema/index.ts');
  const rows = await db.query(
    `SELECT ((SELECT count(*) FROM statements WHERE retired_at IS NULL) + 2 * (SELECT count(*) FROM classifications)
             + (SELECT count(*) FROM documents WHERE retired_at IS NULL))::int AS n`,
  );
  return parseRows(z.object({ n: z.number().int() }), rows, 'release: rows to write')[0]!.n;
}
