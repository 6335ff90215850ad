// The search thread: owns the search indexes of this process (one per database) and runs their
// searches, so that neither a build nor a search takes the main thread's time. The main thread
// (src/search/thread.ts) sends the rows of a build as JSON text batches and each search with the
// stamp of the index it checked as fresh; an index with another stamp (or none) answers `missing`,
// and the main thread then uses SQL, exactly as with a stale in-process index.
import { parentPort } from 'node:worker_threads';
import { IndexBuilder, type IndexDoc, type IndexSearchOptions, type SearchIndex } from './index.ts';
import { statementsFromJson, toIndexRow } from './index-rows.ts';
import type { StatementQuery } from './query.ts';

type Request =
  | { id: number; op: 'begin'; key: number; docs: IndexDoc[]; docOrder: string[]; yearOrder: string[] }
  | { id: number; op: 'rows'; key: number; json: string }
  | { id: number; op: 'build'; key: number; stamp: string }
  | { id: number; op: 'search'; key: number; stamp: string; query: StatementQuery; lexemes: string[]; opts: IndexSearchOptions }
  | { id: number; op: 'drop'; key: number }
  | { id: number; op: 'hold'; flag: SharedArrayBuffer };

const port = parentPort!;
/** At most this many indexes live here (a process serves one database; tests open many). */
const KEEP = Number(process.env.GOVNAV_SEARCH_THREAD_KEEP ?? 4);
const builders = new Map<number, IndexBuilder>();
const indexes = new Map<number, SearchIndex>();

function keep(key: number, ix: SearchIndex) {
  indexes.delete(key);
  indexes.set(key, ix);
  while (indexes.size > KEEP) indexes.delete(indexes.keys().next().value!);
}

function handle(m: Request): unknown {
  switch (m.op) {
    case 'begin':
      builders.set(m.key, new IndexBuilder(m.docs, m.docOrder, m.yearOrder));
      return null;
    case 'rows': {
      const b = builders.get(m.key);
      if (!b) throw new Error('search thread: rows for a build that was not begun');
      for (const r of statementsFromJson(m.json)) b.add(toIndexRow(r));
      return null;
    }
    case 'build': {
      const b = builders.get(m.key);
      if (!b) throw new Error('search thread: a build that was not begun');
      builders.delete(m.key);
      const ix = b.build(m.stamp);
      keep(m.key, ix);
      return { size: ix.size };
    }
    case 'search': {
      const ix = indexes.get(m.key);
      if (!ix || ix.stamp !== m.stamp) return { missing: true };
      return ix.run(m.query, m.lexemes, m.opts);
    }
    case 'drop':
      builders.delete(m.key);
      indexes.delete(m.key);
      return null;
    case 'hold':
      // Tests: keep this thread busy (as a long search would) until the main thread releases it.
      Atomics.wait(new Int32Array(m.flag), 0, 0);
      return null;
  }
}

port.on('message', (m: Request) => {
  try {
    port.postMessage({ id: m.id, result: handle(m) });
  } catch (e) {
    port.postMessage({ id: m.id, error: { message: (e as Error)?.message ?? String(e), name: (e as Error)?.name ?? 'Error' } });
  }
});
port.postMessage({ id: 0, result: 'ready' });
