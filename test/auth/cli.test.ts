import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { runCli } from '../helpers/cli.ts';
import { recordAudit } from '../../src/store/audit.ts';
import { verifyPassword } from '../../src/auth/password.ts';
import type { Store } from '../../src/store/index.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

/** Point the CLI at a private database: a PGlite directory, or this test's PostgreSQL schema. */
async function cliEnv(): Promise<{ store?: Store; restore: () => Promise<void> }> {
  const saved = { DATABASE_URL: process.env.DATABASE_URL, GOVNAV_DATA_DIR: process.env.GOVNAV_DATA_DIR, GOVNAV_QUIET: process.env.GOVNAV_QUIET };
  process.env.GOVNAV_QUIET = '1';
  process.env.GOVNAV_DATA_DIR = mkdtempSync(join(tmpdir(), 'govnav-users-'));
  let store: Store | undefined;
  if (ENGINE === 'postgres') {
    store = await openTestStore();
    const [{ s }] = (parseRows(z.object({ s: z.string() }), await store.db.query('SELECT current_schema() AS s'), 'test rows')) as [{ s: string }];
    const url = new URL(saved.DATABASE_URL!);
    url.searchParams.set('options', `-c search_path=${s},public`);
    process.env.DATABASE_URL = url.toString();
  } else delete process.env.DATABASE_URL;
  return {
    store,
    restore: async () => {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
      await store?.close();
    },
  };
}

test(`[${ENGINE}] govnav users add|list|set-role|disable|enable|reset-password, each audited; audit export as JSON Lines and CSV`, async () => {
  const env = await cliEnv();
  try {
    let r = await runCli(['users', 'add', 'Rita', '--role', 'reviewer', '--name', 'Rita R.', '--password', 'a long enough password']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /created rita \(reviewer\)/);
    assert.ok(!r.out.includes('a long enough password') && !r.err.includes('a long enough password'), 'the password is never printed');
    r = await runCli(['users', 'add', 'ann', '--role', 'owner', '--password', 'a long enough password']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--role "owner" is not one of: admin, reviewer, contributor/);
    r = await runCli(['users', 'add', 'ann', '--role', 'admin', '--password', 'short']);
    assert.equal(r.code, 2);
    assert.match(r.err, /at least 10 characters/);
    r = await runCli(['users', 'add', 'ann', '--role', 'admin', '--password', 'another long password']);
    assert.equal(r.code, 0, r.err);

    r = await runCli(['users', 'set-role', 'rita', 'admin']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /rita: reviewer → admin/);
    r = await runCli(['users', 'disable', 'rita']);
    assert.equal(r.code, 0, r.err);
    r = await runCli(['users', 'list', '--json']);
    const list = JSON.parse(r.out) as { username: string; role: string; state: string }[];
    assert.deepEqual(
      list.map((u) => [u.username, u.role, u.state]),
      [
        ['ann', 'admin', 'active'],
        ['rita', 'admin', 'disabled'],
      ],
    );
    // the last enabled admin cannot be demoted or disabled
    r = await runCli(['users', 'set-role', 'ann', 'reviewer']);
    assert.equal(r.code, 2);
    assert.match(r.err, /last enabled admin/);
    r = await runCli(['users', 'enable', 'rita']);
    assert.equal(r.code, 0, r.err);
    r = await runCli(['users', 'reset-password', 'rita', '--password', 'a brand new password']);
    assert.equal(r.code, 0, r.err);
    r = await runCli(['users', 'reset-password', 'nobody', '--password', 'a brand new password']);
    assert.equal(r.code, 2);
    assert.match(r.err, /No account is called "nobody"/);

    // audit export: every change, in order, with who did it
    r = await runCli(['audit', 'export', '--format', 'jsonl'], { stdout: true });
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { action: string; target_id: string; actor: string; before: unknown; after: unknown });
    assert.deepEqual(
      lines.map((l) => `${l.action} ${l.target_id}`),
      ['user.create rita', 'user.create ann', 'user.set-role rita', 'user.disable rita', 'user.enable rita', 'user.reset-password rita'],
    );
    assert.match(lines[0]!.actor, /^cli:/);
    assert.deepEqual([lines[2]!.before, lines[2]!.after], [{ role: 'reviewer' }, { role: 'admin' }]);
    assert.ok(!r.out.includes('a brand new password'));
  } finally {
    await env.restore();
  }
});

test(`[${ENGINE}] audit export --format csv neutralises cells a spreadsheet would run as formulas`, async () => {
  const env = await cliEnv();
  try {
    // the CLI's own store, opened once through a command, then written to directly
    let r = await runCli(['users', 'add', 'ann', '--role', 'admin', '--password', 'another long password']);
    assert.equal(r.code, 0, r.err);
    const { openStore } = await import('../../src/store/index.ts');
    const { loadConfig } = await import('../../src/config.ts');
    const s = await openStore({ config: loadConfig() });
    try {
      await recordAudit(s.db, { actorId: null, actorName: 'system', action: 'review.reject', targetType: 'statement', targetId: 'M000001', detail: '=HYPERLINK("http://evil.example")' });
      const [h] = parseRows(z.object({ password_hash: z.string() }), await s.db.query('SELECT password_hash FROM users'), 'test rows');
      assert.equal(await verifyPassword('another long password', h!.password_hash), true);
    } finally {
      await s.close();
    }
    const out = join(mkdtempSync(join(tmpdir(), 'govnav-audit-')), 'audit.csv');
    r = await runCli(['audit', 'export', '--format', 'csv', '--out', out]);
    assert.equal(r.code, 0, r.err);
    const csv = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(csv[0], 'id,at,actor_id,actor,action,target_type,target_id,before,after,detail');
    assert.equal(csv.length, 3);
    assert.match(csv[2]!, /,"'=HYPERLINK\(""http:\/\/evil\.example""\)"$/);
    r = await runCli(['audit', 'export', '--format', 'xml']);
    assert.equal(r.code, 2);
  } finally {
    await env.restore();
  }
});

test(`[${ENGINE}] govnav users add --password-stdin reads the first line of standard input, and never prints it`, async () => {
  const env = await cliEnv();
  try {
    const root = new URL('../../', import.meta.url).pathname;
    const run = (args: string[], input: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "const { main } = await import('./src/cli/main.ts'); await main(['node', 'govnav', ...process.argv.slice(1)]);", ...args], {
        cwd: root,
        input,
        encoding: 'utf8',
        env: { ...process.env, GOVNAV_QUIET: '1' },
      });
    const r = run(['users', 'add', 'ann', '--role', 'reviewer', '--password-stdin'], 'a password from stdin\nnot this line\n');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /created ann \(reviewer\)/);
    assert.ok(!r.stdout.includes('a password from stdin') && !r.stderr.includes('a password from stdin'));
    const { openStore } = await import('../../src/store/index.ts');
    const { loadConfig } = await import('../../src/config.ts');
    const s = await openStore({ config: loadConfig() });
    try {
      const [h] = parseRows(z.object({ password_hash: z.string() }), await s.db.query(`SELECT password_hash FROM users WHERE username = 'ann'`), 'test rows');
      assert.equal(await verifyPassword('a password from stdin', h!.password_hash), true);
    } finally {
      await s.close();
    }
  } finally {
    await env.restore();
  }
});
