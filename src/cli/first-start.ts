// First start: an empty store gets the open snapshot of the public datasets bundled with govnav
// (snapshot/govnav-snapshot.json.gz, built by `npm run snapshot`), so that a newcomer sees the real
// navigator with no network. GOVNAV_SNAPSHOT names another snapshot file, or "none" for none.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Store } from '../store/index.ts';

export const BUNDLED_SNAPSHOT = fileURLToPath(new URL('../../snapshot/govnav-snapshot.json.gz', import.meta.url));

/** The snapshot file first start loads, or undefined when there is none (or GOVNAV_SNAPSHOT=none). */
export function snapshotFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const v = env.GOVNAV_SNAPSHOT;
  if (v === 'none' || v === '0') return undefined;
  return v || BUNDLED_SNAPSHOT;
}

/** One line per dataset: id, version, licence, counts, attribution. */
export async function datasetSummary(store: Store): Promise<string[]> {
  const { listStoreDatasets } = await import('../store/datasets-admin.ts');
  return (await listStoreDatasets(store.db)).map(
    (d) => `  ${d.id} ${d.version} · ${d.licence} · ${d.documents} documents, ${d.statements} statements\n    ${d.attribution}`,
  );
}

/**
 * Load a snapshot into the store when it never held data (no dataset, no document, no id ever
 * allocated; `force`: no dataset and no document); print a progress bar and a summary on stderr.
 * Returns whether anything was loaded.
 */
export async function loadSnapshotIfEmpty(store: Store, file = snapshotFile(), opts: { quiet?: boolean; force?: boolean } = {}): Promise<boolean> {
  const { corpusIsEmpty, decodeSnapshot, loadSnapshot } = await import('../store/snapshot.ts');
  if (!(await corpusIsEmpty(store.db))) return false;
  // Only a database that never held data: one whose datasets were all removed has allocated ids
  // (never reused) and stays empty, as its owner left it.
  const { queryRow, row, int } = await import('../store/schema/columns.ts');
  const n = (await queryRow(store.db, row({ n: int() }), 'SELECT count(*)::int AS n FROM id_counters', [], 'id counters'))?.n ?? 0;
  if (n > 0 && !opts.force) {
    if (!opts.quiet)
      process.stderr.write('The database holds no dataset (they were removed). Load the bundled snapshot again with `govnav serve --load-snapshot`, or import data (see README).\n');
    return false;
  }
  const say = (s: string) => {
    if (!opts.quiet) process.stderr.write(s);
  };
  if (!file || !existsSync(file)) {
    say(
      'The database is empty and no snapshot of the public datasets is available' +
        (file ? ` (${file} is missing)` : '') +
        '.\nLoad data with `govnav datasets fetch <name>` or `govnav import <file>` (see README), or try `govnav serve --demo`.\n',
    );
    return false;
  }
  const { progress } = await import('./progress.ts');
  const snap = decodeSnapshot(readFileSync(file), file);
  const total = snap.tables.reduce((n, t) => n + t.rows.length, 0);
  say(`The database is empty: loading the snapshot of the public datasets (${file}) …\n`);
  const bar = progress('loading snapshot', total, { quiet: opts.quiet || process.env.GOVNAV_QUIET === '1' });
  const r = await loadSnapshot(store.db, snap, { onTable: (table, n) => bar.tick(n, table) });
  bar.stop();
  say(
    `Loaded ${r.rows.datasets} datasets: ${r.rows.documents} documents, ${r.rows.statements} statements, ` +
      `${r.rows.classifications} labels, ${r.rows.statement_topics} topic links in ${(r.ms / 1000).toFixed(1)} s.\n`,
  );
  for (const line of await datasetSummary(store)) say(`${line}\n`);
  say('Remove a dataset with `govnav datasets remove <id>`; list them with `govnav datasets list`.\n');
  return true;
}
