// Helpers shared by the importer tests (not a test file itself).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Store } from '../../src/store/index.ts';
import { openTestStore } from '../helpers/store.ts';

export async function withStore<T>(fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openTestStore();
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

export function tempDir(t: TestContext, prefix = 'govnav-import-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function counts(s: Store): Promise<{ documents: number; statements: number; labels: number; live: number }> {
  const one = async (sql: string) => (await s.db.query<{ n: number }>(sql))[0]!.n;
  return {
    documents: await one('SELECT count(*)::int AS n FROM documents'),
    statements: await one('SELECT count(*)::int AS n FROM statements'),
    live: await one('SELECT count(*)::int AS n FROM statements WHERE retired_at IS NULL'),
    labels: await one('SELECT count(*)::int AS n FROM classifications'),
  };
}

/** Current labels per taxonomy and code, as "taxonomy code" → count. */
export async function labelCounts(s: Store, dataset: string): Promise<Map<string, number>> {
  const rows = await s.db.query<{ k: string; n: number }>(
    `SELECT c.taxonomy || ' ' || c.code AS k, count(*)::int AS n FROM classifications c
       JOIN statements st ON st.id = c.statement_id JOIN documents d ON d.id = st.document_id
     WHERE c.is_current AND d.dataset = $1 GROUP BY 1`,
    [dataset],
  );
  return new Map(rows.map((r) => [r.k, r.n]));
}

export function tally(keys: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

export function sorted(m: Map<string, number>): [string, number][] {
  return [...m].sort(([a], [b]) => a.localeCompare(b));
}
