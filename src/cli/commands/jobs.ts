// `govnav jobs list|show|cancel|retry`, and how other commands hand their work to the job system
// (`--wait`, the default when a worker is running, or `--detach`).
import type { Command } from 'commander';
import type { Store } from '../../store/index.ts';
import type { JobKind, JobRow } from '../../jobs/index.ts';

export interface JobFlags {
  wait?: boolean;
  detach?: boolean;
  json?: boolean;
}

/** The help line every job-running command adds. */
export const JOB_FLAGS_HELP =
  '\nJobs: on PostgreSQL, when a `govnav worker` is running (or with --wait / --detach), the work is queued as a job\n' +
  'that any worker runs; --wait (the default) follows its progress, --detach prints the job id and returns\n' +
  '(follow it with `govnav jobs show <id> --follow`). On the embedded database, --wait runs the same job in this process.';

/**
 * Whether a command should hand its work to the job system: with --wait or --detach always; on
 * PostgreSQL also when some worker is alive. Otherwise the command does its work itself, as before.
 */
export async function wantsJob(store: Store, flags: JobFlags): Promise<boolean> {
  const { UserError } = await import('../main.ts');
  if (flags.wait && flags.detach) throw new UserError('Use either --wait or --detach, not both.');
  if (flags.detach && store.db.kind !== 'postgres')
    throw new UserError(
      'On the embedded database jobs run in the process that submits them, so --detach is not available. ' +
        'Use PostgreSQL (set DATABASE_URL) with `govnav worker`, or run the command without --detach.',
    );
  if (flags.wait || flags.detach) return true;
  if (store.db.kind !== 'postgres') return false;
  const { aliveWorkers } = await import('../../jobs/index.ts');
  return (await aliveWorkers(store)).length > 0;
}

export function describeJob(j: JobRow): string {
  const p = j.progress ?? {};
  const frac = p.total ? `${p.done ?? 0}/${p.total}` : p.done !== undefined ? String(p.done) : '';
  const attempt = j.engine === 'queue' ? ` (attempt ${Math.max(1, j.attempts)}/${j.max_attempts})` : '';
  return `job ${j.id} ${j.kind}: ${j.state}${attempt}${frac ? ` · ${frac}` : ''}${p.message ? ` · ${p.message}` : ''}${j.error ? ` · ${j.error}` : ''}`;
}

/** Submit a job and, unless detached, follow it to the end. Sets the exit code from its final state. */
export async function submitFromCli(store: Store, kind: JobKind, params: unknown, flags: JobFlags): Promise<JobRow> {
  const { submitJob, followJob } = await import('../../jobs/index.ts');
  const { loadConfig } = await import('../../config.ts');
  const databaseUrl = loadConfig().databaseUrl;
  const say = (l: string) => {
    if (!flags.json) process.stderr.write(l + '\n');
  };
  let job = await submitJob(store, kind, params, { databaseUrl });
  if (job.engine === 'queue') {
    say(`submitted job ${job.id} (${kind})`);
    if (flags.detach) {
      if (flags.json) console.log(JSON.stringify(job, null, 2));
      else console.log(job.id);
      return job;
    }
    const stop = new AbortController();
    const onSig = () => {
      say(`\nstopped following; job ${job.id} goes on (cancel it with \`govnav jobs cancel ${job.id}\`)`);
      stop.abort();
    };
    process.once('SIGINT', onSig);
    // A line when the state or attempt changes, else at most every 2 s.
    let lastKey = '';
    let lastAt = 0;
    const onChange = (j: JobRow) => {
      const key = `${j.state}|${j.attempts}`;
      if (key !== lastKey || Date.now() - lastAt >= 2000) say(describeJob(j));
      lastKey = key;
      lastAt = Date.now();
    };
    try {
      job = await followJob(store, job.id, onChange, { signal: stop.signal });
    } finally {
      process.off('SIGINT', onSig);
    }
  }
  if (flags.json) console.log(JSON.stringify(job, null, 2));
  else {
    say(describeJob(job));
    if (job.result !== null && job.result !== undefined) console.log(JSON.stringify(job.result, null, 2));
  }
  if (job.state === 'failed' || job.state === 'dead') process.exitCode = 1;
  else if (job.state === 'cancelled') process.exitCode = 130;
  return job;
}

export function register(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('Long work (classify, ingest, topic linking, releases) as jobs: list them, show one, cancel, retry.')
    .addHelpText('after', JOB_FLAGS_HELP + '\n\nWorkers: `govnav worker` (PostgreSQL). Admin page: /admin/jobs. See docs/deploy.md.');
  listCommand(jobs);
  showCommand(jobs);
  cancelCommand(jobs);
  retryCommand(jobs);
}

function listCommand(jobs: Command): void {
  jobs
    .command('list')
    .description('Recent jobs, newest first.')
    .option('--state <state>', 'only jobs in this state (queued, running, retry, completed, failed, dead, cancelled)')
    .option('-n, --limit <n>', 'how many', '30')
    .option('--json', 'print JSON')
    .action(async (opts: { state?: string; limit: string; json?: boolean }) => {
      const { withCliStore } = await import('../store.ts');
      const { listJobs, JOB_STATES, aliveWorkers } = await import('../../jobs/index.ts');
      const { table } = await import('../progress.ts');
      const { UserError } = await import('../main.ts');
      if (opts.state && !(JOB_STATES as readonly string[]).includes(opts.state)) throw new UserError(`--state must be one of ${JOB_STATES.join(', ')}.`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UserError(`--limit must be a whole number ≥ 1, not "${opts.limit}".`);
      await withCliStore(
        async (store) => {
          const rows = await listJobs(store.db, { state: opts.state as JobRow['state'] | undefined, limit });
          if (opts.json) return void console.log(JSON.stringify(rows, null, 2));
          if (!rows.length) console.log('No jobs yet.');
          else
            console.log(
              table(
                ['job', 'kind', 'state', 'attempts', 'progress', 'created', 'worker'],
                rows.map((j) => [
                  j.id,
                  j.kind,
                  j.state,
                  `${j.attempts}/${j.max_attempts}`,
                  j.progress?.total ? `${j.progress.done ?? 0}/${j.progress.total}` : '',
                  new Date(j.created_at).toISOString().slice(0, 19).replace('T', ' '),
                  j.worker ?? '',
                ]),
              ),
            );
          if (store.db.kind === 'postgres') console.log(`workers alive: ${(await aliveWorkers(store)).length}`);
        },
        { quiet: !!opts.json },
      );
    });
}

function showCommand(jobs: Command): void {
  jobs
    .command('show <id>')
    .description('One job: parameters, state, progress, result or error.')
    .option('--follow', 'follow its progress until it ends')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { follow?: boolean; json?: boolean }) => {
      const { withCliStore } = await import('../store.ts');
      const { getJob, followJob } = await import('../../jobs/index.ts');
      const { UserError } = await import('../main.ts');
      await withCliStore(
        async (store) => {
          let j = await getJob(store.db, id);
          if (!j) throw new UserError(`No job "${id}". List jobs with \`govnav jobs list\`.`);
          if (opts.follow) j = await followJob(store, id, (x) => process.stderr.write(describeJob(x) + '\n'));
          if (opts.json) return void console.log(JSON.stringify(j, null, 2));
          console.log(describeJob(j));
          console.log(`created ${new Date(j.created_at).toISOString()}${j.finished_at ? ` · finished ${new Date(j.finished_at).toISOString()}` : ''}`);
          const params = JSON.stringify(j.params, (k, v) => (k === 'base64' ? `(${String(v).length} base64 characters)` : v), 2);
          console.log(`parameters: ${params}`);
          if (Object.keys(j.checkpoint ?? {}).length) console.log(`checkpoint: ${JSON.stringify(j.checkpoint).slice(0, 400)}`);
          if (j.result !== null && j.result !== undefined) console.log(`result: ${JSON.stringify(j.result, null, 2)}`);
        },
        { quiet: !!opts.json },
      );
    });
}

function cancelCommand(jobs: Command): void {
  jobs
    .command('cancel <id>')
    .description('Cancel a queued, retrying or running job (a running one stops at its next batch; what it wrote stays).')
    .action(async (id: string) => {
      const { withCliStore } = await import('../store.ts');
      const { cancelJob } = await import('../../jobs/index.ts');
      const { loadConfig } = await import('../../config.ts');
      await withCliStore(async (store) => {
        const j = await cancelJob(store, id, { databaseUrl: loadConfig().databaseUrl });
        console.log(`job ${j.id}: cancelled`);
      });
    });
}

function retryCommand(jobs: Command): void {
  jobs
    .command('retry <id>')
    .description('Run a failed, dead or cancelled job again (finished work is skipped).')
    .option('--detach', 'do not follow it')
    .action(async (id: string, opts: { detach?: boolean }) => {
      const { withCliStore } = await import('../store.ts');
      const { retryJob, followJob } = await import('../../jobs/index.ts');
      const { loadConfig } = await import('../../config.ts');
      await withCliStore(async (store) => {
        let j = await retryJob(store, id, { databaseUrl: loadConfig().databaseUrl });
        if (j.engine === 'queue' && !opts.detach) j = await followJob(store, id, (x) => process.stderr.write(describeJob(x) + '\n'));
        console.log(describeJob(j));
        if (j.state === 'failed' || j.state === 'dead') process.exitCode = 1;
      });
    });
}
