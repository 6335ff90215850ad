// Statement views counted by the web server are written when it shuts down, not left to a timer
// that would fire after the store has closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { loadConfig } from '../../src/config.ts';
import { upsertDocument, upsertStatements } from '../../src/store/index.ts';
import { parseRows } from '../../src/store/schema/columns.ts';
import { startServer } from '../../src/web/server.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

test(`[${ENGINE}] views counted before shutdown are in statement_views after close()`, async () => {
  const store = await openTestStore();
  try {
    const config = { ...loadConfig({}, process.cwd()), databaseUrl: undefined };
    const server = await startServer(store, config, { port: 0, host: '127.0.0.1' });
    const { id } = await upsertDocument(store.db, {
      sourceKey: 'vs',
      title: 'Views at shutdown',
      provenance: { dataset: 'vs', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' },
    });
    const { ids } = await upsertStatements(store.db, id, [{ sourceKey: 'a', kind: 'mitigation', ord: 0, name: 'Log access', text: 'Log every access.' }]);
    const sid = ids.get('a')!;
    const r = await fetch(`${server.url}/m/${sid}`);
    assert.equal(r.status, 200);
    await r.text();
    const views = async () =>
      parseRows(z.object({ views: z.coerce.number() }), await store.db.query('SELECT views FROM statement_views WHERE statement_id = $1', [sid]), 'views')[0]?.views ?? 0;
    assert.equal(await views(), 0, 'not written yet: views are batched');
    await server.close({ graceMs: 1000 });
    assert.equal(await views(), 1);
  } finally {
    await store.close();
  }
});
