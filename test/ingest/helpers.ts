// Shared assertions for the ingest tests.
import assert from 'node:assert/strict';
import type { Db, Store } from '../../src/store/index.ts';
import { openTestStore } from '../helpers/store.ts';

export async function withStore(fn: (s: Store) => Promise<void>): Promise<void> {
  const s = await openTestStore();
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

/** Row counts of every table ingest writes, to prove that a failed ingest changed nothing. */
export async function snapshot(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['datasets', 'documents', 'statements', 'document_texts', 'statement_minhash', 'id_counters'])
    out[t] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n;
  return out;
}

export interface StoredStatement {
  id: string;
  parent_id: string | null;
  ord: number;
  name: string;
  text: string;
  heading_path: string[];
  page: number | null;
  page_end: number | null;
  char_start: number;
  char_end: number;
  locator_ref: string | null;
  language: string;
  kind: string;
  meta: Record<string, unknown>;
}

/** The live statements of a document and its stored extracted text; asserts every span is exact. */
export async function storedDocument(db: Db, documentId: string): Promise<{ text: string; statements: StoredStatement[] }> {
  const [t] = await db.query<{ text: string }>('SELECT text FROM document_texts WHERE document_id = $1', [documentId]);
  assert.ok(t, `document ${documentId} has a stored text`);
  const statements = await db.query<StoredStatement>(
    `SELECT id, parent_id, ord, name, text, heading_path, page, page_end, char_start, char_end, locator_ref, language, kind, meta
     FROM statements WHERE document_id = $1 AND retired_at IS NULL ORDER BY ord`,
    [documentId],
  );
  for (const s of statements) {
    assert.equal(t.text.slice(s.char_start, s.char_end), s.text, `span of ${s.id} [${s.char_start}, ${s.char_end}) equals its text`);
    assert.ok(s.text.trim().length > 0 && s.name.length > 0);
  }
  return { text: t.text, statements };
}

/** One store for all tests of a file (opening a store runs every migration, which takes a while). */
export function sharedStore(): { get: () => Promise<Store>; close: () => Promise<void> } {
  let p: Promise<Store> | undefined;
  return {
    get: () => (p ??= openTestStore()),
    close: async () => {
      if (p) await (await p).close();
    },
  };
}
