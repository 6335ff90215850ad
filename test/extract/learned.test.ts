// The learned layer of the role classifier (src/extract/learned.ts): it starts from the rules'
// role and learns corrections from features that hold across documents; features seen in too few
// training documents are dropped, so one document's quirks cannot become a rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { roleProbabilities, trainRoleWeights, documentFeatures, type TrainingDoc } from '../../src/extract/learned.ts';
import { classifyAll } from '../../src/extract/roles.ts';
import { extractStatements } from '../../src/extract/index.ts';
import type { Block } from '../../src/ingest/types.ts';
import type { Role } from '../../src/extract/types.ts';

/** A synthetic training document: blocks whose rule said `rule`, with a cue feature and a gold role. */
function doc(slug: string, rows: { rule: Role; gold: Role; cue?: string }[]): TrainingDoc {
  return {
    slug,
    features: rows.map((r) => new Map<string, number>([['bias', 1], [`rule=${r.rule}`, 1], ...(r.cue ? [[r.cue, 1] as [string, number]] : [])])),
    labels: rows.map((r) => r.gold),
    rules: rows.map((r) => r.rule),
  };
}

const argmax = (p: number[]) => p.indexOf(Math.max(...p));

test('learned layer: follows the rules by default and learns a correction shared by documents', () => {
  const rows = (k: number) => [
    ...Array.from({ length: 20 }, () => ({ rule: 'mitigation' as Role, gold: 'mitigation' as Role })),
    ...Array.from({ length: 20 }, () => ({ rule: 'context' as Role, gold: 'context' as Role })),
    // The rules call these context; gold says apparatus, and they share a cue in every document.
    ...Array.from({ length: 10 }, () => ({ rule: 'context' as Role, gold: 'apparatus' as Role, cue: 'sig-block' })),
    // A cue seen in one document only: must not be learned.
    ...(k === 0 ? Array.from({ length: 10 }, () => ({ rule: 'mitigation' as Role, gold: 'context' as Role, cue: 'quirk' })) : []),
  ];
  const w = trainRoleWeights([doc('a', rows(0)), doc('b', rows(1)), doc('c', rows(2))], { minDocs: 2, l2: 0.001 });
  assert.equal(w.roles[argmax(roleProbabilities(w, new Map([['bias', 1], ['rule=mitigation', 1]]), 'mitigation'))], 'mitigation');
  assert.equal(w.roles[argmax(roleProbabilities(w, new Map([['bias', 1], ['rule=context', 1]]), 'context'))], 'context');
  assert.equal(w.roles[argmax(roleProbabilities(w, new Map([['bias', 1], ['rule=context', 1], ['sig-block', 1]]), 'context'))], 'apparatus');
  assert.equal(w.weights['quirk'], undefined, 'a feature of one training document only is dropped');
  assert.deepEqual(w.trainedOn, ['a', 'b', 'c']);
});

test('learned layer: features name the rules, structure and neighbours, never whole texts', () => {
  const blocks = [
    { kind: 'heading', level: 1, text: 'Mitigation strategies', start: 0, end: 21 },
    { kind: 'item', depth: 0, ordered: false, marker: '•', text: 'Encrypt training data at rest.', start: 23, end: 53 },
    { kind: 'paragraph', text: 'References', start: 55, end: 65 },
  ] as Block[];
  const ruled = classifyAll(blocks, { language: 'en' });
  const f = documentFeatures({ blocks, ...ruled, language: 'en' });
  assert.equal(f.length, 3);
  assert.ok(f[1]!.has(`rule=${ruled.decisions[1]!.role}`));
  assert.ok(f[1]!.has('anysec=measures'), 'the heading path class is a feature');
  assert.ok(f[1]!.has('prev.heading'));
  assert.ok(f[1]!.has('w=encrypt'));
  for (const k of f[1]!.keys()) assert.ok(k.length < 80 && !k.includes('Encrypt training data'), `feature ${k} is not a text`);
});

test('extractStatements: roleWeights null means the rules alone', () => {
  const text = 'Controls\n\nProviders shall encrypt all training data.';
  const blocks = [
    { kind: 'heading', level: 1, text: 'Controls', start: 0, end: 8 },
    { kind: 'paragraph', text: 'Providers shall encrypt all training data.', start: 10, end: 52 },
  ] as Block[];
  const ex = { format: 'markdown' as const, text, blocks, meta: {}, notes: [] };
  const rules = extractStatements(ex, { language: 'en', roleWeights: null });
  const ruled = classifyAll(blocks, { language: 'en' });
  assert.deepEqual(rules.outline.map((o) => o.decision.role), ruled.decisions.map((d) => d.role));
  // A model that strongly prefers apparatus for every block overrides the rules.
  const all = extractStatements(ex, { language: 'en', roleWeights: { format: 'govnav-role-weights/1', roles: ['mitigation', 'risk', 'principle', 'context', 'apparatus'], bias: [0, 0, 0, 0, 0], ruleBoost: 0, weights: { bias: [0, 0, 0, 0, 20] } } });
  assert.deepEqual(all.outline.map((o) => o.decision.role), ['apparatus', 'apparatus']);
  assert.equal(all.statements.length, 0);
});
