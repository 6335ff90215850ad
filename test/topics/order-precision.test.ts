// Topic pages lead with principles and mitigations, and the lexicon does not read "adversary" as
// "adversarial attack" (issue 16).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLexicon } from '../../src/topics/lexicon.ts';
import { compileLexicon, scoreStatement } from '../../src/topics/match.ts';
import { linkPending } from '../../src/topics/link.ts';
import { topicPage } from '../../src/topics/query.ts';
import { upsertDocument, upsertStatements } from '../../src/store/index.ts';
import { ENGINE } from '../helpers/store.ts';
import { openTestApp } from '../web/fixture.ts';

const c = compileLexicon(loadLexicon());
const terms = (s: { name?: string; text?: string; kind?: string }) => scoreStatement(c, s).flatMap((l) => l.terms.map((t) => t.term));

test('lexicon: "adversary" alone is not an adversarial attack; adversarial examples still are', () => {
  for (const text of [
    'Adversaries may search public sources for information about the target.',
    'An adversary could obtain the model from a public repository.',
  ])
    assert.ok(!terms({ text }).includes('adversarial-attack'), text);
  assert.ok(terms({ text: 'Train the model on adversarial examples to resist evasion.' }).includes('adversarial-attack'));
  assert.ok(terms({ text: 'Reverse adversarial perturbations before inference.' }).includes('adversarial-attack'));
  // Over-broad words removed in lexicon 1.3.0: verbal "attacks", situational "awareness", "democratizing".
  assert.ok(!terms({ text: 'The chatbot verbally attacks an individual.' }).includes('attack'));
  assert.ok(!terms({ text: 'Self and situation awareness of the model.' }).includes('awareness'));
  assert.ok(!terms({ text: 'Democratizing access to dual-use technologies.' }).includes('rule-of-law'));
});

test('lexicon: a risk or mitigation needs more than one incidental word; a short principle does not', () => {
  const text = 'Document the data sources used for training, including any potential biases, and their licences.';
  assert.ok(!scoreStatement(c, { text, kind: 'mitigation' }).some((l) => l.topic === 'fairness'), 'one mention in a mitigation is not enough');
  assert.ok(scoreStatement(c, { text, kind: 'principle' }).some((l) => l.topic === 'fairness'), 'a principle keeps the base threshold');
  assert.ok(scoreStatement(c, { name: 'Bias and discrimination', text: 'Models may discriminate against protected groups.', kind: 'risk' }).some((l) => l.topic === 'fairness'));
});

test(`[${ENGINE}] topic pages put principles and mitigations before risks, in document order within a kind`, async () => {
  const t = await openTestApp();
  try {
    const { app, store } = t;
    const prov = { dataset: 't', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' };
    // A threat catalogue with many risk statements and one mitigation, and a principle document.
    const atk = await upsertDocument(store.db, { sourceKey: 'atk', title: 'Attack catalogue', docType: 'framework', provenance: prov });
    const risks = Array.from({ length: 6 }, (_, i) => ({
      sourceKey: `r${i}`,
      kind: 'risk' as const,
      ord: i,
      name: `Privacy attack ${i}`,
      text: 'Attackers extract personal data and sensitive information from the model to breach privacy.',
    }));
    await upsertStatements(store.db, atk.id, [
      ...risks,
      { sourceKey: 'm0', kind: 'mitigation', ord: 10, name: 'Protect personal data', text: 'Minimise personal data and apply differential privacy to protect privacy.' },
    ]);
    const pr = await upsertDocument(store.db, { sourceKey: 'pr', title: 'Principles', docType: 'principles', provenance: prov });
    await upsertStatements(store.db, pr.id, [{ sourceKey: 'p0', kind: 'principle', ord: 0, name: 'Privacy', text: 'Respect privacy and personal data.' }]);
    await linkPending(store.db);

    const data = await topicPage(store.db, 'privacy');
    assert.deepEqual(data.documents.map((d) => d.id), [pr.id, atk.id], 'the principle document leads although it has fewer statements');
    const kinds = data.documents[1]!.statements.map((s) => s.kind);
    assert.equal(kinds[0], 'mitigation', 'within a document the mitigation comes before the risks');
    assert.deepEqual(kinds.slice(1), kinds.slice(1).map(() => 'risk'));
    const ords = data.documents[1]!.statements.slice(1).map((s) => s.ord);
    assert.deepEqual(ords, [...ords].sort((a, b) => a - b), 'risks in document order');

    const res = await app.request('/topics/privacy?lang=en');
    const body = await res.text();
    assert.ok(body.includes('principles and mitigations come before risks'), 'the page says how it is ordered');
    assert.ok(body.indexOf(`/d/${pr.id}`) < body.indexOf(`/d/${atk.id}`));
  } finally {
    await t.close();
  }
});
