// --classify and --link: the new statements go through the classification pipeline (embedded
// classifier) and the topic linker.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ingestOne } from '../../src/ingest/index.ts';
import { classifyIngested, linkIngested } from '../../src/ingest/post.ts';
import { ENGINE } from '../helpers/store.ts';
import { tempDir } from './fixtures.ts';
import { sharedStore } from './helpers.ts';

const store = sharedStore();
const tmp = tempDir();
after(async () => {
  await store.close();
  tmp.cleanup();
});

test(`[${ENGINE}] ingested statements are classified by the embedded classifier and linked to topics`, async () => {
  const s = await store.get();
  const md = '# Safety measures\n\n- Developers must have the model red-teamed by external experts before deployment.\n- Providers should watermark generated images to detect deepfakes.\n';
  const r = await ingestOne(s.db, tmp.file('measures.md', md), { kind: 'mitigation' });
  const ids = r.statementIds;
  assert.equal(ids.length, 2);
  const msg = await classifyIngested(s, ids);
  assert.match(msg, /^run \S+ \(embedded, \d+ taxonomies\): \d+ labelled, \d+ abstained, 0 failed of \d+ item\(s\)$/);
  const rows = await s.db.query<{ statement_id: string }>(
    `SELECT DISTINCT statement_id FROM classify_run_items WHERE statement_id = ANY($1::text[]) AND status IN ('labelled', 'abstained')`,
    [ids],
  );
  assert.deepEqual(rows.map((x) => x.statement_id).sort(), [...ids].sort(), 'every new statement went through the run');
  const labels = await s.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM classifications WHERE statement_id = ANY($1::text[]) AND source = 'embedded'`, [ids]);
  assert.ok(labels[0]!.n > 0, 'embedded labels were stored');

  const link = await linkIngested(s, ids);
  assert.match(link, /^2 statement\(s\) linked with lexicon/);
  const [{ n }] = await s.db.query<{ n: number }>('SELECT count(DISTINCT statement_id)::int AS n FROM topic_link_state WHERE statement_id = ANY($1::text[])', [ids]);
  assert.equal(n, 2);
});
