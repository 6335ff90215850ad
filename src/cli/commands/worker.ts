// `govnav worker`: run queued jobs (PostgreSQL).
import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('worker')
    .description('Run queued jobs (classify, ingest, topic linking, releases) from the PostgreSQL job queue, until stopped.')
    .option('-c, --concurrency <n>', 'jobs run at the same time by this process', '1')
    .addHelpText(
      'after',
      '\nStart any number of workers, on any machine with the same DATABASE_URL. SIGTERM or Ctrl-C stops taking jobs;\n' +
        'running jobs stop at their next safe point and are retried by another worker (finished work is kept).\n' +
        'A worker that is killed outright is noticed by the others (same host at once, other hosts after\n' +
        'GOVNAV_JOB_STALE_SECONDS) and its jobs are retried. See docs/deploy.md.',
    )
    .action(async (opts: { concurrency: string }) => {
      const { UserError } = await import('../main.ts');
      const { loadConfig } = await import('../../config.ts');
      const { openStore } = await import('../../store/index.ts');
      const { startWorker } = await import('../../jobs/index.ts');
      const concurrency = Number(opts.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new UserError(`--concurrency must be a whole number ≥ 1, not "${opts.concurrency}".`);
      const config = loadConfig();
      if (!config.databaseUrl)
        throw new UserError(
          'Workers need PostgreSQL (set DATABASE_URL): on the embedded database every job runs in the process that submits it, so no worker is needed.',
        );
      const store = await openStore({ config });
      const w = await startWorker({ store, databaseUrl: config.databaseUrl, concurrency });
      process.stderr.write(`worker ${w.id} ready on ${store.location} (concurrency ${concurrency}); SIGTERM or Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.stderr.write('worker stopping: running jobs stop at their next safe point…\n');
      await w.stop();
      await store.close();
      process.stderr.write('worker stopped\n');
    });
}
