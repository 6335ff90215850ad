// The matcher after the round-7 speed-up (a character scanner instead of the word regex, each phrase
// start looked up once per distinct word) gives exactly what the matcher before it gave
// (test/topics/_match-reference.ts, a frozen copy): topic links, term spans, topic spans and
// highlight HTML, over generated texts built from the lexicon's own patterns with awkward
// separators and letters, the scale bench's synthetic statements, the Chinese fixtures and, where
// present, real governance texts from ../shared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { syntheticCorpus } from '../../bench/import.ts';
import { loadLexicon, type Lexicon } from '../../src/topics/lexicon.ts';
import * as now from '../../src/topics/match.ts';
import * as ref from './_match-reference.ts';
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

function compareText(cn: now.CompiledLexicon, cr: ref.CompiledLexicon, text: string, where: string): number {
  const a = now.termSpans(cn, text);
  assert.deepEqual(a, ref.termSpans(cr, text), `term spans of ${where}: ${JSON.stringify(text)}`);
  const topics = new Set(a.map((s) => cn.terms[s.term]!.topic));
  for (const topic of topics) {
    const spans = now.topicSpans(cn, text, topic);
    assert.deepEqual(spans, ref.topicSpans(cr, text, topic), `topic spans (${topic}) of ${where}`);
    assert.equal(now.highlightHtml(text, spans), ref.highlightHtml(text, ref.topicSpans(cr, text, topic)), `highlight (${topic}) of ${where}`);
  }
  return a.length;
}

test('the matcher finds the same spans, topic spans and highlights as the reference matcher', () => {
  const texts = realTexts();
  for (const [li, lex] of lexicons().entries()) {
    const cn = now.compileLexicon(lex);
    const cr = ref.compileLexicon(lex);
    let spans = 0;
    const gen = generated(lex, 2500, 7 + li);
    gen.forEach((t, i) => (spans += compareText(cn, cr, t, `generated text ${i}`)));
    texts.forEach((t, i) => (spans += compareText(cn, cr, t, `real text ${i}`)));
    // The comparison means something: many spans were found, in both languages.
    assert.ok(spans > 5000, `${spans} spans`);
    assert.ok(gen.some((t) => /\p{Script=Han}/u.test(t) && now.termSpans(cn, t).length > 0));
    assert.ok(gen.some((t) => !/\p{Script=Han}/u.test(t) && /^[\x00-\x7f]*$/.test(t) && now.termSpans(cn, t).length > 0));
  }
});

test('the matcher links statements exactly as the reference matcher (generated, synthetic and real statements)', () => {
  const [base, extra] = lexicons();
  const corpus = syntheticCorpus(4, 500) as { documents: { statements: { name: string; text: string; headingPath: string[]; kind: string }[] }[] };
  const synthetic = corpus.documents.flatMap((d) => d.statements);
  const texts = realTexts();
  for (const lex of [base!, extra!]) {
    const cn = now.compileLexicon(lex);
    const cr = ref.compileLexicon(lex);
    const gen = generated(lex, 3000, 99);
    const kinds = ['risk', 'mitigation', 'principle', null];
    const statements = [
      ...synthetic,
      ...gen.map((text, i) => ({ name: gen[(i * 7) % gen.length]!.slice(0, 40), text, headingPath: [gen[(i * 13) % gen.length]!.slice(0, 30), 'Part II'], kind: kinds[i % 4]! })),
      ...texts.map((text, i) => ({ name: null, text, headingPath: i % 2 ? null : [texts[(i + 1) % texts.length]!], kind: kinds[i % 4]! })),
    ];
    let links = 0;
    statements.forEach((s, i) => {
      const a = now.scoreStatement(cn, s);
      assert.deepEqual(a, ref.scoreStatement(cr, s), `statement ${i}: ${JSON.stringify(s)}`);
      links += a.length;
    });
    assert.ok(links > 1000, `${links} links`);
  }
});
