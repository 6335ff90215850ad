// `govnav serve`: the navigator and the JSON API on one port.
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('serve')
    .description('Start the navigator (web pages and JSON API) on the configured database.')
    .option('-p, --port <port>', 'port to listen on (default: $PORT or 8787; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default: $HOST or 127.0.0.1; 0.0.0.0 for every interface)')
    .option('--demo', 'if the database is empty, load the bundled sample corpus first (what `npm start` does)')
    .addHelpText(
      'after',
      '\nExamples:\n  govnav serve                 # http://127.0.0.1:8787\n  PORT=9000 govnav serve\n  DATABASE_URL=postgres://user@localhost/govnav govnav serve --host 0.0.0.0\n\n' +
        'Feedback admin: set GOVNAV_ADMIN_SECRET (or "adminSecret" in the config file) to enable /admin.',
    )
    .action(async (opts: { port?: string; host?: string; demo?: boolean }) => {
      const { loadConfig, DEFAULT_PORT } = await import('../../config.ts');
      const { openStore } = await import('../../store/index.ts');
      const { startServer } = await import('../../web/server.ts');
      const config = loadConfig();
      const store = await openStore({ config, relaxedDurability: true });
      if (opts.demo) {
        const { loadDemoIfEmpty } = await import('../demo.ts');
        await loadDemoIfEmpty(store);
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
        process.stdout.write('\nstopping…\n');
        await running.close();
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
