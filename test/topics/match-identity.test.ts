// The matcher finds words with a character scanner (round 7) where a text's lower case keeps its
// length, and with the word regular expression otherwise. Both paths live in src/topics/match.ts; this
// holds them to the same words, positions, "joined" flags and Han flag over generated texts built from
// the lexicon's own patterns with awkward separators and letters, the scale bench's synthetic
// statements, the Chinese fixtures and, where present, real governance texts from ../shared. (When the
// scanner was written, the whole matcher was also compared with a frozen copy of the previous one:
// spans, topic spans, highlights and links were identical; see docs/benchmarks.md, import, round 7.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { syntheticCorpus } from '../../bench/import.ts';
import { loadLexicon, type Lexicon } from '../../src/topics/lexicon.ts';
import * as now from '../../src/topics/match.ts';
import { sharedFile } from '../helpers/shared.ts';
import { MITIGATIONS_CSV } from './_corpus.ts';

/** The built-in lexicon plus a topic of awkward English patterns (digits, non-ASCII letters, apostrophes, prefixes). */
function lexicons(): Lexicon[] {
  const base = loadLexicon();
  const extra = structuredClone(base);
  const t = extra.topics[0]!;
  const en = ['5g network*', 'co-operation', 'naïve bayes', "o'brien", 'ai’s risk', 'über* model', 'straße', 'σύστημα', 'data 2', 'x', 'İstanbul'];
  t.terms.push({ ...t.terms[0]!, id: 'awkward-en', en, zh: ['数据', '=安全'], sense: undefined });
  return [base, extra];
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const SEPS = [' ', ' ', ' ', '  ', '-', ' - ', '/', ' & ', '&', '\t', '\n', '. ', ', ', '; ', '\u2010', '\u2013', '\u00a0', '\u3000', "'", '’', '*', '(', ') ', ' 42 ', '', '. 数据', '安全'];
const NOISE = ['AI', 'Data', 'DATA', 'data’s', "model's", 'models’', 'Über', 'naïve', 'İ', 'ΣΑΣ', 'straße', 'x1', '2', '5G', 'o’brien', "O'Brien", 'déjà', '人工智能', '安全', '数据安全', 'risk', 'Risks', 'cyber', 'CYBERATTACKS', '𝐀𝐈 risk', 'data𠀀safety', 'ſafety', 'Ⅻ', 'ＤＡＴＡ', 'ǅata', 'ΌΣΟΣ', 'ﬁle', 'ⓐi', 'data\u0301', '١٢٣', 'Привет'];

/** Texts made of lexicon patterns (in random case), noise words and separators. */
function generated(lex: Lexicon, count: number, seed: number): string[] {
  const r = rng(seed);
  const pats: string[] = [];
  for (const t of lex.topics) {
    for (const term of t.terms) pats.push(...term.en, ...term.zh);
    pats.push(...t.exclude.en, ...t.exclude.zh);
  }
  const words = pats.map((p) => p.replace(/^=/, '').replace(/\*/g, () => ['', 's', 'ed', 'ation'][Math.floor(r() * 4)]!));
  const caseOf = (w: string) => [w, w.toUpperCase(), w[0]!.toUpperCase() + w.slice(1)][Math.floor(r() * 3)]!;
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let s = '';
    const n = 1 + Math.floor(r() * 12);
    for (let i = 0; i < n; i++) {
      let w = r() < 0.7 ? words[Math.floor(r() * words.length)]! : NOISE[Math.floor(r() * NOISE.length)]!;
      // Half the time the words inside a phrase are joined by another separator (a phrase must not span "." or ",").
      if (r() < 0.5) w = w.replace(/ /g, () => SEPS[Math.floor(r() * SEPS.length)]!);
      s += caseOf(w) + SEPS[Math.floor(r() * SEPS.length)]!;
    }
    out.push(s);
  }
  return out;
}

function realTexts(): string[] {
  const out: string[] = [];
  const fixtures = ['principles_zh.yaml', 'principles_zh_en.yaml'].map((f) => fileURLToPath(new URL(`./fixtures/${f}`, import.meta.url)));
  for (const f of fixtures) out.push(...readFileSync(f, 'utf8').split('\n'));
  const csv = sharedFile(MITIGATIONS_CSV);
  if (csv) for (const row of (parse(readFileSync(csv), { columns: true }) as Record<string, string>[]).slice(0, 1500)) out.push(...Object.values(row));
  const zh = sharedFile('corpus/cac_genai-interim-measures_2023_zh.htm');
  if (zh) out.push(...readFileSync(zh, 'utf8').replace(/<[^>]*>/g, '\n').split(/\n+/).filter((l) => l.trim()));
  const en = sharedFile('corpus/casi_genai-interim-measures_2023_en-translation.md');
  if (en) out.push(...readFileSync(en, 'utf8').split(/\n+/));
  return out.filter((l) => l.length > 0);
}

function compareText(c: now.CompiledLexicon, text: string, where: string): number {
  const scanned = now.matcherWords(c, text, true);
  assert.deepEqual(scanned, now.matcherWords(c, text, false), `words of ${where}: ${JSON.stringify(text)}`);
  return scanned.starts.length;
}

test('the character scanner finds the same words as the word regular expression', () => {
  const texts = realTexts();
  const corpus = syntheticCorpus(4, 500) as { documents: { statements: { name: string; text: string }[] }[] };
  const synthetic = corpus.documents.flatMap((d) => d.statements.flatMap((s) => [s.name, s.text]));
  for (const [li, lex] of lexicons().entries()) {
    const c = now.compileLexicon(lex);
    let words = 0;
    const gen = generated(lex, 4000, 7 + li);
    gen.forEach((t, i) => (words += compareText(c, t, `generated text ${i}`)));
    [...synthetic, ...texts].forEach((t, i) => (words += compareText(c, t, `text ${i}`)));
    // The comparison means something: many words, phrase starts, joins and Han texts were seen.
    assert.ok(words > 20000, `${words} words`);
    const seen = gen.map((t) => now.matcherWords(c, t, true));
    assert.ok(seen.some((w) => w.any) && seen.some((w) => !w.any), 'texts with and without a phrase start');
    assert.ok(seen.some((w) => w.han) && seen.some((w) => w.joined.includes(true)), 'Han texts and joined words');
  }
});

test('the matcher still finds what the lexicon names, through either path', () => {
  const [, extra] = lexicons();
  const c = now.compileLexicon(extra!);
  // Text the scanner takes, and the same text with a "Σ" that sends it down the regex path.
  for (const text of ["The Über-model's naïve Bayes and 5G networks", "ΣThe Über-model's naïve Bayes and 5G networks"]) {
    const spans = now.termSpans(c, text).map((s) => text.slice(s.start, s.end));
    assert.ok(spans.includes('5G networks') && spans.includes('naïve Bayes'), `${JSON.stringify(spans)} in ${text}`);
  }
});
