// Starting the HTTP server on a store.
//
// Several server processes may share one PostgreSQL database. Each keeps its own cache of rendered
// pages, keyed by a data version; every write transaction on the tables pages show sends a
// notification (migration 0901), and each process LISTENs (src/store/notify.ts): on a notification
// it drops its cached pages and moves to a new version at once, so no process serves a page older
// than a write made by another. A slow poll of the data version stays as a safety net (and is the
// only mechanism on PGlite, where the process owning the database also makes every write).
//
// /readyz answers 200 once the app, its caches and the listener are up, and 503 while the server
// drains on shutdown; close() stops accepting connections and finishes the requests in flight.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Config } from '../config.ts';
import type { Store } from '../store/index.ts';
import { currentSchema, listenDataChanges, type DataListener } from '../store/notify.ts';
import { indexBuilds } from '../store/search-index.ts';
import { createApp, readDataVersion } from './app.ts';
import type { AppContext } from './context.ts';
import { serveCachedRaw } from './components/page-cache.ts';
import { logError } from '../util/errors.ts';
import { stopViews } from '../review/views.ts';

type ServerType = Server;

export interface RunningServer {
  url: string;
  port: number;
  server: ServerType;
  ctx: AppContext;
  /** Stop accepting connections, finish the requests in flight (at most `graceMs`, default 10 s), then close. */
  close(opts?: { graceMs?: number }): Promise<void>;
}

/**
 * The data version as the page cache sees it: changes with the data, and at every change notification.
 * A burst of notifications (a job writing batch after batch) retags at once for each one, but reads
 * the data version from the database at most once at a time: one read in flight, one more after it.
 */
export class VersionTracker {
  private version = '';
  private generation = 0;
  private reading: Promise<void> | undefined;
  private again = false;
  tag = '';
  /** How many times the data version was read (tests: a burst of notices is coalesced). */
  reads = 0;
  /** Change notices received. */
  notices = 0;
  constructor(
    private readonly read: () => Promise<string>,
    private readonly onInvalidate: () => void,
  ) {}
  private retag() {
    this.tag = createHash('sha1').update(`${this.version}|${this.generation}`).digest('hex').slice(0, 10);
  }
  /** Read the data version now, or, when a read is running, once more after it. */
  refresh(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      try {
        do {
          this.again = false;
          this.reads++;
          const v = await this.read();
          if (v !== this.version) {
            this.version = v;
            this.retag();
          }
        } while (this.again);
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }
  /** Another process (or this one) committed a change: pages rendered before it must not be served. */
  invalidate(): void {
    this.notices++;
    this.generation++;
    this.retag();
    this.onInvalidate();
    void this.refresh().catch((e) => logError('refreshing the data version after a change notice', e));
  }
}

/** Counters since start, shown by /readyz (the scale bench reads them): change notices, data-version reads, search index builds, page cache. */
function counters(store: Store, versions: VersionTracker, ctx: AppContext) {
  const cache = ctx.pageCache;
  return { notices: versions.notices, versionReads: versions.reads, indexBuilds: indexBuilds(store.db), cacheHits: cache?.hits ?? 0, cacheMisses: cache?.misses ?? 0 };
}

function pollMs(listening: boolean): number {
  const raw = process.env.GOVNAV_VERSION_POLL_MS;
  if (raw && Number(raw) > 0) return Number(raw);
  return listening ? 30_000 : 2000;
}

export async function startServer(store: Store, config: Config, opts: { port?: number; host?: string } = {}): Promise<RunningServer> {
  let ctx: AppContext | undefined;
  const versions = new VersionTracker(() => readDataVersion({ store }), () => ctx?.pageCache?.clear());
  await versions.refresh();
  ctx = { store, config, dataVersion: () => versions.tag };
  let listener: DataListener | undefined;
  if (store.db.kind === 'postgres' && config.databaseUrl)
    listener = await listenDataChanges(() => versions.invalidate(), { databaseUrl: config.databaseUrl, schema: await currentSchema(store.db) });
  else listener = await listenDataChanges(() => versions.invalidate());
  const refresh = setInterval(() => void versions.refresh().catch((e) => logError('polling the data version (the next tick tries again)', e)), pollMs(!!listener.connected));
  refresh.unref();
  const app = await createApp(ctx);
  const host = opts.host ?? config.host;
  const port = opts.port ?? config.port;
  const appListener = getRequestListener(app.fetch);
  let ready = false;
  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/readyz') {
      const ok = ready && !draining;
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ ready: ok, draining, engine: store.db.kind, listening: listener?.connected ?? false, pid: process.pid, counters: counters(store, versions, ctx!) }));
      return;
    }
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0) idle?.();
    });
    if (draining) res.setHeader('Connection', 'close');
    // Pages already rendered are answered before the framework runs (see serveCachedRaw).
    if (ctx!.pageCache && serveCachedRaw(ctx!.pageCache, versions.tag, req, res)) return;
    appListener(req, res);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new Error(`Port ${port} on ${host} is already in use. Stop the other server or choose another port: PORT=8788 npm start (or --port).`)
          : e,
      ),
    );
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  // Without a configured base URL, links name the address actually listened on (a port chosen by
  // the system, or given on the command line), never the request's Host header.
  if (!config.baseUrl && (addr.port !== config.port || host !== config.host)) ctx.config = { ...config, host, port: addr.port };
  ready = true;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${addr.port}`,
    port: addr.port,
    server,
    ctx,
    close: (o = {}) =>
      (closing ??= (async () => {
        draining = true;
        clearInterval(refresh);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // Requests in flight finish (their connections close after the answer); then whatever is left goes.
        const settled = new Promise<void>((resolve) => {
          if (inFlight === 0) return resolve();
          idle = resolve;
        });
        const grace = new Promise<void>((resolve) => setTimeout(resolve, o.graceMs ?? 10_000).unref());
        await Promise.race([settled, grace]);
        server.closeAllConnections();
        await closed;
        await listener?.close();
        // Views counted since the last batch are written now, not by a timer after the store has closed.
        await stopViews(store.db).catch((e) => logError('saving statement view counts at shutdown', e));
      })()),
  };
}
