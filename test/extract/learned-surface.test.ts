// The learned layer's surface counts (src/extract/learned.ts, surfaceCounts) are worked out in one
// pass over the text for speed; they must be exactly the numbers of the regular expressions the
// features were defined with (written out again here), on real wording and on random mixtures of
// letters, numbers, spaces and punctuation from many scripts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { surfaceCounts } from '../../src/extract/learned.ts';

/** The definitions the features were trained with. */
function reference(text: string, cjk: boolean) {
  const words = cjk ? Math.ceil([...text.replace(/[^\u3400-\u9fff]/g, '')].length / 2) : text.split(/\s+/).filter(Boolean).length;
  const letters = text.replace(/[^A-Za-z]/g, '');
  return {
    words,
    letters: letters.length,
    caps: letters.replace(/[^A-Z]/g, '').length,
    digits: text.match(/\d/g)?.length ?? 0,
    odd: text.match(/[^\p{L}\p{N}\s.,;:'"“”‘’()\[\]\-–—/%&?!。，、；：（）《》]/gu)?.length ?? 0,
    shortTokens: text.split(/\s+/).filter((w) => /^\p{L}{1,2}$/u.test(w)).length,
  };
}

const SAMPLES = [
  '',
  'Providers shall keep records of evaluation 12 for system 3, including the results of red-team exercise 7 and the decisions taken.',
  '(a) name the responsible person; b) review the measure every year.',
  'Article 9 — Risk management system: 1. A risk-management system shall be established…',
  '第十二条 提供者应当依法开展预训练、优化训练等训练数据处理活动，遵守以下规定：',
  '（一）使用具有合法来源的数据和基础模型；',
  'Smith, J. et al. (2021). On the Risks. Proc. ACM 3(4): 12–34. https://doi.org/10.1145/3442188 § 6-1-1702, C.R.S.',
  'AI  is\u00a0a\u3000tool\ttab\nnew line \u2028 sep',
  'Ⅻ ٣ ² ½ numbers; emoji 🙂🙂 and a lone \ud800 surrogate; ＡＢＣ full-width; x_y = z + w * 2 # @ | ~ ^ $ {}',
  'Ça va? Über naïve façade — “quoted” ‘single’ «guillemets» 《书名》',
];

const PALETTE = [...'abcXYZ019 \t\n.,;:\'"“”‘’()[]-–—/%&?!。，、；：（）《》*#@_+=<>|~^$\\`{}', '\u00a0', '\u3000', '\u2003', '\ufeff', '中', '文', '㐀', '鿿', 'é', 'ß', 'Ж', 'ع', '٣', 'Ⅻ', '²', '🙂', '\ud800', '\udc00', 'ｱ', '한'];

function randomText(seed: number): string {
  let x = seed;
  const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8) / 0x1000000;
  const n = Math.floor(next() * 80);
  let s = '';
  for (let i = 0; i < n; i++) s += PALETTE[Math.floor(next() * PALETTE.length)];
  return s;
}

test('surface counts: one pass gives the numbers of the regular expressions, for CJK and other text', () => {
  const texts = [...SAMPLES, ...Array.from({ length: 3000 }, (_, i) => randomText(i + 1))];
  for (const t of texts) for (const cjk of [false, true]) assert.deepEqual(surfaceCounts(t, cjk), reference(t, cjk), JSON.stringify(t));
});
