// The training examples of a stacked taxonomy (actor) carry the same statement's labels on the axes it
// learns from (src/classify/models/stack.ts): from the store's human labels and from the annotation
// files; special codes are left out, and a taxonomy that is not stacked gets none.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { taxonomies } from '../../src/taxonomy/index.ts';
import { collectTrainingSets } from '../../src/classify/models/index.ts';
import { insertClassifications, upsertDataset, upsertDocument, upsertStatements, type Store } from '../../src/store/index.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';

const registry = taxonomies();
const stores: Store[] = [];
const dirs: string[] = [];
after(async () => {
  for (const s of stores) await s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test(`[${ENGINE}] actor examples carry the other axes' labels of the same statement or item; lifecycle examples carry none`, async () => {
  const store = await openTestStore();
  stores.push(store);
  await upsertDataset(store.db, { id: 'real', version: '1', licence: 'CC0-1.0', attribution: 'test' });
  const { id: doc } = await upsertDocument(store.db, { sourceKey: 'd', title: 'A real framework', docType: 'framework', provenance: { dataset: 'real', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' } });
  const r = await upsertStatements(store.db, doc, [
    { sourceKey: 'a', kind: 'mitigation', ord: 0, name: 'Complaints', text: 'Operate a complaints channel for users of the service.' },
    { sourceKey: 'b', kind: 'mitigation', ord: 1, name: 'Red teaming', text: 'Red team the model before release.' },
  ]);
  const a = r.ids.get('a')!;
  const b = r.ids.get('b')!;
  await insertClassifications(store.db, registry, [
    { statementId: a, taxonomy: 'actor', code: 'deployer', source: 'human', human: true },
    { statementId: a, taxonomy: 'lifecycle', code: 'operate-monitor', source: 'human', human: true },
    { statementId: a, taxonomy: 'mitigation-v2', code: '2.3.4', source: 'human', human: true },
    { statementId: b, taxonomy: 'actor', code: 'developer', source: 'human', human: true },
    { statementId: b, taxonomy: 'lifecycle', code: 'unable', source: 'human', human: true },
  ]);
  const repo = mkdtempSync(join(tmpdir(), 'govnav-stack-'));
  dirs.push(repo);
  mkdirSync(join(repo, 'annotations', 'pass1'), { recursive: true });
  writeFileSync(join(repo, 'annotations', 'items.jsonl'), JSON.stringify({ id: 'i1', name: 'Bug bounty', text: 'Run a bug bounty programme.', language: 'en', source: { dataset: 'corpus', document: 'doc-x' } }) + '\n');
  const labels = { actor: { code: 'developer', reason: 'x' }, 'nist-ai-rmf': { code: 'measure', reason: 'x' }, 'risk-domain': { code: '2.2', reason: 'x' }, 'mitigation-v2': { code: '99.9', reason: 'x' } };
  writeFileSync(join(repo, 'annotations', 'pass1', 'a.jsonl'), JSON.stringify({ id: 'i1', mitigation: true, labels }) + '\n');

  const [actor, lifecycle] = await collectTrainingSets(store.db, registry, ['actor', 'lifecycle'], { repoDir: repo, crosswalks: false });
  const byId = new Map(actor!.examples.map((e) => [e.id, e]));
  assert.deepEqual(byId.get(a)?.aux, { lifecycle: 'operate-monitor', 'mitigation-v2': '2.3.4' });
  assert.equal(byId.get(b)?.aux, undefined, '"unable" is not a label to learn from');
  assert.deepEqual(byId.get('i1')?.aux, { 'nist-ai-rmf': 'measure' }, 'risk domain is not stacked, "99.9 Other" is special');
  assert.equal(byId.get(a)?.code, 'deployer');
  assert.ok(lifecycle!.examples.length >= 1 && lifecycle!.examples.every((e) => e.aux === undefined));
  // asking for actor alone reads the other axes' labels too
  const [alone] = await collectTrainingSets(store.db, registry, ['actor'], { repoDir: repo, crosswalks: false });
  assert.deepEqual(alone!.examples.find((e) => e.id === a)?.aux, { lifecycle: 'operate-monitor', 'mitigation-v2': '2.3.4' });
});
