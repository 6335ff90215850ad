// The main thread's side of the search thread (src/search/thread-worker.ts): one worker per
// process, started on first use, that owns the search indexes and runs their searches. `govnav
// serve` turns it on (GOVNAV_SEARCH_THREAD=1) so that a broad search, or an index build, never
// holds up the event loop that answers cached pages; the CLI and the tests default to running
// the index on the calling thread (GOVNAV_SEARCH_THREAD unset or 0).
import { Worker } from 'node:worker_threads';

interface Reply {
  id: number;
  result?: unknown;
  error?: { message: string; name: string };
}

/** Whether searches run in the search thread. */
export function searchThreadEnabled(): boolean {
  return process.env.GOVNAV_SEARCH_THREAD === '1';
}

export class SearchThread {
  private static instance: SearchThread | undefined;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private seq = 1;
  private dead: Error | undefined;
  private readonly ready: Promise<unknown>;

  /** The search thread of this process (started on first use). */
  static shared(): SearchThread {
    return (SearchThread.instance ??= new SearchThread());
  }

  /** The search thread if one was started (dropping an index never starts one). */
  static running(): SearchThread | undefined {
    return SearchThread.instance;
  }

  private constructor() {
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const url = new URL(`./thread-worker${ext}`, import.meta.url).href;
    // From sources (tests, development) the worker registers the TypeScript loader first.
    const boot =
      ext === '.ts'
        ? `(async () => { const { register } = await import('tsx/esm/api'); register(); await import(${JSON.stringify(url)}); })();`
        : `import(${JSON.stringify(url)});`;
    this.worker = new Worker(boot, { eval: true });
    this.ready = new Promise((resolve, reject) => this.pending.set(0, { resolve, reject }));
    this.worker.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.settled();
      if (m.error) p.reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
      else p.resolve(m.result);
    });
    const fail = (e: Error) => {
      this.dead = e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      if (SearchThread.instance === this) SearchThread.instance = undefined;
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the search thread stopped (exit ${code})`)));
  }

  /** The thread keeps the process alive only while a call is waiting for it. */
  private settled() {
    if (this.pending.size === 0) this.worker.unref();
  }

  async call<T>(op: string, fields: Record<string, unknown> = {}): Promise<T> {
    if (this.dead) throw this.dead;
    const id = this.seq++;
    const reply = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    this.worker.ref();
    this.worker.postMessage({ id, op, ...fields });
    await this.ready;
    return reply;
  }

  /** The worker (tests: prove where a search ran). */
  get threadId(): number {
    return this.worker.threadId;
  }
}

/**
 * Tests: keep the search thread busy, as a long search would, until `release()`; `done` settles
 * when the thread is free again. Searches sent meanwhile wait in the thread's queue.
 */
export function holdSearchThread(): { release: () => void; done: Promise<void> } {
  const flag = new SharedArrayBuffer(4);
  const done = SearchThread.shared().call<null>('hold', { flag }).then(() => undefined);
  return {
    release: () => {
      Atomics.store(new Int32Array(flag), 0, 1);
      Atomics.notify(new Int32Array(flag), 0);
    },
    done,
  };
}
