// The search text of a statement is stored and compared with queries, so the quicker tokenizer
// (an ASCII path and a cache of words, for bulk writes) must give exactly what the plain one gave:
// the reference below is the tokenizer as it was, and both see thousands of seeded random texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stemmer } from 'stemmer';
import { searchTokens, toSearchText } from '../../src/store/search-text.ts';

const HAN = /\p{Script=Han}/u;
const TOKEN = /[\p{Script=Han}]+|[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

function referenceTokens(text: string): string[] {
  const out: string[] = [];
  for (const m of text.normalize('NFKC').matchAll(TOKEN)) {
    const tok = m[0];
    if (HAN.test(tok)) {
      for (const s of new Intl.Segmenter('zh', { granularity: 'word' }).segment(tok)) if (s.isWordLike) out.push(s.segment);
    } else {
      const w = tok.toLowerCase().replace(/['’]s$/, '');
      out.push(/^[a-z]+$/.test(w) && w.length > 2 ? stemmer(w) : w);
    }
  }
  return out;
}

/** A small seeded generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'Auditing', 'audits', 'model', "model's", "MODEL'S", 'don\'t', "rock'n'roll", 'risk’s', 'ISO27001', 'a1b2', '42', '007',
  'the', 'is', 'ai', 'AI', "'", "'s", "s'", '’', '-', '.', ',', ':', ';', '(', ')', '"', '\n', '\t', ' ', ' ', ' ', '\\',
  'café', 'naïve', 'Ａｕｄｉｔ', 'ﬁnance', '①', '²', 'É', '人工智能', '安全评估', 'AI人工智能', 'Überprüfung', 'x\u0301',
  'organisations', 'should', 'monitoring', 'generalisation', 'happily', 'relational', 'conditional', 'hopefulness',
];

test('search text: the quick tokenizer equals the plain one on seeded random texts (ASCII and not)', () => {
  const next = random(14);
  for (let n = 0; n < 3000; n++) {
    let text = '';
    const len = Math.floor(next() * 14);
    const asciiOnly = n % 2 === 0;
    for (let i = 0; i < len; i++) {
      let p = PIECES[Math.floor(next() * PIECES.length)]!;
      if (asciiOnly && !/^[\x00-\x7f]*$/.test(p)) p = 'plain';
      text += p + (next() < 0.5 ? ' ' : '');
    }
    assert.deepEqual(searchTokens(text), referenceTokens(text), JSON.stringify(text));
    // Twice: the second time the words come from the cache.
    assert.deepEqual(searchTokens(text), referenceTokens(text), `${JSON.stringify(text)} (cached)`);
  }
});

test('search text: statements as imports write them', () => {
  assert.equal(
    toSearchText('Measure 1', "Providers shall keep the model's records of evaluation 12.", 'Section 1'),
    referenceTokens("Measure 1 \n Providers shall keep the model's records of evaluation 12. \n Section 1").join(' '),
  );
  assert.equal(toSearchText('Auditing the audits', undefined, ''), 'audit the audit');
});
