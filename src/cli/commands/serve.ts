// `govnav serve`: the navigator and the JSON API on one port; with --processes N, N processes
// (node:cluster) share the port on PostgreSQL.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('serve')
    .description('Start the navigator (web pages and JSON API) on the configured database.')
    .option('-p, --port <port>', 'port to listen on (default: $PORT or 8787; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default: $HOST or 127.0.0.1; 0.0.0.0 for every interface)')
    .option('--demo', 'serve the invented sample corpus from a temporary directory (your data is not touched); every page says it is sample data')
    .option('--no-snapshot', 'do not load the bundled snapshot of the public datasets into a new database')
    .option('--load-snapshot', 'load the bundled snapshot into a database whose datasets were all removed')
    .option('--processes <n>', 'web processes sharing the port (node:cluster; PostgreSQL only)', '1')
    .option('--no-db-thread', 'embedded database: run it on the main thread instead of a worker thread (GOVNAV_PGLITE_THREAD=0 does the same)')
    .addHelpText(
      'after',
      '\nOn an empty database, the bundled snapshot of the public datasets is loaded first (GOVNAV_SNAPSHOT\n' +
        'names another snapshot file; see docs/datasets.md).\n' +
        '\nExamples:\n  govnav serve                 # http://127.0.0.1:8787\n  govnav serve --demo          # invented sample documents, in a temporary directory\n  PORT=9000 govnav serve\n  DATABASE_URL=postgres://user@localhost/govnav govnav serve --host 0.0.0.0\n\n' +
        'Feedback admin: set GOVNAV_ADMIN_SECRET (or "adminSecret" in the config file) to enable /admin.\n' +
        '\nSeveral processes: --processes N, or any number of `govnav serve` on one PostgreSQL (each drops its cached\n' +
        'pages when another writes). /healthz says the process is up, /readyz that it takes traffic (503 while it\n' +
        'drains). SIGTERM finishes the requests in flight, then exits. See docs/deploy.md.',
    )
    .action(async (opts: { port?: string; host?: string; demo?: boolean; snapshot?: boolean; loadSnapshot?: boolean; processes?: string; dbThread?: boolean }) => {
      const { loadConfig, DEFAULT_PORT } = await import('../../config.ts');
      // The embedded database runs in a worker thread, so a slow query never holds up other requests (src/store/db-thread.ts).
      if (process.env.GOVNAV_PGLITE_THREAD === undefined) process.env.GOVNAV_PGLITE_THREAD = opts.dbThread === false ? '0' : '1';
      // Search indexes are built and searched in a search thread, on either engine (src/search/thread.ts; GOVNAV_SEARCH_THREAD=0 turns it off).
      if (process.env.GOVNAV_SEARCH_THREAD === undefined) process.env.GOVNAV_SEARCH_THREAD = '1';
      const processes = Number(opts.processes ?? '1');
      if (!Number.isInteger(processes) || processes < 1) throw new Error(`--processes must be a whole number ≥ 1, not "${opts.processes}".`);
      const cluster = (await import('node:cluster')).default;
      if (processes > 1 && cluster.isPrimary) return servePrimary(processes, opts);
      const { openStore } = await import('../../store/index.ts');
      const { startServer } = await import('../../web/server.ts');
      let config = loadConfig();
      let store: import('../../store/index.ts').Store;
      let dispose: () => Promise<void>;
      if (opts.demo) {
        const { openDemoStore } = await import('../demo.ts');
        const demo = await openDemoStore(config);
        store = demo.store;
        config = demo.config;
        dispose = demo.dispose;
      } else {
        store = await openStore({ config, relaxedDurability: true });
        dispose = () => store.close();
        if (opts.snapshot !== false) {
          const { loadSnapshotIfEmpty } = await import('../first-start.ts');
          try {
            await loadSnapshotIfEmpty(store, undefined, { force: !!opts.loadSnapshot });
          } catch (e) {
            await store.close();
            throw e;
          }
        }
      }
      const port = opts.port !== undefined ? Number(opts.port) : config.port;
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not "${opts.port}".`);
      const running = await startServer(store, config, { port, host: opts.host });
      process.stdout.write(
        `govnav is serving ${store.location} (${store.db.kind})\n` +
          `  open ${running.url}/   ·   API ${running.url}/api/v1   ·   Ctrl-C to stop\n` +
          (port === DEFAULT_PORT && !process.env.PORT ? `  (port ${DEFAULT_PORT} is the default; set PORT or --port to change it)\n` : ''),
      );
      const stop = async () => {
        process.stdout.write('\nstopping: finishing the requests in flight…\n');
        await running.close({ graceMs: Number(process.env.GOVNAV_SERVE_GRACE_MS ?? 10_000) });
        await dispose();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

/**
 * The primary of `serve --processes N`: migrate once (and load the snapshot into an empty
 * database), then fork N servers sharing the port; a server that dies is replaced; SIGTERM drains
 * every server and exits when they have.
 */
async function servePrimary(n: number, opts: { port?: string; host?: string; demo?: boolean; snapshot?: boolean; loadSnapshot?: boolean }): Promise<void> {
  const cluster = (await import('node:cluster')).default;
  const { loadConfig } = await import('../../config.ts');
  const { openStore } = await import('../../store/index.ts');
  const config = loadConfig();
  if (!config.databaseUrl || opts.demo)
    throw new Error('--processes needs PostgreSQL (set DATABASE_URL): the embedded database can be opened by one process only.');
  const store = await openStore({ config });
  try {
    if (opts.snapshot !== false) {
      const { loadSnapshotIfEmpty } = await import('../first-start.ts');
      await loadSnapshotIfEmpty(store, undefined, { force: !!opts.loadSnapshot });
    }
  } finally {
    await store.close();
  }
  let stopping = false;
  const fork = () => cluster.fork({ GOVNAV_SERVE_CHILD: '1' });
  cluster.on('exit', (w, code, signal) => {
    // A process that stopped cleanly (exit 0: it was told to, e.g. Ctrl-C reached the whole group) is not replaced.
    if (stopping || (code === 0 && !signal)) {
      if (!Object.values(cluster.workers ?? {}).some((x) => x && !x.isDead())) process.exit(0);
      return;
    }
    process.stderr.write(`web process ${w.process.pid} ended (${signal ?? code}); starting another\n`);
    fork();
  });
  for (let i = 0; i < n; i++) fork();
  process.stdout.write(`govnav: ${n} web processes (primary ${process.pid})\n`);
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
    let left = workers.length;
    if (!left) process.exit(0);
    for (const w of workers) {
      w?.once('exit', () => {
        if (--left === 0) process.exit(0);
      });
      w?.process.kill('SIGTERM');
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
