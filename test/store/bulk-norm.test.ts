// Works are joined by the normalised text of their statements, so normaliseText's ASCII path must
// give exactly what NFKC, lower case and the Unicode letter/digit classes give, on every ASCII text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normHash, normaliseText } from '../../src/store/works.ts';

/** The definition, without the ASCII path. */
function byDefinition(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

test('normaliseText: the ASCII path equals the Unicode definition', () => {
  // Every ASCII character, alone and between words.
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    for (const t of [ch, `a${ch}b`, `${ch}${ch}Word 9${ch}`]) assert.equal(normaliseText(t), byDefinition(t), JSON.stringify(t));
  }
  // Random ASCII texts, with runs of punctuation, spaces, tabs and newlines at both ends.
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 128;
  for (let i = 0; i < 2000; i++) {
    const t = Array.from({ length: 1 + (i % 60) }, () => String.fromCharCode(next())).join('');
    assert.equal(normaliseText(t), byDefinition(t), JSON.stringify(t));
  }
  // Non-ASCII texts keep the Unicode path (NFKC folds the ligature and full-width letters).
  for (const t of ['ﬁnal Ｔｅｓｔ', 'Résumé — ÉTAPE 2', '人工智能 安全', 'x\u00a0y²']) assert.equal(normaliseText(t), byDefinition(t));
  assert.equal(normHash('Encrypt model weights, and AUDIT access!'), normHash('encrypt   model weights and audit access'));
  assert.equal(normHash('a b, c!'), null, 'fewer than eight letters and digits');
});

test('normHash: the first 32 hex digits of the SHA-256 of the normalised text, null under eight letters and digits', async () => {
  const { createHash } = await import('node:crypto');
  const byDefinition = (text: string) => {
    const n = normaliseText(text);
    return n.replace(/ /g, '').length < 8 ? null : createHash('sha256').update(n).digest('hex').slice(0, 32);
  };
  let seed = 11;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  const alphabet = 'ab9 ,.-Ü人é\tX';
  for (let i = 0; i < 3000; i++) {
    const t = Array.from({ length: i % 24 }, () => alphabet[next() % alphabet.length]).join('');
    assert.equal(normHash(t), byDefinition(t), JSON.stringify(t));
  }
  for (const t of ['abcdefg', 'abcdefgh', 'abc defg', 'abcd efgh', ' a b c d e f g h ', '人工智能安全评估', '人工智能安全评'])
    assert.equal(normHash(t), byDefinition(t), JSON.stringify(t));
});
