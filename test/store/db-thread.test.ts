// The embedded database in a worker thread (govnav serve): the same Db interface, transactions
// that hold the database and roll back on error, errors with their PostgreSQL codes, and queries
// that run in the thread while the main event loop stays free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDb } from '../../src/store/db.ts';
import { dbThread } from '../../src/store/db-thread.ts';

test('thread mode: queries run in a worker thread and leave the event loop free', async () => {
  const db = await openDb({ thread: true });
  try {
    const worker = dbThread(db);
    assert.ok(worker, 'a worker thread owns the database');
    assert.ok(worker.threadId > 0);
    const [r] = await db.query<{ n: number }>('SELECT 1 + $1::int AS n', [41]);
    assert.equal(r!.n, 42);
    // While a slow statement runs in the thread, the main thread keeps turning.
    let turns = 0;
    let done = false;
    const spin = () => {
      turns++;
      if (!done) setImmediate(spin);
    };
    setImmediate(spin);
    await db.query('SELECT pg_sleep(0.3)');
    done = true;
    assert.ok(turns > 20, `the event loop turned ${turns} times during the statement`);
  } finally {
    await db.close();
  }
});

test('thread mode: transactions commit, roll back, nest and keep other statements waiting', async () => {
  const db = await openDb({ thread: true });
  try {
    await db.exec('CREATE TABLE t (id int PRIMARY KEY, v text)');
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (1, $1)', ['a']);
      await tx.query('INSERT INTO t VALUES (2, $1)', ['b']);
    });
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (3, $1)', ['c']);
        await tx.query('INSERT INTO t VALUES (1, $1)', ['dup']);
      }),
      (e: Error & { code?: string }) => e.code === '23505' && /duplicate key/.test(e.message),
    );
    // A savepoint rolls back alone.
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (4, $1)', ['d']);
      await assert.rejects(tx.transaction((inner) => inner.query('INSERT INTO t VALUES (4, $1)', ['again'])));
      await tx.query('INSERT INTO t VALUES (5, $1)', ['e']);
    });
    assert.deepEqual((await db.query<{ id: number }>('SELECT id FROM t ORDER BY id')).map((r) => r.id), [1, 2, 4, 5]);
    // A statement sent while a transaction is open waits for it (it sees the committed rows).
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const tx = db.transaction(async (t) => {
      await t.query('INSERT INTO t VALUES (6, $1)', ['f']);
      await hold;
    });
    await new Promise((r) => setTimeout(r, 20));
    const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
    release();
    await tx;
    assert.equal((await outside)[0]!.n, 5);
    // Dates and arrays cross the thread boundary intact.
    const [row] = await db.query<{ d: Date; a: string[] }>(`SELECT '2024-01-02T03:04:05Z'::timestamptz AS d, ARRAY['x','y'] AS a`);
    assert.ok(row!.d instanceof Date);
    assert.equal(row!.d.toISOString(), '2024-01-02T03:04:05.000Z');
    assert.deepEqual(row!.a, ['x', 'y']);
  } finally {
    await db.close();
  }
});
