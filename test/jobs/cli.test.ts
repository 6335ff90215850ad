// The job commands: `--wait` runs a job in-process on the embedded database (recorded, listed,
// shown), `--detach` needs PostgreSQL; on PostgreSQL `--detach` queues and `jobs cancel` cancels.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { currentSchema } from '../../src/store/notify.ts';
import { dropQueueSchema } from '../../src/jobs/queue.ts';
import type { Store } from '../../src/store/index.ts';

const saved = { ...process.env };
const dirs: string[] = [];
const stores: Store[] = [];
after(async () => {
  for (const s of stores) {
    await dropQueueSchema(s.db).catch(() => {});
    await s.close();
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function env(extra: Record<string, string | undefined>): void {
  process.env = { ...saved, GOVNAV_CONFIG: '', GOVNAV_QUIET: '1', ...extra } as NodeJS.ProcessEnv;
  for (const [k, v] of Object.entries(extra)) if (v === undefined) delete process.env[k];
}

test('embedded database: topics link --wait runs as a job in this process; jobs list/show; --detach is refused', async () => {
  const data = mkdtempSync(join(tmpdir(), 'govnav-jobs-cli-'));
  dirs.push(data);
  env({ GOVNAV_DATA_DIR: data, DATABASE_URL: undefined });
  try {
    const r = await runCli(['topics', 'link', '--wait', '--json']);
    assert.equal(r.code, 0, r.err);
    const job = JSON.parse(r.out) as { id: string; state: string; engine: string };
    assert.equal(job.state, 'completed');
    assert.equal(job.engine, 'inline');
    const list = await runCli(['jobs', 'list', '--json']);
    assert.deepEqual((JSON.parse(list.out) as { id: string }[]).map((j) => j.id), [job.id]);
    const show = await runCli(['jobs', 'show', job.id]);
    assert.match(show.out, new RegExp(`job ${job.id} topics-link: completed`));
    const cancel = await runCli(['jobs', 'cancel', job.id]);
    assert.notEqual(cancel.code, 0);
    assert.match(cancel.err, /only queued, retrying or running jobs can be cancelled/);
    const detach = await runCli(['topics', 'link', '--detach']);
    assert.notEqual(detach.code, 0);
    assert.match(detach.err, /--detach is not available/);
    const worker = await runCli(['worker']);
    assert.notEqual(worker.code, 0);
    assert.match(worker.err, /Workers need PostgreSQL/);
  } finally {
    process.env = { ...saved };
  }
});

test('PostgreSQL: classify --detach queues a job; jobs show and cancel', { skip: ENGINE === 'postgres' ? false : 'needs PostgreSQL (set DATABASE_URL)' }, async () => {
  const store = await openTestStore();
  stores.push(store);
  const url = new URL(saved.DATABASE_URL!);
  url.searchParams.set('options', `-c search_path=${await currentSchema(store.db)},public`);
  const data = mkdtempSync(join(tmpdir(), 'govnav-jobs-cli-'));
  dirs.push(data);
  env({ GOVNAV_DATA_DIR: data, DATABASE_URL: url.toString() });
  try {
    const r = await runCli(['classify', '-t', 'mitigation-v2', '--detach']);
    assert.equal(r.code, 0, r.err);
    const id = r.out.trim();
    assert.match(id, /^job-/);
    const show = JSON.parse((await runCli(['jobs', 'show', id, '--json'])).out) as { state: string; kind: string; params: { selection: { taxonomies: string[] } } };
    assert.equal(show.state, 'queued');
    assert.equal(show.kind, 'classify');
    assert.deepEqual(show.params.selection.taxonomies, ['mitigation-v2']);
    const c = await runCli(['jobs', 'cancel', id]);
    assert.equal(c.code, 0, c.err);
    assert.match((await runCli(['jobs', 'list'])).out, new RegExp(`${id}.*cancelled`));
  } finally {
    process.env = { ...saved };
  }
});
