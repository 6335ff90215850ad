// Starting the HTTP server on a store.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { Config } from '../config.ts';
import type { Store } from '../store/index.ts';
import { createApp, readDataVersion } from './app.ts';
import type { AppContext } from './context.ts';
import { serveCachedRaw } from './components/page-cache.ts';

type ServerType = Server;

export interface RunningServer {
  url: string;
  port: number;
  server: ServerType;
  ctx: AppContext;
  close(): Promise<void>;
}

export async function startServer(store: Store, config: Config, opts: { port?: number; host?: string } = {}): Promise<RunningServer> {
  let version = await readDataVersion({ store });
  let versionTag = createHash('sha1').update(version).digest('hex').slice(0, 10);
  const refresh = setInterval(async () => {
    try {
      const v = await readDataVersion({ store });
      if (v !== version) {
        version = v;
        versionTag = createHash('sha1').update(v).digest('hex').slice(0, 10);
      }
    } catch {
      /* the next tick tries again */
    }
  }, 2000);
  refresh.unref();
  const ctx: AppContext = { store, config, dataVersion: () => versionTag };
  const app = await createApp(ctx);
  const host = opts.host ?? config.host;
  const port = opts.port ?? config.port;
  const listener = getRequestListener(app.fetch);
  const server = createServer((req, res) => {
    // Pages already rendered are answered before the framework runs (see serveCachedRaw).
    if (ctx.pageCache && serveCachedRaw(ctx.pageCache, versionTag, req, res)) return;
    listener(req, res);
  });
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
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${addr.port}`,
    port: addr.port,
    server,
    ctx,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(refresh);
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
