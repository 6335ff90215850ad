// The annotation item pool, its batches and the label-file checker (issue #12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, mkdirSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadTaxonomies, lineProblems, codeProblem, checkDir, v2Coverage, AXES } from '../../scripts/annotations/check.ts';
import { makeBatches, makeRound2Batches, makeRound4Batches, makeRound5Batches, makeRound6Batches, markdownToText, type Item } from '../../scripts/annotations/build-pool.ts';

const root = new URL('../../', import.meta.url).pathname;
const tax = loadTaxonomies(join(root, 'taxonomies'));
const items = readFileSync(join(root, 'annotations/items.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Item);
const batches = JSON.parse(readFileSync(join(root, 'annotations/batches.json'), 'utf8')) as { pass1: Record<string, string[]>; pass2: string[] };

// The batches of the later draws (rounds 2-6 of the pool), each checked in its own test below.
const LATER = ['b5', 'b6', 'b7', 'b8', 'b9', 'b10', 'b11', 'b12', 'b13', 'b14', 'b15'];
const R5 = ['b10', 'b11'];
const R6 = ['b12', 'b13', 'b14', 'b15'];
/** The ids of the given first-pass batches. */
const idsOf = (names: string[]) => names.flatMap((n) => batches.pass1[n] ?? []);

function good(id: string, v2 = '2.2.2') {
  return {
    id, mitigation: true, annotator: 'pass1/b1', guidelines: 'docs/annotation.md (labels v1)',
    labels: Object.fromEntries(AXES.map((a) => [a, { code: { 'mitigation-v2': v2, lifecycle: 'verify-validate', actor: 'developer', 'nist-ai-rmf': 'measure', 'risk-domain': '7.3' }[a], reason: 'because' }])),
  };
}

test('item pool: unique ids, required fields, no source labels, enough Chinese items', () => {
  const ids = new Set(items.map((i) => i.id));
  assert.equal(ids.size, items.length);
  assert.ok(items.length >= 850, `only ${items.length} items`);
  for (const i of items) {
    assert.match(i.id, /^GA\d{4}$/);
    assert.ok(i.text.length > 0 && i.licence && i.attribution && i.source.document, `${i.id} lacks text, licence, attribution or document`);
    assert.ok(['en', 'zh'].includes(i.language));
    // The items must not carry the sources' own category labels.
    assert.deepEqual(Object.keys(i).sort(), ['attribution', 'id', 'language', 'licence', 'name', 'source', 'text']);
    assert.ok(!/mit_v1|subcategory/i.test(JSON.stringify(i.source)), `${i.id} carries a source label`);
  }
  assert.ok(items.filter((i) => i.language === 'zh').length >= 100);
  const texts = new Set(items.map((i) => i.text.toLowerCase().replace(/\s+/g, ' ')));
  assert.equal(texts.size, items.length, 'duplicate texts in the pool');
});

test('batches: every item in exactly one first-pass batch; the second pass draws 220 round-1 ids with 30+ Chinese', () => {
  const all = Object.values(batches.pass1).flat();
  assert.equal(all.length, items.length);
  assert.equal(new Set(all).size, items.length);
  const zh = new Set(items.filter((i) => i.language === 'zh').map((i) => i.id));
  // Items added after publication sit in the batch "extra" (any language); all others keep the drawn batches.
  // The later draws (rounds 2-6) mix languages; each is checked in its own test below.
  const extra = batches.pass1.extra ?? [];
  const later = idsOf(LATER);
  assert.ok([...zh].every((id) => batches.pass1.zh!.includes(id) || extra.includes(id) || later.includes(id)), 'a Chinese item is outside the zh, extra and later batches');
  const drawn = Object.entries(batches.pass1).filter(([k]) => k !== 'extra' && !LATER.includes(k)).flatMap(([, ids]) => ids);
  const lastDrawn = drawn.sort().at(-1)!;
  assert.ok(extra.every((id) => id > lastDrawn), 'an extra item has an id inside the drawn range');
  assert.ok(extra.every((id) => !batches.pass2.includes(id)), 'an extra item is in the second-pass sample');
  // The round-1 second pass: 220 ids of the round-1 batches; later rounds add their own samples (below).
  const round1Pass2 = batches.pass2.filter((id) => drawn.includes(id));
  assert.equal(new Set(round1Pass2).size, 220);
  assert.equal(new Set(batches.pass2).size, batches.pass2.length);
  assert.ok(batches.pass2.every((id) => all.includes(id)));
  assert.ok(round1Pass2.filter((id) => zh.has(id)).length >= 30);
  for (const [k, ids] of Object.entries(batches.pass1)) if (k !== 'extra' && !LATER.includes(k)) assert.ok(ids.length >= 150 && ids.length <= 200, `batch ${k} of ${ids.length}`);
});

test('round 2: b5 and b6 take the ids after round 1, are of about equal size, both mix English and Chinese', () => {
  const b5 = batches.pass1.b5 ?? []; const b6 = batches.pass1.b6 ?? [];
  if (!b5.length && !b6.length) return;
  const before = Object.entries(batches.pass1).filter(([k]) => !LATER.includes(k)).flatMap(([, ids]) => ids).sort().at(-1)!;
  assert.ok([...b5, ...b6].every((id) => id > before), 'a round-2 id is inside the round-1 range');
  assert.ok([...b5, ...b6].every((id) => !batches.pass2.includes(id)), 'a round-2 item is in the second-pass sample');
  assert.ok(Math.abs(b5.length - b6.length) <= 4, `b5 has ${b5.length} items, b6 ${b6.length}`);
  const lang = new Map(items.map((i) => [i.id, i.language]));
  for (const ids of [b5, b6]) for (const l of ['en', 'zh']) assert.ok(ids.some((id) => lang.get(id) === l), `a round-2 batch has no ${l} item`);
  const r = makeRound2Batches(items.filter((i) => b5.includes(i.id) || b6.includes(i.id)), 1);
  assert.deepEqual(r, makeRound2Batches(items.filter((i) => b5.includes(i.id) || b6.includes(i.id)), 1));
  assert.equal(r.b5.length + r.b6.length, b5.length + b6.length);
});

test('round 3: b7 takes the ids after rounds 1 and 2, and none of them is in the second-pass sample', () => {
  const b7 = batches.pass1.b7 ?? [];
  if (!b7.length) return;
  const before = Object.entries(batches.pass1).filter(([k]) => !LATER.slice(2).includes(k)).flatMap(([, ids]) => ids).sort().at(-1)!;
  assert.ok(b7.every((id) => id > before), 'a round-3 id is inside the range of rounds 1 and 2');
  assert.ok(b7.every((id) => !batches.pass2.includes(id)), 'a round-3 item is in the second-pass sample');
  assert.ok(b7.length >= 150 && b7.length <= 260, `b7 has ${b7.length} items`);
});

test('round 4: b8 and b9 take the ids after round 3, are of equal size, and each mixes the sources', () => {
  const b8 = batches.pass1.b8 ?? []; const b9 = batches.pass1.b9 ?? [];
  if (!b8.length && !b9.length) return;
  const before = Object.entries(batches.pass1).filter(([k]) => !LATER.slice(3).includes(k)).flatMap(([, ids]) => ids).sort().at(-1)!;
  assert.ok([...b8, ...b9].every((id) => id > before), 'a round-4 id is inside the range of rounds 1-3');
  assert.ok([...b8, ...b9].every((id) => !batches.pass2.includes(id)), 'a round-4 item is in the second-pass sample');
  assert.ok(Math.abs(b8.length - b9.length) <= 1, `b8 has ${b8.length} items, b9 ${b9.length}`);
  const byId = new Map(items.map((i) => [i.id, i]));
  for (const ids of [b8, b9]) {
    assert.ok(ids.some((id) => byId.get(id)!.language === 'zh'), 'a round-4 batch has no Chinese item');
    assert.ok(new Set(ids.map((id) => byId.get(id)!.source.document)).size >= 5, 'a round-4 batch draws on fewer than 5 documents');
  }
  const r4 = items.filter((i) => b8.includes(i.id) || b9.includes(i.id));
  assert.deepEqual(makeRound4Batches(r4, 3), makeRound4Batches(r4, 3));
  // Dealt per document: no document puts more than one item more into one batch than the other.
  const r = makeRound4Batches(r4, 3);
  for (const doc of new Set(r4.map((i) => i.source.document))) {
    const n = (ids: string[]) => ids.filter((id) => byId.get(id)!.source.document === doc).length;
    assert.ok(Math.abs(n(r.b8) - n(r.b9)) <= 1, `${doc}: ${n(r.b8)} vs ${n(r.b9)}`);
  }
});

test('round 5: b10 and b11 take the ids after round 4, are of equal size, mix ATLAS and the EU AI Act, and give 30 ids each to the second pass', () => {
  const [b10, b11] = R5.map((n) => batches.pass1[n] ?? []);
  if (!b10!.length && !b11!.length) return;
  const before = Object.entries(batches.pass1).filter(([k]) => !LATER.slice(5).includes(k)).flatMap(([, ids]) => ids).sort().at(-1)!;
  assert.ok([...b10!, ...b11!].every((id) => id > before), 'a round-5 id is inside the range of rounds 1-4');
  assert.ok(Math.abs(b10!.length - b11!.length) <= 1, `b10 has ${b10!.length} items, b11 ${b11!.length}`);
  const byId = new Map(items.map((i) => [i.id, i]));
  for (const ids of [b10!, b11!]) {
    assert.equal(ids.filter((id) => batches.pass2.includes(id)).length, 30);
    assert.deepEqual([...new Set(ids.map((id) => byId.get(id)!.source.dataset))].sort(), ['corpus', 'mitre-atlas']);
  }
  // The ATLAS technique uses keep the document of the round-1 ATLAS items (the folds keep them together).
  assert.ok([...b10!, ...b11!].map((id) => byId.get(id)!).filter((i) => i.source.dataset === 'mitre-atlas').every((i) => i.source.document === 'MITRE ATLAS mitigations' && /^AML\.M\d+\/AML\.T/.test(i.source.key ?? '')));
  const r5 = items.filter((i) => b10!.includes(i.id) || b11!.includes(i.id));
  assert.deepEqual(makeRound5Batches(r5, 3), makeRound5Batches(r5, 3));
});

test('round 6: b12-b15 take the ids after round 5, 80 FINOS measures each, 12 of each in the second pass', () => {
  const r6 = R6.map((n) => batches.pass1[n] ?? []);
  if (r6.every((ids) => !ids.length)) return;
  const before = idsOf(R5).sort().at(-1)!;
  const byId = new Map(items.map((i) => [i.id, i]));
  for (const ids of r6) {
    assert.equal(ids.length, 80);
    assert.ok(ids.every((id) => id > before), 'a round-6 id is inside the range of rounds 1-5');
    assert.equal(ids.filter((id) => batches.pass2.includes(id)).length, 12);
    assert.ok(ids.every((id) => byId.get(id)!.source.document === 'FINOS AI Governance Framework' && /#\d+$/.test(byId.get(id)!.source.key ?? '')));
  }
  // No FINOS mitigation gives more than 14 measures.
  const per = new Map<string, number>();
  for (const id of r6.flat()) { const m = byId.get(id)!.source.key!.split('#')[0]!; per.set(m, (per.get(m) ?? 0) + 1); }
  assert.ok([...per.values()].every((n) => n <= 14), JSON.stringify([...per]));
  const all6 = items.filter((i) => r6.flat().includes(i.id));
  const dealt = makeRound6Batches(all6, 5);
  assert.deepEqual(dealt, makeRound6Batches(all6, 5));
  assert.deepEqual(Object.values(dealt).map((ids) => ids.length), [80, 80, 80, 80]);
});

test('makeBatches is deterministic for a seed and puts all Chinese items in the zh batch', () => {
  const fake = Array.from({ length: 500 }, (_, i) => ({ id: `GA${String(i + 1).padStart(4, '0')}`, language: i % 5 === 0 ? 'zh' : 'en' }) as Item);
  const a = makeBatches(fake, 7); const b = makeBatches(fake, 7); const c = makeBatches(fake, 8);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.pass2, c.pass2);
  assert.ok(fake.filter((x) => x.language === 'zh').every((x) => a.batches.zh!.includes(x.id)));
  assert.equal(a.pass2.length, 220);
});

test('markdownToText strips markup but keeps the words', () => {
  assert.equal(markdownToText('## Purpose\n\n* **Defense in Depth:** use [layers](http://x) of `controls`.\n---\n'), 'Purpose Defense in Depth: use layers of controls.');
});

test('lineProblems accepts a complete label and names each bad field', () => {
  assert.deepEqual(lineProblems(tax, good('GA0001')), []);
  assert.deepEqual(lineProblems(tax, { id: 'GA0002', mitigation: false, reason: 'a definition' }), []);
  const bad = good('GA0003', '9.9') as Record<string, unknown> & { labels: Record<string, { code: string; reason: string }> };
  bad.labels['risk-domain'] = { code: '2', reason: 'x'.repeat(301) };
  delete bad.labels.actor;
  const p = lineProblems(tax, bad);
  assert.ok(p.some((x) => x.startsWith('labels.mitigation-v2.code: unknown code "9.9"')), p.join('; '));
  assert.ok(p.some((x) => x.startsWith('labels.risk-domain.code:') && x.includes('2.0')));
  assert.ok(p.some((x) => x.startsWith('labels.risk-domain.reason: reason has 301')));
  assert.ok(p.includes('labels.actor: missing'));
  assert.ok(lineProblems(tax, { id: 'GA0004', mitigation: false }).includes('reason: missing reason'));
  assert.equal(codeProblem(tax, 'mitigation-v2', '99'), 'use 99.9, not the holding category 99');
  assert.equal(codeProblem(tax, 'mitigation-v2', '3.3.2'), null);
  assert.equal(codeProblem(tax, 'lifecycle', 'other-outside'), null);
});

test('checkDir rejects ids from another batch, outside the pass2 sample, or repeated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-ann-'));
  try {
    copyFileSync(join(root, 'annotations/items.jsonl'), join(dir, 'items.jsonl'));
    copyFileSync(join(root, 'annotations/batches.json'), join(dir, 'batches.json'));
    mkdirSync(join(dir, 'pass1')); mkdirSync(join(dir, 'pass2'));
    const b1 = batches.pass1.b1!; const zh0 = batches.pass1.zh![0]!;
    const notP2 = b1.find((id) => !batches.pass2.includes(id))!;
    writeFileSync(join(dir, 'pass1/b1.jsonl'), [good(b1[0]!), good(b1[0]!), good(zh0)].map((x) => JSON.stringify(x)).join('\n') + '\n');
    writeFileSync(join(dir, 'pass2/b1.jsonl'), JSON.stringify(good(notP2)) + '\n');
    const { errors, files } = checkDir(dir, tax);
    assert.equal(files.find((f) => f.file === 'pass1/b1.jsonl')!.records.length, 1);
    assert.ok(errors.some((e) => e.startsWith('pass1/b1.jsonl:2') && e.includes('appears twice')), errors.join('\n'));
    assert.ok(errors.some((e) => e.startsWith('pass1/b1.jsonl:3') && e.includes('belongs to batch zh')));
    assert.ok(errors.some((e) => e.startsWith('pass2/b1.jsonl:1') && e.includes('not in the second-pass sample')));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('v2Coverage counts a label for its node and all its ancestors', () => {
  const c = v2Coverage(tax, ['2.2.2', '2.2', '3.1.5', '99.9']);
  assert.equal(c.get('2.2.2'), 1); assert.equal(c.get('2.2'), 2); assert.equal(c.get('2'), 2);
  assert.equal(c.get('3.1'), 1); assert.equal(c.get('3'), 1); assert.equal(c.get('99'), 1);
  assert.equal(c.get('1'), undefined);
});
