// The interactive loop of `govnav review next`, driven through in-memory input and output streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import type { Store } from '../../src/store/index.ts';
import { reviewLoop, wrap } from '../../src/review/interactive.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { fillReviewStore, type Fixture } from './fixture.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

async function withFixture(fn: (s: Store, f: Fixture) => Promise<void>) {
  const s = await openTestStore();
  try {
    await fn(s, await fillReviewStore(s));
  } finally {
    await s.close();
  }
}

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

async function state(store: Store, id: number) {
  const [r] = parseRows(z.object({ review_status: z.string(), reviewer: z.string().nullable(), is_current: z.boolean() }), await store.db.query(
    'SELECT review_status, reviewer, is_current FROM classifications WHERE id = $1',
    [id],
  ), 'test rows');
  return r;
}

async function currentOf(store: Store, statementId: string, taxonomy: string) {
  const [r] = parseRows(z.object({ id: z.coerce.number(), code: z.string(), source: z.string(), reasoning: z.string().nullable(), reviewer: z.string().nullable() }), await store.db.query(
    'SELECT id, code, source, reasoning, reviewer FROM classifications WHERE statement_id = $1 AND taxonomy = $2 AND is_current',
    [statementId, taxonomy],
  ), 'test rows');
  return r;
}

test(`[${ENGINE}] review loop: help, code list, accept, a refused code, correct, skip, quit`, () =>
  withFixture(async (store, f) => {
    const out = sink();
    // risk-domain queue, lowest confidence first: m4 (2, none), m3 (3.1, 0.15), r1 (2.1, 0.55), m2 (2.2, 0.70), r2 (1.2, 0.80)
    const summary = await reviewLoop({
      db: store.db,
      registry: store.taxonomies,
      reviewer: 'tess',
      filter: { taxonomies: ['risk-domain'] },
      input: Readable.from(['h\n?\na\nc 9.99\nc 2.2 attack on the model\ns\nq\n']),
      output: out.stream,
      width: 60,
    });
    assert.deepEqual(
      { queued: summary.queued, a: summary.accepted, r: summary.rejected, c: summary.corrected, s: summary.skipped, ended: summary.ended },
      { queued: 5, a: 1, r: 0, c: 1, s: 1, ended: 'quit' },
    );
    assert.deepEqual(summary.decisions.map((d) => [d.action, d.labelId]), [
      ['accept', f.label('m4', 'risk-domain', 'embedded')],
      ['correct', f.label('m3', 'risk-domain', 'embedded')],
    ]);
    // The store: accepted by the reviewer; the correction is the current label; skipped and unseen labels untouched.
    assert.deepEqual({ ...(await state(store, f.label('m4', 'risk-domain', 'embedded'))) }, { review_status: 'accepted', reviewer: 'tess', is_current: true });
    const m3 = await currentOf(store, f.ids.m3!, 'risk-domain');
    assert.deepEqual([m3!.code, m3!.source, m3!.reasoning, m3!.reviewer], ['2.2', 'human', 'attack on the model', 'tess']);
    assert.equal((await state(store, f.label('m3', 'risk-domain', 'embedded')))!.review_status, 'rejected');
    assert.equal((await state(store, f.label('r1', 'risk-domain', 'llm')))!.review_status, 'unreviewed');
    assert.equal((await state(store, f.label('m2', 'risk-domain', 'llm')))!.review_status, 'unreviewed');

    const text = out.text();
    assert.match(text, /^5 labels to review · reviewer tess/);
    // The first screen: statement, excerpt, document, proposed label with name and provenance.
    assert.match(text, /\[1 of 5\] 0 reviewed/);
    assert.match(text, /Threat modelling\n {2}Teams write a threat model during design\./);
    assert.match(text, /document: Frontier safety framework \(D\d{4}\) · Test Lab/);
    assert.match(text, /proposed: 2 Privacy & Security/);
    assert.match(text, /confidence unknown · embedded · model govnav-embedded/);
    assert.match(text, /c {2}<code> \[reason\]/, 'help was shown');
    assert.match(text, /→ 2 {2}Privacy & Security/, 'the code list marks the proposed code');
    assert.match(text, /\n {4}2\.1 {2}Compromise of privacy/);
    // The second screen, the refused code (with suggestions) and the correction.
    assert.match(text, /\[2 of 5\] 1 reviewed/);
    assert.match(text, /\[2 of 5\] 1 reviewed[^]*Label synthetic media/);
    assert.match(text.replace(/\s+/g, ' '), /"9\.99" is not a code of taxonomy "risk-domain"\. Valid codes include: 1 Discrimination & Toxicity, 1\.1 /);
    assert.match(text, /corrected: 3\.1 → 2\.2 AI system security/);
    // r1 (skipped) was shown third, m2 fourth, then the summary.
    assert.match(text, /\[3 of 5\] 2 reviewed[^]*Membership inference[^]*\[4 of 5\] 2 reviewed[^]*Red-team the model/);
    assert.match(text, /other labels: 2\.1 \(embedded 0\.20, unreviewed\)/, 'm2 shows its hidden embedded label');
    assert.match(text, /reviewed 2 of 5: accepted 1 · rejected 0 · corrected 1 · skipped 1\n$/);
  }));

test(`[${ENGINE}] review loop: reject, undo, correct with prompts, end of input`, () =>
  withFixture(async (store, f) => {
    const out = sink();
    const r1 = f.label('r1', 'risk-domain', 'llm');
    const summary = await reviewLoop({
      db: store.db,
      registry: store.taxonomies,
      reviewer: 'tess',
      filter: { taxonomies: ['risk-domain'], sources: ['llm'] },
      input: Readable.from(['r\nu\nu\nc\n3.1\nmisread the section\n']),
      output: out.stream,
      width: 80,
    });
    assert.deepEqual(
      { a: summary.accepted, r: summary.rejected, c: summary.corrected, s: summary.skipped, undone: summary.undone, ended: summary.ended },
      { a: 0, r: 0, c: 1, s: 0, undone: 1, ended: 'eof' },
    );
    const text = out.text();
    assert.match(text, /rejected\. No label is current for this taxonomy now\./);
    assert.match(text, /undone: reject of label \d+\./);
    assert.match(text, /nothing to undo in this session\./);
    // After the undo, r1 was back at the head of the queue and was corrected.
    const cur = await currentOf(store, f.ids.r1!, 'risk-domain');
    assert.deepEqual([cur!.code, cur!.source, cur!.reasoning], ['3.1', 'human', 'misread the section']);
    assert.equal((await state(store, r1))!.review_status, 'rejected');
    assert.equal((await state(store, f.label('m2', 'risk-domain', 'llm')))!.review_status, 'unreviewed');
    assert.match(text, /reviewed 1 of 2: accepted 0 · rejected 0 · corrected 1 · skipped 0 · undone 1\n$/);
  }));

test(`[${ENGINE}] review loop: an empty queue ends at once, and --limit stops after n labels`, () =>
  withFixture(async (store) => {
    const out = sink();
    const s = await reviewLoop({
      db: store.db,
      registry: store.taxonomies,
      reviewer: 'tess',
      filter: { model: 'no-such-model' },
      input: Readable.from(['a\n']),
      output: out.stream,
    });
    assert.equal(s.ended, 'empty');
    assert.equal(s.queued, 0);
    const out2 = sink();
    const s2 = await reviewLoop({
      db: store.db,
      registry: store.taxonomies,
      reviewer: 'tess',
      filter: { limit: 2 },
      input: Readable.from(['a\na\na\n']),
      output: out2.stream,
    });
    assert.deepEqual([s2.ended, s2.accepted, s2.queued], ['limit', 2, 8]);
  }));

test('wrap keeps every word, breaks at the width and indents', () => {
  const text = 'Developers should run adversarial tests before release and document every finding in a public report.';
  const w = wrap(text, 30, '  ');
  for (const line of w.split('\n')) {
    assert.ok(line.length <= 30, line);
    assert.ok(line.startsWith('  '));
  }
  assert.equal(w.replace(/\s+/g, ' ').trim(), text);
  assert.equal(wrap('x'.repeat(50), 20).split('\n')[0], 'x'.repeat(20));
});
