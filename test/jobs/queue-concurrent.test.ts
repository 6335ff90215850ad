// Processes opening the job queue at the same moment (two workers started together, a worker and a
// CLI submitting a job) on a database where the queue does not exist yet. pg-boss creates a queue
// as a partition of its job table, and without turns two creators could deadlock each other; a
// worker that lost that race printed "deadlock detected" and never became ready (seen in CI).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { openQueue, dropQueueSchema, QUEUE, DEAD_LETTER, type Queue } from '../../src/jobs/queue.ts';
import { bossSchema, jobSettings } from '../../src/jobs/settings.ts';
import { currentSchema } from '../../src/store/notify.ts';
import { parseRows } from '../../src/store/schema/columns.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

const skip = ENGINE === 'postgres' ? false : 'the job queue runs on PostgreSQL only (set DATABASE_URL); on PGlite jobs run in-process';

test('three processes opening the queue at once on a new database all start, and each queue exists once', { skip }, async () => {
  const store = await openTestStore();
  try {
    const url = new URL(process.env.DATABASE_URL!);
    url.searchParams.set('options', `-c search_path=${await currentSchema(store.db)},public`);
    // Several rounds from scratch: before the fix about one start in four failed this way.
    for (let round = 0; round < 8; round++) {
      await dropQueueSchema(store.db);
      const opened = await Promise.allSettled([1, 2, 3].map(() => openQueue(store.db, url.toString(), jobSettings(), { supervise: true })));
      const queues = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      try {
        const failed = opened.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
        assert.deepEqual(failed, [], `round ${round}: every process should open the queue`);
        const schema = await bossSchema(store.db);
        const rows = parseRows(z.object({ name: z.string(), dead_letter: z.string().nullable() }), await store.db.query(`SELECT name, dead_letter FROM ${schema}.queue ORDER BY name`), 'queue rows');
        assert.deepEqual(rows, [
          { name: QUEUE, dead_letter: DEAD_LETTER },
          { name: DEAD_LETTER, dead_letter: null },
        ]);
      } finally {
        await Promise.all(queues.map((q: Queue) => q.stop({ graceful: false, timeoutMs: 2_000 })));
      }
    }
    // A process opening the queue again finds it there and changes nothing.
    const again = await openQueue(store.db, url.toString(), jobSettings());
    await again.stop({ graceful: false, timeoutMs: 2_000 });
  } finally {
    await dropQueueSchema(store.db).catch(() => {});
    await store.close();
  }
});
