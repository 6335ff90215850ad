// Builds annotations/items.jsonl and annotations/batches.json: the item pool of govnav's own
// annotated mitigation set (issue #12). Items carry only a statement's own name and text, a source
// reference, a licence and an attribution; never a published label of any kind.
//
//   node --import tsx scripts/annotations/build-pool.ts [--shared ../shared] [--out annotations] [--fresh]
//
// Reproducible: every sample is drawn with a fixed seed; corpus statements are cut from the
// documents by rules in this file (extracted with govnav's own reader), verbatim.
import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { loadSource, extract } from '../../src/ingest/index.ts';

type Lang = 'en' | 'zh';
export interface Item {
  id: string;
  source: {
    dataset: 'mit-airi-mitigations' | 'nist-ai-600-1' | 'finos-aigf' | 'mitre-atlas' | 'corpus';
    document: string;
    file?: string;
    key?: string;
    locator?: { page?: number; ref?: string };
  };
  language: Lang;
  name: string;
  text: string;
  licence: string;
  attribution: string;
}
type Draft = Omit<Item, 'id'>;

const args = process.argv.slice(2);
const opt = (k: string, d: string) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1]! : d; };
const SHARED = resolve(opt('--shared', '../shared'));
const OUT = resolve(opt('--out', 'annotations'));
const SEED = 20261205;

// ---------- helpers ----------
function rng(seed: number) {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}
function shuffle<T>(xs: readonly T[], seed: number): T[] {
  const r = rng(seed); const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [a[i], a[j]] = [a[j]!, a[i]!]; }
  return a;
}
function parseCsv(src: string, file: string): Record<string, string>[] {
  const rows: string[][] = []; let row: string[] = []; let f = ''; let q = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (q) { if (c === '"') { if (src[i + 1] === '"') { f += '"'; i++; } else q = false; } else f += c; continue; }
    if (c === '"') q = true; else if (c === ',') { row.push(f); f = ''; }
    else if (c === '\n' || c === '\r') { if (c === '\r' && src[i + 1] === '\n') i++; row.push(f); f = ''; rows.push(row); row = []; }
    else f += c;
  }
  if (q) throw new Error(`${file}: unterminated quoted field`);
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  const head = rows.shift(); if (!head) throw new Error(`${file}: empty CSV`);
  return rows.filter((r) => r.some((x) => x !== '')).map((r, n) => {
    if (r.length !== head.length) throw new Error(`${file}: row ${n + 2} has ${r.length} fields, header has ${head.length}`);
    return Object.fromEntries(head.map((h, i) => [h, r[i]!]));
  });
}
const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
const clean = (s: string) => s.replace(/\s+/g, ' ').trim();
const need = (row: Record<string, string>, k: string, file: string) => {
  const v = row[k]; if (v === undefined) throw new Error(`${file}: missing column ${k}`); return v;
};

// ---------- licences ----------
const LIC = {
  mit: { licence: 'CC BY 4.0', attribution: 'MIT AI Risk Initiative, AI Risk Mitigation Database (Saeri, Lloyd George, Graham, LaCarriere, Slattery, Thompson, 2025), CC BY 4.0; machine-readable copy from AI Atlas Nexus, Copyright IBM, Apache License 2.0' },
  mitNist: { licence: 'Public domain (US government work)', attribution: 'NIST AI 600-1, Artificial Intelligence Risk Management Framework: Generative Artificial Intelligence Profile (July 2024), via the MIT AI Risk Mitigation Database and AI Atlas Nexus (Copyright IBM, Apache License 2.0)' },
  nist: { licence: 'Public domain (US government work)', attribution: 'NIST AI 600-1, Artificial Intelligence Risk Management Framework: Generative Artificial Intelligence Profile (July 2024); machine-readable copy from AI Atlas Nexus, Copyright IBM, Apache License 2.0' },
  finos: { licence: 'CC BY 4.0', attribution: 'AI Governance Framework, © 2025 FINOS (Fintech Open Source Foundation), https://air-governance-framework.finos.org/, CC BY 4.0; changes: the Purpose section was taken and its Markdown converted to plain text' },
  atlas: { licence: 'Apache-2.0', attribution: 'MITRE ATLAS, https://atlas.mitre.org/, Copyright 2021-2025 MITRE, Apache License 2.0' },
};
interface CorpusDoc { file: string; title: string; lang: Lang; licence: string; attribution: string }
const DOCS: Record<string, CorpusDoc> = {
  eu: { file: 'eu-ai-act_reg-2024-1689_eurlex_en.html', title: 'Regulation (EU) 2024/1689 (Artificial Intelligence Act)', lang: 'en', licence: 'EU legal text; reuse with acknowledgement (Commission Decision 2011/833/EU)', attribution: 'Regulation (EU) 2024/1689 of the European Parliament and of the Council (Artificial Intelligence Act), OJ L, 12.7.2024, © European Union, EUR-Lex' },
  nist: { file: 'nist-ai-100-1_ai-rmf-1.0_2023_en.pdf', title: 'Artificial Intelligence Risk Management Framework (AI RMF 1.0), NIST AI 100-1', lang: 'en', licence: 'Public domain (US government work, 17 U.S.C. §105)', attribution: 'NIST AI 100-1, Artificial Intelligence Risk Management Framework (AI RMF 1.0), 2023' },
  co: { file: 'us-co_sb24-205_ai-act_signed-scan_2024_en.pdf', title: 'Colorado SB 24-205, Concerning Consumer Protections in Interactions with Artificial Intelligence Systems', lang: 'en', licence: 'Enacted state legislation, not copyrightable (government-edicts doctrine)', attribution: 'Colorado General Assembly, SB 24-205 (signed act, 2024); text from the OCR layer of the signed scan' },
  jp: { file: 'jp_ai-guidelines-for-business-v1.0_2024_en.pdf', title: 'AI Guidelines for Business Ver1.0 (provisional English translation)', lang: 'en', licence: 'Government of Japan Standard Terms of Use 2.0 (CC BY 4.0-compatible)', attribution: 'Ministry of Internal Affairs and Communications and Ministry of Economy, Trade and Industry (Japan), AI Guidelines for Business Ver1.0, 2024, provisional translation' },
  au: { file: 'au_national-ai-plan_2025_en.pdf', title: 'National AI Plan (Australia)', lang: 'en', licence: 'CC BY 4.0 (stated in the document)', attribution: 'Australian Government, Department of Industry, Science and Resources, National AI Plan (2025), CC BY 4.0' },
  uk: { file: 'uk_ai-regulation-pro-innovation-white-paper_2023_en.html', title: 'A pro-innovation approach to AI regulation (UK white paper, CP 815)', lang: 'en', licence: 'Open Government Licence v3.0', attribution: 'UK Department for Science, Innovation and Technology, A pro-innovation approach to AI regulation (2023), Open Government Licence v3.0' },
  cac: { file: 'cac_genai-interim-measures_2023_zh.htm', title: '生成式人工智能服务管理暂行办法 (Interim Measures for the Management of Generative AI Services)', lang: 'zh', licence: 'PRC departmental rule, not protected by copyright (PRC Copyright Law Art. 5)', attribution: '国家互联网信息办公室等七部门，《生成式人工智能服务管理暂行办法》(2023), cac.gov.cn' },
  tcfw: { file: 'tc260_ai-safety-governance-framework-v1.0_2024_zh.pdf', title: '人工智能安全治理框架（V1.0） (AI Safety Governance Framework)', lang: 'zh', licence: 'Official document; PRC Copyright Law Art. 5 (probable), short excerpts for annotation', attribution: '全国网络安全标准化技术委员会 (TC260)，《人工智能安全治理框架》1.0版 (2024)' },
  tc003: { file: 'tc260-003_genai-service-basic-security-requirements_2024_zh.pdf', title: 'TC260-003 生成式人工智能服务安全基本要求 (Basic security requirements for generative AI service)', lang: 'zh', licence: 'Official document; PRC Copyright Law Art. 5 (probable), short excerpts for annotation', attribution: '全国网络安全标准化技术委员会 (TC260)，TC260-003《生成式人工智能服务安全基本要求》(2024)' },
};

// ---------- datasets ----------
function mitItems(): Draft[] {
  const file = join(SHARED, 'data/mit-airi-mitigations-v1/mit_mitigations_v1_labelled.csv');
  const rows = parseCsv(readFileSync(file, 'utf8'), file);
  // Stratify by document x published v1 subcategory (used only to spread the sample; never copied).
  const strata = new Map<string, Record<string, string>[]>();
  for (const r of rows) {
    const k = need(r, 'source_doc_name', file) + '\u0000' + need(r, 'mit_v1_subcategory', file);
    (strata.get(k) ?? strata.set(k, []).get(k)!).push(r);
  }
  const target = 400; const frac = target / rows.length;
  const picked: Record<string, string>[] = [];
  let s = 0;
  for (const k of [...strata.keys()].sort()) {
    const xs = shuffle(strata.get(k)!, SEED + ++s);
    picked.push(...xs.slice(0, Math.max(1, Math.round(xs.length * frac))));
  }
  // Top-up for the Ecosystem branch and its borderlines: every unsampled row that mentions governments,
  // regulators, legislation, licensing, liability, international bodies, cross-industry information
  // sharing, shared benchmarks, research access or public funding (a text cue, not a label).
  const inSample = new Set(picked);
  const hint = /treat|international (agreement|cooperation|coordination|body|institution|standard)|summit|governments?\b|regulator|legislat|licens|liabilit|industry-wide|across (the )?industry|information[- ]sharing|consortium|shared benchmark|standard[- ]setting|standards bod|public (compute|funding)|research (grant|funding)|academic access|researcher access|state[- ]level|national security/i;
  for (const r of rows) if (!inSample.has(r) && hint.test(`${r.name} ${r.description}`)) picked.push(r);
  return picked.map((r) => {
    const doc = need(r, 'source_doc_name', file);
    const isNist = doc.startsWith('NIST AI 600-1');
    return {
      source: { dataset: 'mit-airi-mitigations', document: doc.replace(/^"|"$/g, ''), key: need(r, 'mitigation_id', file) },
      language: 'en', name: clean(need(r, 'name', file)), text: clean(need(r, 'description', file)),
      ...(isNist ? LIC.mitNist : LIC.mit),
    } satisfies Draft;
  });
}

function nistItems(exclude: Set<string>): Draft[] {
  const file = join(SHARED, 'data/ibm-ai-atlas-nexus/nist_ai_600_1_actions.csv');
  const rows = parseCsv(readFileSync(file, 'utf8'), file).filter((r) => !exclude.has(norm(need(r, 'description', file))));
  const out: Draft[] = [];
  let s = 100;
  for (const fn of ['GOVERN', 'MAP', 'MEASURE', 'MANAGE']) {
    const xs = shuffle(rows.filter((r) => need(r, 'nist_function', file) === fn), SEED + ++s);
    for (const r of xs.slice(0, 35)) out.push({
      source: { dataset: 'nist-ai-600-1', document: 'NIST AI 600-1 (Generative AI Profile)', key: need(r, 'action_id', file), locator: { ref: need(r, 'nist_subcategory', file) } },
      language: 'en', name: '', text: clean(need(r, 'description', file)), ...LIC.nist,
    });
  }
  return out;
}

export function markdownToText(md: string): string {
  return md
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/^#+\s*/gm, '')
    .replace(/^\s*---+\s*$/gm, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, '$1').replace(/__([^_]+)__/g, '$1')
    .replace(/(^|[^*])\*([^*\n]+)\*/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/^\s*[*+-]\s+/gm, '')
    .replace(/^\s*>\s?/gm, '')
    .replace(/\s+/g, ' ').trim();
}
function finosItems(): Draft[] {
  const file = join(SHARED, 'data/finos-aigf/finos_aigf_risks_mitigations.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as { mitigations: { id: string; title: string; body_markdown: string }[] };
  return data.mitigations.map((m) => {
    // The summary of a FINOS mitigation is its first section ("Purpose"), up to the next "## " heading.
    const body = m.body_markdown;
    const start = body.search(/^## (Purpose|Summary)\s*$/m);
    if (start < 0) throw new Error(`${file}: mitigation ${m.id} has no Purpose/Summary section`);
    const rest = body.slice(start).replace(/^## .*\n/, '');
    const end = rest.search(/^## /m);
    return {
      source: { dataset: 'finos-aigf', document: 'FINOS AI Governance Framework', key: m.id, locator: { ref: 'Purpose' } },
      language: 'en', name: m.title, text: markdownToText(end < 0 ? rest : rest.slice(0, end)), ...LIC.finos,
    } satisfies Draft;
  });
}

function atlasItems(): Draft[] {
  const file = join(SHARED, 'data/mitre-atlas/atlas_mitigations.csv');
  return parseCsv(readFileSync(file, 'utf8'), file).map((r) => ({
    source: { dataset: 'mitre-atlas', document: 'MITRE ATLAS mitigations', key: need(r, 'mitigation_id', file) },
    language: 'en', name: clean(need(r, 'name', file)), text: clean(need(r, 'description', file)), ...LIC.atlas,
  }));
}

// ---------- corpus ----------
interface B { kind: string; page?: number; text: string }
async function blocksOf(d: CorpusDoc): Promise<B[]> {
  const ex = await extract(await loadSource(join(SHARED, 'corpus', d.file)));
  return ex.blocks.map((b) => ({ kind: b.kind, page: (b as { page?: number }).page, text: b.text }));
}
function corpusItem(d: CorpusDoc, name: string, text: string, ref: string, page?: number): Draft {
  return {
    source: { dataset: 'corpus', document: d.title, file: d.file, locator: { ...(page ? { page } : {}), ref } },
    language: d.lang, name, text: text.trim(), licence: d.licence, attribution: d.attribution,
  };
}
const indexOfText = (bs: B[], re: RegExp, from = 0, what = String(re)) => {
  for (let i = from; i < bs.length; i++) if (re.test(bs[i]!.text)) return i;
  throw new Error(`corpus: block ${what} not found`);
};

// EU AI Act: chosen articles and paragraphs (obligations, prohibitions, standards, codes of practice,
// sandboxes, the AI Office and Board, registration, incident reporting, penalties).
const EU_PICKS: Record<number, (number | string)[]> = {
  4: [0], 5: ['1a', '1c', '1f'], 9: [1, 2, 6, 8], 10: [2, 3, 5], 12: [1], 13: [1, 2], 14: [1, 4], 15: [1, 5], 17: [1],
  26: [1, 2, 5, 6, 7], 27: [1], 40: [1, 2], 41: [1], 49: [1], 50: [1, 2, 4, 7], 53: ['1a', '1b'], 55: ['1a', '1b', '1c', '1d'],
  56: [1, 5], 57: [1, 5], 62: ['1a', '1b', '1d'], 64: [1], 65: [1], 67: [1], 68: [1], 70: [1, 3], 71: [1], 72: [1], 73: [1, 6],
  85: [0], 86: [1], 87: [0], 90: ['1a'], 92: ['1b'], 93: ['1c'], 95: [1], 99: [1, 3], 101: [1], 112: [1],
};
function euItems(d: CorpusDoc, bs: B[]): Draft[] {
  const out: Draft[] = [];
  const artAt = new Map<number, number>();
  bs.forEach((b, i) => { const m = /^Article (\d+)$/.exec(b.text.trim()); if (m && !artAt.has(+m[1]!)) artAt.set(+m[1]!, i); });
  for (const [a, picks] of Object.entries(EU_PICKS)) {
    const at = artAt.get(+a); if (at === undefined) throw new Error(`EU AI Act: Article ${a} not found`);
    const title = bs[at + 1]!.text.trim();
    const end = artAt.get(+a + 1) ?? bs.length;
    const body = bs.slice(at + 2, end);
    for (const p of picks) {
      if (p === 0) { out.push(corpusItem(d, title, body[0]!.text, `Article ${a}`)); continue; }
      const para = typeof p === 'number' ? p : parseInt(p, 10);
      const pi = body.findIndex((b) => b.text.startsWith(`${para}. `));
      if (pi < 0) throw new Error(`EU AI Act: Article ${a}(${para}) not found`);
      if (typeof p === 'number') { out.push(corpusItem(d, title, body[pi]!.text, `Article ${a}(${para})`)); continue; }
      const letter = p.slice(String(para).length);
      const pt = body.slice(pi + 1).find((b) => b.text.startsWith(`(${letter}) | `));
      if (!pt) throw new Error(`EU AI Act: Article ${a}(${para})(${letter}) not found`);
      out.push(corpusItem(d, title, `${body[pi]!.text} ${pt.text.replace(/^\((\w+)\) \| /, '($1) ')}`, `Article ${a}(${para})(${letter})`));
    }
  }
  return out;
}

function nistRmfFound(bs: B[]) {
  const found = new Map<string, { text: string; page?: number }>();
  for (const b of bs) {
    if (b.kind !== 'table-row') continue;
    for (const cell of b.text.split(' | ')) {
      const m = /^(GOVERN|MAP|MEASURE|MANAGE) (\d+\.\d+): (.+)$/.exec(cell.trim());
      if (m && !found.has(`${m[1]} ${m[2]}`)) found.set(`${m[1]} ${m[2]}`, { text: m[3]!, page: b.page });
    }
  }
  return found;
}
function nistRmfItems(d: CorpusDoc, bs: B[]): Draft[] {
  const found = nistRmfFound(bs);
  const out: Draft[] = []; let s = 300;
  for (const fn of ['GOVERN', 'MAP', 'MEASURE', 'MANAGE']) {
    const keys = shuffle([...found.keys()].filter((k) => k.startsWith(fn + ' ')).sort(), SEED + ++s).slice(0, 4);
    for (const k of keys.sort()) out.push(corpusItem(d, '', found.get(k)!.text, k, found.get(k)!.page));
  }
  return out;
}

function coCands(bs: B[]) {
  const cands: { text: string; ref: string; page?: number }[] = [];
  let sec = '';
  for (const b of bs) {
    const m = /6-1-17(0\d)\./.exec(b.text); if (m) sec = `6-1-17${m[1]}`;
    if (!['6-1-1702', '6-1-1703', '6-1-1704', '6-1-1705', '6-1-1706'].includes(sec)) continue;
    if (/\bSHALL\b/.test(b.text) && b.text.length > 120 && !/\bMEANS\b/.test(b.text)) cands.push({ text: b.text, ref: `C.R.S. ${sec}`, page: b.page });
  }
  return cands;
}
function coItems(d: CorpusDoc, bs: B[]): Draft[] {
  return shuffle(coCands(bs), SEED + 401).slice(0, 9).map((c) => corpusItem(d, '', c.text, c.ref, c.page));
}

function jpCands(bs: B[]) {
  const cands: { text: string; ref: string; page?: number }[] = [];
  for (const b of bs) {
    const m = /^([IVX]+)\)\s*\|?\s*(.{60,})$/.exec(b.text.trim());
    if (m && !/\| *$/.test(m[2]!)) cands.push({ text: m[2]!.replace(/ \| /g, ' '), ref: `Part 2 D, principle ${m[1]}`, page: b.page });
  }
  const should = bs.filter((b) => b.kind === 'item' && /\bshould\b/.test(b.text) && b.text.length > 80 && b.text.length < 700);
  for (const b of should) cands.push({ text: b.text, ref: 'Part 2', page: b.page });
  // The reader sometimes runs the next principle's heading ("IV. Work towards …") into a bullet: cut it off.
  for (const c of cands) c.text = c.text.replace(/\s+[IVX]+\. [A-Z].*$/, '').trim();
  const seen = new Set<string>();
  return cands.filter((c) => !/^(Describes|Consists)\b/.test(c.text)).filter((c) => !seen.has(c.text) && seen.add(c.text));
}
function jpItems(d: CorpusDoc, bs: B[]): Draft[] {
  return shuffle(jpCands(bs), SEED + 501).slice(0, 10).map((c) => corpusItem(d, '', c.text, c.ref, c.page));
}

function auCands(bs: B[]) {
  let action = '';
  const cands: { text: string; ref: string; page?: number }[] = [];
  for (const b of bs) {
    const m = /^Action (\d): (.+)$/.exec(b.text.trim()); if (m && b.kind.startsWith('heading')) action = `Action ${m[1]}: ${m[2]}`;
    if (action && /\b(The government will|Government will|We will)\b/.test(b.text) && b.text.length > 80) cands.push({ text: b.text, ref: action, page: b.page });
  }
  return cands;
}
function auItems(d: CorpusDoc, bs: B[]): Draft[] {
  const cands = auCands(bs);
  // Chosen by reading: the plan's international, research-funding and public-data actions.
  const chosen = ['Our goal of keeping Australians safe', 'Our ambition is to align international frameworks', 'We have also agreed to develop and launch a bilateral',
    'Australia is also playing a pivotal role', 'Through multilateral and bilateral engagement', 'The Department of Foreign Affairs and Trade, with the Department',
    'The government is exploring opportunities to unlock high value datasets', 'The government is backing this ambition with more than'];
  const extra = chosen.map((pre) => {
    const i = bs.findIndex((b) => b.text.startsWith(pre)); if (i < 0) throw new Error(`National AI Plan: paragraph "${pre}…" not found`);
    let act = ''; for (let j = i; j >= 0 && !act; j--) { const m = /^Action (\d): (.+)$/.exec(bs[j]!.text.trim()); if (m && bs[j]!.kind.startsWith('heading')) act = `Action ${m[1]}: ${m[2]}`; }
    return { text: bs[i]!.text, ref: act, page: bs[i]!.page };
  });
  return [...shuffle(cands, SEED + 601).slice(0, 12), ...extra].map((c) => corpusItem(d, '', c.text, c.ref, c.page));
}

function ukCands(bs: B[]) {
  return bs.filter((b) => /^\d+\. /.test(b.text) && /\b(we will|government will|regulators will|we intend to|we expect regulators)\b/i.test(b.text) && b.text.length < 1200)
    .map((b) => ({ text: b.text.replace(/\[footnote \d+\]/g, ''), ref: `paragraph ${/^(\d+)\./.exec(b.text)![1]}` }));
}
function ukItems(d: CorpusDoc, bs: B[]): Draft[] {
  const cands = ukCands(bs);
  // Chosen by reading: international engagement, standards and the central functions.
  const chosen = [17, 72, 112, 117, 118, 119, 120, 121].map((n) => {
    const b = bs.find((x) => x.text.startsWith(`${n}. `)); if (!b) throw new Error(`UK white paper: paragraph ${n} not found`);
    return { text: b.text.replace(/\[footnote \d+\]/g, ''), ref: `paragraph ${n}` };
  });
  return [...shuffle(cands, SEED + 701).slice(0, 14), ...chosen].map((c) => corpusItem(d, '', c.text, c.ref));
}

const CN_NUM: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
function cacItems(d: CorpusDoc, bs: B[]): Draft[] {
  const out: Draft[] = [];
  const from = indexOfText(bs, /^第三条/); const to = indexOfText(bs, /^第五章/, from);
  let art = ''; let para = 0;
  const take = (b: B) => {
    const t = b.text.trim();
    const m = /^第(.+?)条/.exec(t); if (m) { art = `第${m[1]}条`; para = 1; } else if (!/^（/.test(t)) para++;
    if (/^第.+章/.test(t) || /^第二十二条/.test(t) || art === '第二十二条') return;
    const sub = /^（(.+?)）/.exec(t);
    const ref = sub ? `${art}（${sub[1]}）` : para > 1 ? `${art}第${para}款` : art;
    out.push(corpusItem(d, '', t, ref));
  };
  for (let i = from; i < to; i++) take(bs[i]!);
  const a23 = indexOfText(bs, /^第二十三条/, to); take(bs[a23]!);
  void CN_NUM;
  return out;
}

function tcfwItems(d: CorpusDoc, bs: B[]): Draft[] {
  const s4 = indexOfText(bs, /^4\. 技术应对措施$/); const s5 = indexOfText(bs, /^5\. 综合治理措施$/, s4);
  const s6 = indexOfText(bs, /^6\. 人工智能安全开发应用指引$/, s5); const s7 = indexOfText(bs, /^安全风险与技术应对措施、综合治理措施映射表/, s6);
  const out: Draft[] = [];
  // Sections 4 and 6: lettered measures (（a）…) whose lines continue in the following paragraph blocks.
  for (const [lo, hi, sec] of [[s4, s5, '4'], [s6, s7, '6']] as const) {
    let title = ''; let cur: { text: string; page?: number; ref: string } | null = null;
    const flush = () => { if (cur) out.push(corpusItem(d, title, cur.text, cur.ref, cur.page)); cur = null; };
    for (let i = lo + 1; i < hi; i++) {
      const b = bs[i]!; const t = b.text.trim();
      if (b.kind === 'item' || b.kind.startsWith('heading')) { flush(); title = t; continue; }
      const m = /^（([a-z])）\s*/.exec(t);
      if (m) { flush(); cur = { text: t.replace(/^（([a-z])）\s*/, '（$1）'), page: b.page, ref: `${sec}. ${title}（${m[1]}）` }; continue; }
      if (cur) cur.text += t;
    }
    flush();
  }
  // Section 5: each numbered governance measure is one paragraph of several sentences; its first
  // sentence is a title, and every further sentence states one measure.
  let group: { title: string; text: string; page?: number } | null = null;
  const flush5 = () => {
    if (!group) return;
    const sents = group.text.split(/(?<=。)/).map((x) => x.trim()).filter(Boolean);
    const title = sents[0]!.replace(/。$/, '');
    sents.slice(1).forEach((s, k) => { if (s.length >= 12) out.push(corpusItem(d, title, s, `5. ${title}，第${k + 2}句`, group!.page)); });
    group = null;
  };
  for (let i = s5 + 1; i < s6; i++) {
    const b = bs[i]!; const t = b.text.trim();
    if (b.kind === 'item') { flush5(); group = { title: '', text: t, page: b.page }; continue; }
    if (group) group.text += t;
  }
  flush5();
  return out;
}

function tc003All(d: CorpusDoc, bs: B[]): Draft[] {
  const from = indexOfText(bs, /^5 语料安全要求$/); const to = indexOfText(bs, /^附录 A$/, from);
  const all: Draft[] = [];
  let major = '5'; let minor = 0; let letter = ''; let section = ''; let inNote = false;
  for (let i = from; i < to; i++) {
    const b = bs[i]!; let t = b.text.trim();
    // Notes (注：…) are explanations, not requirements; their lines may run on into the next blocks.
    if (/^注\d?：/.test(t)) { inNote = true; continue; }
    if (inNote && !(b.kind === 'item' || /^(?:[a-z]|\d{1,2})）/.test(t) || /^\d /.test(t) || /要求如下/.test(t))) continue;
    inNote = false;
    const h = /^(\d) (\S+?要求)/.exec(t);
    if (h) { major = h[1]!; minor = 0; section = h[2]!; letter = ''; t = t.slice(h[0].length); }
    if (b.kind === 'item') { minor++; section = t; letter = ''; continue; }
    if (t.length < 8) continue;
    t = t.replace(/^[^。]{0,30}要求如下。\s*/, '');
    // A clause marker starts a new requirement only after a clause end (；。：), not inside a cross-reference.
    for (const seg of t.split(/(?<=[；。：;:])\s+(?=(?:[a-z]|\d{1,2})）)/)) {
      const s = seg.trim(); if (!s) continue;
      const lm = /^([a-z])）/.exec(s); if (lm) letter = lm[1]!;
      if (/[：:]$/.test(s) || s.length < 12 || /整体评估结论为/.test(s)) continue;
      const nm = /^(\d{1,2})）/.exec(s);
      const sec = minor ? `${major}.${minor}` : major;
      all.push(corpusItem(d, section, s, `${sec} ${letter ? letter + '）' : ''}${nm ? nm[1] + '）' : ''}`.trim(), b.page));
    }
  }
  return all;
}
function tc003Items(d: CorpusDoc, bs: B[]): Draft[] {
  const all = tc003All(d, bs);
  // Keep the Chinese share near the plan (~170 of ~880): a seeded sample of 50 clauses, kept in document order.
  const keep = new Set(shuffle(all.map((_, i) => i), SEED + 801).slice(0, 50));
  return all.filter((_, i) => keep.has(i));
}

// ---------- gap top-up (batch "extra") ----------
// Statements chosen by reading, to give the thin level-3 nodes of mitigation taxonomy v2 more
// candidates: capability removal, model design, design rules, agreements between states, shared
// benchmarks and research resources. The choice was made from the name and text only (never from a
// source's published label); where an item finally lands is decided by the annotators.
// These items always go to the batch "extra", also in a --fresh build.
const GAP_MIT = [
  'A1042_Uuk2024', 'A0951_Gipiskis2024', 'A0929_UK_Government2023', // removing or narrowing capabilities
  'A0947_Gipiskis2024', 'A0994_Gipiskis2024', // design of the model or system
  'A0026_Bengio2025', 'A0004_Bengio2025', // design principles
  'A0002_Bengio2025', 'A1003_Gipiskis2024', 'A1005_Gipiskis2024', 'A1006_Gipiskis2024', 'A0955_Gipiskis2024', // benchmarks
  'A0154_Future_of_Life_Institute2024', 'A0155_Future_of_Life_Institute2024', 'A0887_UK_Government2023', // resources for outside research
];
function gapMitItems(): Draft[] {
  const file = join(SHARED, 'data/mit-airi-mitigations-v1/mit_mitigations_v1_labelled.csv');
  const rows = parseCsv(readFileSync(file, 'utf8'), file);
  return GAP_MIT.map((key) => {
    const r = rows.find((x) => need(x, 'mitigation_id', file) === key);
    if (!r) throw new Error(`${file}: mitigation ${key} not found`);
    const doc = need(r, 'source_doc_name', file);
    return {
      source: { dataset: 'mit-airi-mitigations', document: doc.replace(/^"|"$/g, ''), key },
      language: 'en', name: clean(need(r, 'name', file)), text: clean(need(r, 'description', file)),
      ...(doc.startsWith('NIST AI 600-1') ? LIC.mitNist : LIC.mit),
    } satisfies Draft;
  });
}

/** The first block whose text starts with `prefix` (after `from`), or a clear error. */
function blockStarting(bs: B[], prefix: string, doc: string, from = 0): number {
  for (let i = from; i < bs.length; i++) if (bs[i]!.text.trim().startsWith(prefix)) return i;
  throw new Error(`${doc}: block starting "${prefix}" not found`);
}
const euPoint = (t: string) => t.trim().replace(/^\((\w+)\) \| /, '($1) ');

function gapEuItems(d: CorpusDoc, bs: B[]): Draft[] {
  const at = (p: string, from = 0) => blockStarting(bs, p, 'EU AI Act', from);
  const body = at('HAVE ADOPTED THIS REGULATION');
  const art = (n: number) => { const i = bs.findIndex((b, k) => k > body && b.text.trim() === `Article ${n}`); if (i < 0) throw new Error(`EU AI Act: Article ${n} not found`); return i; };
  const title = (n: number) => bs[art(n) + 1]!.text.trim();
  const text = (i: number) => bs[i]!.text.trim();
  const out: Draft[] = [];
  // Recitals: one statement each, given as "(n) …".
  for (const n of [68, 80, 127, 142, 152]) out.push(corpusItem(d, '', euPoint(text(at(`(${n}) | `))), `Recital ${n}`));
  // Whole paragraphs of articles.
  const para = (a: number, p: number, sub = 0) => {
    const i = at(`${p}. `, art(a)); return text(i + sub);
  };
  out.push(corpusItem(d, title(15), para(15, 2), 'Article 15(2)'));
  // Article 15(4), third subparagraph (systems that keep learning: feedback loops).
  const a154 = at('High-risk AI systems that continue to learn', art(15));
  out.push(corpusItem(d, title(15), text(a154), 'Article 15(4), third subparagraph'));
  out.push(corpusItem(d, title(39), text(art(39) + 2), 'Article 39'));
  out.push(corpusItem(d, title(78), para(78, 5), 'Article 78(5)'));
  out.push(corpusItem(d, title(84), para(84, 1), 'Article 84(1)'));
  // Points with their lead-in, as the other EU items.
  const lead58 = at('2. The implementing acts referred to in paragraph 1 shall ensure:', art(58));
  out.push(corpusItem(d, title(58), `${text(lead58)} ${euPoint(text(at('(i) | ', lead58)))}`, 'Article 58(2)(i)'));
  const lead66 = art(66) + 2;
  out.push(corpusItem(d, title(66), `${text(lead66)} ${euPoint(text(at('(g) | ', lead66)))}`, 'Article 66(g)'));
  // Article 68(3)(a) lists five tasks in one point; the item keeps the lead-ins and task (ii) only.
  const lead68 = at('3. The scientific panel shall advise and support the AI Office', art(68));
  const p68 = euPoint(text(at('(a) | ', lead68)));
  const m68 = /^(\(a\) .*? in particular by:) .*?(\(ii\) [^;]*;)/.exec(p68);
  if (!m68) throw new Error('EU AI Act: Article 68(3)(a)(ii) not found');
  out.push(corpusItem(d, title(68), `${text(lead68)} ${m68[1]} ${m68[2]}`, 'Article 68(3)(a)(ii)'));
  return out;
}

function gapUkItems(d: CorpusDoc, bs: B[]): Draft[] {
  const get = (p: string) => bs[blockStarting(bs, p, 'UK white paper')]!.text.replace(/\[footnote \d+\]/g, '').trim();
  return [
    corpusItem(d, '', get('Supporting testbeds and sandbox initiatives'), 'paragraph 14'),
    corpusItem(d, '', get('106. '), 'paragraph 106'),
    corpusItem(d, '', get('107. '), 'paragraph 107'),
    corpusItem(d, '', get('At the 2022 GPAI Ministerial Summit in Japan'), 'Box 6.1'),
    corpusItem(d, '', get('Council of Europe Committee on AI (CAI)'), 'Box 6.1'),
  ];
}

function gapAuItems(d: CorpusDoc, bs: B[]): Draft[] {
  return ['Mapping compute:', 'over $362 million in targeted grants', 'Advancing the science of AI safety:'].map((pre) => {
    const i = blockStarting(bs, pre, 'National AI Plan');
    let act = ''; for (let j = i; j >= 0 && !act; j--) { const m = /^Action (\d): (.+)$/.exec(bs[j]!.text.trim()); if (m && bs[j]!.kind.startsWith('heading')) act = `Action ${m[1]}: ${m[2]}`; }
    return corpusItem(d, '', bs[i]!.text.trim(), act, bs[i]!.page);
  });
}

function gapJpItems(d: CorpusDoc, bs: B[]): Draft[] {
  const part3 = blockStarting(bs, 'Part 3 Matters Related to AI Developers', 'AI Guidelines for Business');
  const part4 = blockStarting(bs, 'Part 4 Matters Related to AI Providers', 'AI Guidelines for Business', part3);
  const pick = (pre: string, from: number, ref: string) => {
    const i = blockStarting(bs, pre, 'AI Guidelines for Business', from); return corpusItem(d, '', bs[i]!.text.trim(), ref, bs[i]!.page);
  };
  return [
    pick('Do not develop, provide, or use AI systems and services with purpose of manipulating', 0, 'Part 2 C, 1) Human-centric'),
    pick('Adopt universal design, ensure accessibility', 0, 'Part 2 C, 1) Human-centric'),
    pick('When giving a post-training to a pre-trained AI model', part3, 'Part 3, D-2) iii'),
    pick('Throughout the development of an AI system, take security measures', part3, 'Part 3, D-5) i'),
    pick('Throughout the implementation of an AI system, take privacy protection measures', part4, 'Part 4, P-4) i'),
    pick('Throughout the provision of an AI system or AI service, take security measures', part4, 'Part 4, P-5) i'),
  ];
}

function gapNistRmfItems(d: CorpusDoc, bs: B[]): Draft[] {
  const pick = (pre: string, ref: string) => { const i = blockStarting(bs, pre, 'NIST AI RMF'); return corpusItem(d, '', bs[i]!.text.trim(), ref, bs[i]!.page); };
  return [
    pick('Employing safety considerations during the lifecycle', 'Part 1, 3.2 Safe'),
    pick('Privacy values such as anonymity, confidentiality, and control', 'Part 1, 3.6 Privacy-Enhanced'),
  ];
}

function gapTc003Items(d: CorpusDoc, bs: B[]): Draft[] {
  // Clause 7 g) 2) (questions the service must refuse), cut verbatim from its paragraph.
  const i = blockStarting(bs, '1）应评估系统所采用芯片', 'TC260-003');
  const m = /2）对明显偏激[^；]*；[^。]*?(?=\s*3）)/.exec(bs[i]!.text);
  if (!m) throw new Error('TC260-003: clause 7 g) 2) not found');
  return [corpusItem(d, '安全措施要求', m[0].trim(), '7 g）2）', bs[i]!.page)];
}

async function gapItems(): Promise<Draft[]> {
  const out = gapMitItems();
  const run: [keyof typeof DOCS, (d: CorpusDoc, b: B[]) => Draft[]][] = [
    ['eu', gapEuItems], ['uk', gapUkItems], ['au', gapAuItems], ['jp', gapJpItems], ['nist', gapNistRmfItems], ['tc003', gapTc003Items],
  ];
  for (const [k, fn] of run) out.push(...fn(DOCS[k]!, await blocksOf(DOCS[k]!)));
  return out;
}

// ---------- round 2 (batches b5 and b6) ----------
// A second seeded draw from what the first one left out (issue #12: more annotated examples). It
// never changes an item, id or batch of the first draw: every text drawn in round 1 (including the
// gap top-up) is excluded, and round-2 items take the ids after all of them. As in round 1, a
// source's published labels only spread a stratified sample and are never copied into an item.
const SEED2 = SEED + 5000;
const R2 = { mit: 230, nistPerFn: 15, eu: 80, rmfPerFn: 4, co: 10, jp: 30, au: 15, uk: 15 };

/** A seeded sample of `n` candidates whose text is not already taken, kept in document order. */
function sampleRest<T extends { text: string }>(cands: readonly T[], taken: Set<string>, n: number, seed: number): T[] {
  const seen = new Set<string>();
  const rest = cands.filter((c) => { const k = norm(c.text); if (taken.has(k) || seen.has(k)) return false; seen.add(k); return true; });
  const keep = new Set(shuffle(rest.map((_, i) => i), seed).slice(0, n));
  return rest.filter((_, i) => keep.has(i));
}

function mitRound2(taken: Set<string>): Draft[] {
  const file = join(SHARED, 'data/mit-airi-mitigations-v1/mit_mitigations_v1_labelled.csv');
  const rows = parseCsv(readFileSync(file, 'utf8'), file).filter((r) => !taken.has(norm(clean(need(r, 'description', file)))));
  // Stratified like round 1 (document x published v1 subcategory, only to spread the sample).
  const strata = new Map<string, Record<string, string>[]>();
  for (const r of rows) {
    const k = need(r, 'source_doc_name', file) + '\u0000' + need(r, 'mit_v1_subcategory', file);
    (strata.get(k) ?? strata.set(k, []).get(k)!).push(r);
  }
  const frac = R2.mit / Math.max(1, rows.length);
  const picked = new Set<Record<string, string>>(); let s = 0;
  for (const k of [...strata.keys()].sort()) {
    const xs = shuffle(strata.get(k)!, SEED2 + ++s);
    for (const r of xs.slice(0, Math.round(xs.length * frac))) picked.add(r);
  }
  return rows.filter((r) => picked.has(r)).map((r) => {
    const doc = need(r, 'source_doc_name', file);
    return {
      source: { dataset: 'mit-airi-mitigations', document: doc.replace(/^"|"$/g, ''), key: need(r, 'mitigation_id', file) },
      language: 'en', name: clean(need(r, 'name', file)), text: clean(need(r, 'description', file)),
      ...(doc.startsWith('NIST AI 600-1') ? LIC.mitNist : LIC.mit),
    } satisfies Draft;
  });
}

function nistRound2(taken: Set<string>): Draft[] {
  const file = join(SHARED, 'data/ibm-ai-atlas-nexus/nist_ai_600_1_actions.csv');
  const rows = parseCsv(readFileSync(file, 'utf8'), file);
  const out: Draft[] = []; let s = 100;
  for (const fn of ['GOVERN', 'MAP', 'MEASURE', 'MANAGE']) {
    const xs = rows.filter((r) => need(r, 'nist_function', file) === fn).map((r) => ({ r, text: clean(need(r, 'description', file)) }));
    for (const { r, text } of sampleRest(xs, taken, R2.nistPerFn, SEED2 + ++s)) out.push({
      source: { dataset: 'nist-ai-600-1', document: 'NIST AI 600-1 (Generative AI Profile)', key: need(r, 'action_id', file), locator: { ref: need(r, 'nist_subcategory', file) } },
      language: 'en', name: '', text, ...LIC.nist,
    });
  }
  return out;
}

/** Every numbered paragraph (or, for a paragraph ending in a colon, each of its points with the
 *  lead-in) of Articles 4-101 and 112 of the EU AI Act that states a duty ("shall"). */
function euCands(d: CorpusDoc, bs: B[]): Draft[] {
  const start = blockStarting(bs, 'HAVE ADOPTED THIS REGULATION', 'EU AI Act');
  const end = bs.findIndex((b, i) => i > start && /^ANNEX I$/.test(b.text.trim()));
  const arts: [number, number][] = [];
  for (let i = start; i < (end < 0 ? bs.length : end); i++) { const m = /^Article (\d+)$/.exec(bs[i]!.text.trim()); if (m) arts.push([+m[1]!, i]); }
  const out: Draft[] = [];
  arts.forEach(([a, at], k) => {
    if (a < 4 || (a > 101 && a !== 112)) return;
    const title = bs[at + 1]!.text.trim(); const stop = arts[k + 1]?.[1] ?? (end < 0 ? bs.length : end);
    let lead = ''; let para = ''; let inSub = false;
    for (let i = at + 2; i < stop; i++) {
      const t = bs[i]!.text.trim();
      const pm = /^(\d+)\. /.exec(t);
      if (pm) { para = pm[1]!; lead = t; inSub = false; if (!/:$/.test(t) && /\bshall\b/.test(t)) out.push(corpusItem(d, title, t, `Article ${a}(${para})`)); continue; }
      const pt = /^\(([a-z]+)\) \| /.exec(t);
      if (pt && lead.endsWith(':')) {
        if (inSub && /^(i|ii|iii|iv|v|vi|vii|viii|ix|x)$/.test(pt[1]!)) continue;
        inSub = /:$/.test(t); if (inSub) continue;
        if (/\bshall\b/.test(lead + t)) out.push(corpusItem(d, title, `${lead} ${euPoint(t)}`, `Article ${a}(${para})(${pt[1]})`));
        continue;
      }
      if (!para && i === at + 2 && /\bshall\b/.test(t)) out.push(corpusItem(d, title, t, `Article ${a}`));
    }
  });
  return out.filter((x) => x.text.length >= 60 && x.text.length <= 1500);
}

/** AI Guidelines for Business, Parts 3-5: every measure bullet under a D-/P-/U- heading (developers,
 *  providers, business users), with that heading as its reference; round 2 takes all of Parts 4-5
 *  (providers and users, thin in round 1) and a sample of Part 3. */
function jpMeasureCands(bs: B[]): { part: number; text: string; ref: string; page?: number }[] {
  const p3 = bs.findIndex((b) => b.kind.startsWith('heading') && /^Part 3 Matters Related to AI Developers/.test(b.text.trim()));
  if (p3 < 0) throw new Error('AI Guidelines for Business: Part 3 heading not found');
  const out: { part: number; text: string; ref: string; page?: number }[] = []; let part = 3; let code = '';
  for (let i = p3 + 1; i < bs.length; i++) {
    const t = bs[i]!.text.trim();
    const pm = /^Part (\d) Matters Related/.exec(t); if (pm && bs[i]!.kind.startsWith('heading')) { part = +pm[1]!; code = ''; continue; }
    const cm = /^([DPU]-\d+\) [iv]+)\. /.exec(t); if (cm) { code = cm[1]!; continue; }
    if (!code || bs[i]!.kind !== 'item' || t.length < 50 || t.length > 700 || /:$/.test(t)) continue;
    out.push({ part, text: t.replace(/\s+[IVX]+\. [A-Z].*$/, '').trim(), ref: `Part ${part}, ${code}`, page: bs[i]!.page });
  }
  return out;
}

/** National AI Plan: every paragraph under an Action heading that says what someone "will" do. */
function auWillCands(bs: B[]) {
  let action = '';
  const cands: { text: string; ref: string; page?: number }[] = [];
  for (const b of bs) {
    const m = /^Action (\d): (.+)$/.exec(b.text.trim()); if (m && b.kind.startsWith('heading')) action = `Action ${m[1]}: ${m[2]}`;
    if (action && b.kind === 'paragraph' && /\bwill\b/.test(b.text) && b.text.length > 120 && b.text.length < 1500) cands.push({ text: b.text.trim(), ref: action, page: b.page });
  }
  return cands;
}

/** TC260 framework: the title sentence of each comprehensive governance measure (section 5) and
 *  each governance principle of section 1 (its whole paragraph). */
function tcfwRound2(d: CorpusDoc, bs: B[]): Draft[] {
  const out: Draft[] = [];
  const s1 = indexOfText(bs, /^1\. 人工智能安全治理原则$/, 18); const s2 = indexOfText(bs, /^2\. 人工智能安全治理框架构成$/, s1);
  const s5 = indexOfText(bs, /^5\. 综合治理措施$/, s2); const s6 = indexOfText(bs, /^6\. 人工智能安全开发应用指引$/, s5);
  const groups = (lo: number, hi: number) => {
    const gs: { text: string; page?: number }[] = [];
    for (let i = lo + 1; i < hi; i++) { const b = bs[i]!; if (b.kind === 'item') gs.push({ text: b.text.trim(), page: b.page }); else if (gs.length) gs[gs.length - 1]!.text += b.text.trim(); }
    return gs;
  };
  for (const g of groups(s1, s2)) { const title = g.text.split('。')[0]!; out.push(corpusItem(d, title, g.text, `1. ${title}`, g.page)); }
  for (const g of groups(s5, s6)) { const title = g.text.split('。')[0]!; out.push(corpusItem(d, '', `${title}。`, `5. ${title}，第1句`, g.page)); }
  return out;
}

async function round2Items(taken: Set<string>): Promise<Draft[]> {
  const out: Draft[] = mitRound2(taken);
  out.push(...nistRound2(new Set([...taken, ...out.map((x) => norm(x.text))])));
  const mk = (d: CorpusDoc, cs: { text: string; ref: string; page?: number }[]) => cs.map((c) => corpusItem(d, '', c.text, c.ref, c.page));
  const blocks = async (k: keyof typeof DOCS) => [DOCS[k]!, await blocksOf(DOCS[k]!)] as const;
  { const [d, bs] = await blocks('eu'); out.push(...sampleRest(euCands(d, bs), taken, R2.eu, SEED2 + 201)); }
  { const [d, bs] = await blocks('nist'); const found = nistRmfFound(bs); let s = 300;
    for (const fn of ['GOVERN', 'MAP', 'MEASURE', 'MANAGE']) {
      const cs = [...found].filter(([k]) => k.startsWith(fn + ' ')).sort().map(([k, v]) => ({ text: v.text, ref: k, page: v.page }));
      out.push(...mk(d, sampleRest(cs, taken, R2.rmfPerFn, SEED2 + ++s)));
    } }
  { const [d, bs] = await blocks('co'); out.push(...mk(d, sampleRest(coCands(bs), taken, R2.co, SEED2 + 401))); }
  { const [d, bs] = await blocks('jp'); const ms = jpMeasureCands(bs);
    const later = sampleRest(ms.filter((m) => m.part >= 4), taken, 1000, SEED2 + 502);
    const seen = new Set([...taken, ...later.map((m) => norm(m.text))]);
    out.push(...mk(d, [...sampleRest([...jpCands(bs), ...ms.filter((m) => m.part === 3)], seen, R2.jp, SEED2 + 501), ...later])); }
  { const [d, bs] = await blocks('au'); out.push(...mk(d, sampleRest(auWillCands(bs), taken, R2.au, SEED2 + 601))); }
  { const [d, bs] = await blocks('uk'); out.push(...mk(d, sampleRest(ukCands(bs), taken, R2.uk, SEED2 + 701))); }
  { const [d, bs] = await blocks('tcfw'); out.push(...sampleRest(tcfwRound2(d, bs), taken, 1000, SEED2 + 801)); }
  { const [d, bs] = await blocks('tc003'); out.push(...sampleRest(tc003All(d, bs), taken, 1000, SEED2 + 901)); }
  return out;
}

/** Round-2 ids into two first-pass batches of about equal size, each with half the Chinese items. */
export function makeRound2Batches(items: Item[], seed: number): { b5: string[]; b6: string[] } {
  const b5: string[] = []; const b6: string[] = [];
  for (const [lang, s] of [['zh', seed], ['en', seed + 1]] as const) {
    shuffle(items.filter((i) => i.language === lang).map((i) => i.id), s).forEach((id, k) => (k % 2 ? b6 : b5).push(id));
  }
  return { b5: b5.sort(), b6: b6.sort() };
}

// ---------- round 3 (batch b7) ----------
// A third seeded draw (issue #12: more annotated examples), made like round 2: every text drawn in
// rounds 1 and 2 is excluded, round-3 items take the ids after all of them, and no earlier id, item
// or batch changes. First what the public datasets still hold (MIT mitigations, NIST AI 600-1
// actions, FINOS, ATLAS), then English corpus statements up to about 200 items. A candidate that
// nearly repeats a text already drawn (same words, give or take a few) is left out.
const SEED3 = SEED + 9000;
// The datasets, Japan, NIST AI RMF, Colorado and the UK are near exhaustion at this point: take all
// they have left; the EU AI Act and the National AI Plan are sampled.
const R3 = { eu: 130, jp: 1000, rmfPerFn: 1000, uk: 1000, au: 15, co: 1000 };

const words = (s: string) => new Set(norm(s).split(/[^a-z0-9]+/).filter((w) => w.length > 2));
/** Drops candidates whose word set overlaps a taken text (or an earlier candidate) by Jaccard ≥ 0.8. */
function dropNearDuplicates<T extends { text: string }>(cands: readonly T[], taken: Iterable<string>): T[] {
  const pool = [...taken].map(words);
  const near = (w: Set<string>) => pool.some((p) => {
    if (!w.size || !p.size || Math.min(w.size, p.size) / Math.max(w.size, p.size) < 0.8) return false;
    let both = 0; for (const x of w) if (p.has(x)) both++;
    return both / (w.size + p.size - both) >= 0.8;
  });
  const out: T[] = [];
  for (const c of cands) { const w = words(c.text); if (near(w)) continue; pool.push(w); out.push(c); }
  return out;
}

function datasetRound3(taken: Set<string>): Draft[] {
  const mitFile = join(SHARED, 'data/mit-airi-mitigations-v1/mit_mitigations_v1_labelled.csv');
  const mit = parseCsv(readFileSync(mitFile, 'utf8'), mitFile).map((r) => {
    const doc = need(r, 'source_doc_name', mitFile);
    return {
      source: { dataset: 'mit-airi-mitigations', document: doc.replace(/^"|"$/g, ''), key: need(r, 'mitigation_id', mitFile) },
      language: 'en', name: clean(need(r, 'name', mitFile)), text: clean(need(r, 'description', mitFile)),
      ...(doc.startsWith('NIST AI 600-1') ? LIC.mitNist : LIC.mit),
    } satisfies Draft;
  });
  const nistFile = join(SHARED, 'data/ibm-ai-atlas-nexus/nist_ai_600_1_actions.csv');
  const nist = parseCsv(readFileSync(nistFile, 'utf8'), nistFile).map((r) => ({
    source: { dataset: 'nist-ai-600-1', document: 'NIST AI 600-1 (Generative AI Profile)', key: need(r, 'action_id', nistFile), locator: { ref: need(r, 'nist_subcategory', nistFile) } },
    language: 'en', name: '', text: clean(need(r, 'description', nistFile)), ...LIC.nist,
  } satisfies Draft));
  // Everything these datasets still hold is taken (a few dozen rows at most), in file order.
  const rest = [...mit, ...nist, ...finosItems(), ...atlasItems()];
  return sampleRest(rest, taken, rest.length, SEED3 + 1);
}

async function round3Items(taken: Set<string>): Promise<Draft[]> {
  const pick = <T extends { text: string }>(cands: readonly T[], n: number, seed: number) =>
    sampleRest(dropNearDuplicates(cands.filter((c) => !taken.has(norm(c.text))), taken), taken, n, seed);
  const out: Draft[] = pick(datasetRound3(taken), 1000, SEED3 + 2);
  const mk = (d: CorpusDoc, cs: { text: string; ref: string; page?: number }[]) => cs.map((c) => corpusItem(d, '', c.text, c.ref, c.page));
  const blocks = async (k: keyof typeof DOCS) => [DOCS[k]!, await blocksOf(DOCS[k]!)] as const;
  { const [d, bs] = await blocks('eu'); out.push(...pick(euCands(d, bs), R3.eu, SEED3 + 201)); }
  { const [d, bs] = await blocks('nist'); const found = nistRmfFound(bs); let s = 300;
    for (const fn of ['GOVERN', 'MAP', 'MEASURE', 'MANAGE']) {
      const cs = [...found].filter(([k]) => k.startsWith(fn + ' ')).sort().map(([k, v]) => ({ text: v.text, ref: k, page: v.page }));
      out.push(...mk(d, pick(cs, R3.rmfPerFn, SEED3 + ++s)));
    } }
  { const [d, bs] = await blocks('co'); out.push(...mk(d, pick(coCands(bs), R3.co, SEED3 + 401))); }
  { const [d, bs] = await blocks('jp'); out.push(...mk(d, pick([...jpCands(bs), ...jpMeasureCands(bs)], R3.jp, SEED3 + 501))); }
  { const [d, bs] = await blocks('au'); out.push(...mk(d, pick([...auCands(bs), ...auWillCands(bs)], R3.au, SEED3 + 601))); }
  { const [d, bs] = await blocks('uk'); out.push(...mk(d, pick(ukCands(bs), R3.uk, SEED3 + 701))); }
  return out;
}

// ---------- round 4 (batches b8 and b9) ----------
// A fourth seeded draw (issue #12: the classifier is weakest on Chinese items, on the v2 top level
// between Organisation and AI System, and on actor where a text names none). Made like rounds 2 and
// 3: every text drawn before is excluded, near-duplicates included (for Chinese, a candidate that
// is part of a drawn text or contains one), round-4 items take the ids after all of them, and no
// earlier id, item or batch changes. First every Chinese statement the rules of rounds 1-2 left
// out (lead-in requirements, the general provisions, notes that state a duty, section lead
// paragraphs), then English statements from the documents with the fewest items so far (two
// documents never drawn: Canada's AIDA and, as a non-AI control text, FedRAMP), then the EU AI Act.
const SEED4 = SEED + 13000;
const R4 = { fedramp: 12, eu: 300 };
const DOCS4: Record<'ca' | 'fedramp', CorpusDoc> = {
  ca: { file: 'ca_bill-c-27_aida_first-reading_2022_en-fr.pdf', title: 'Bill C-27, Part 3: Artificial Intelligence and Data Act (Canada, first reading)', lang: 'en', licence: 'House of Commons of Canada: reproduction permitted with acknowledgement under the Speaker\'s permission (not an open licence)', attribution: 'House of Commons of Canada, Bill C-27 (Digital Charter Implementation Act, 2022), Part 3 Artificial Intelligence and Data Act, first reading, 16 June 2022' },
  fedramp: { file: 'us-fedramp_significant-change-policies_2018_en_NON-AI.docx', title: 'FedRAMP Significant Change Policies and Procedures v1.0 (not an AI document)', lang: 'en', licence: 'Public domain (US government work)', attribution: 'US General Services Administration, FedRAMP PMO, FedRAMP Significant Change Policies and Procedures, Version 1.0 (2018)' },
};
const compact = (s: string) => s.replace(/\s+/g, '');
/** Chinese near-duplicates: drops a candidate that is part of a taken text or contains one. */
function dropContained<T extends { text: string }>(cands: readonly T[], taken: Iterable<string>): T[] {
  const pool = [...taken].map(compact).filter((t) => t.length >= 12);
  const out: T[] = [];
  for (const c of cands) { const t = compact(c.text); if (pool.some((p) => p.includes(t) || t.includes(p))) continue; pool.push(t); out.push(c); }
  return out;
}

/** TC260 framework: the lead paragraph of sections 1, 4 and 5 (each a measure for all parties). */
function tcfwLeads(d: CorpusDoc, bs: B[]): Draft[] {
  const out: Draft[] = [];
  for (const [re, ref] of [[/^1\. 人工智能安全治理原则$/, '1'], [/^4\. 技术应对措施$/, '4'], [/^5\. 综合治理措施$/, '5']] as const) {
    const at = indexOfText(bs, re, 18); let text = ''; let page: number | undefined;
    for (let i = at + 1; i < bs.length && bs[i]!.kind === 'paragraph'; i++) { text += bs[i]!.text.trim(); page ??= bs[i]!.page; }
    if (!text) throw new Error(`TC260 framework: lead paragraph of section ${ref} not found`);
    out.push(corpusItem(d, '', text, `${ref}，引言`, page));
  }
  return out;
}

/** TC260-003: the general provisions of clause 4 (one item per sentence after the first), the
 *  lead-ins of clauses 5-9 that state a duty themselves (ending in a colon but holding 应), and the
 *  notes that state a duty (注…应…). */
function tc003Rest(d: CorpusDoc, bs: B[]): Draft[] {
  const out: Draft[] = [];
  const c4 = indexOfText(bs, /^4 总则(?!\s*\d+$)/); const c5 = indexOfText(bs, /^5 语料安全要求$/, c4); const end = indexOfText(bs, /^附录 A$/, c5);
  const general = bs.slice(c4, c5).map((b) => b.text.trim()).join('').replace(/^4 总则/, '');
  general.split(/(?<=。)/).slice(1).forEach((s) => { if (s.trim().length >= 12) out.push(corpusItem(d, '总则', s.trim(), '4', bs[c4]!.page)); });
  for (let i = c5; i < end; i++) {
    const b = bs[i]!; const t = b.text.trim();
    const note = /^注\d?：/.exec(t);
    if (note) {
      let text = t; for (let j = i + 1; j < end && !/。$/.test(text) && b.kind === bs[j]!.kind; j++) text += bs[j]!.text.trim();
      if (/应/.test(text)) out.push(corpusItem(d, '', text, `注 (p. ${b.page ?? '?'})`, b.page));
      continue;
    }
    for (const seg of t.split(/(?<=[；。：;:])\s+(?=(?:[a-z]|\d{1,2})）)/)) {
      const s = seg.trim().replace(/^[^。]{0,30}要求如下。\s*/, '');
      if (/[：:]$/.test(s) && /应/.test(s) && s.length >= 20 && !/要求如下/.test(s)) out.push(corpusItem(d, '', s, `${/^([a-z])）/.exec(s)?.[1] ?? ''}） (p. ${b.page ?? '?'})`, b.page));
    }
  }
  return out;
}

/** CAC Interim Measures: paragraphs of Art. 23 after the first (round 1 took its first paragraph). */
function cacRest(d: CorpusDoc, bs: B[]): Draft[] {
  const a23 = indexOfText(bs, /^第二十三条/); const a24 = indexOfText(bs, /^第二十四条/, a23);
  return bs.slice(a23 + 1, a24).filter((b) => /应当/.test(b.text)).map((b, k) => corpusItem(d, '', b.text.trim(), `第二十三条第${k + 2}款`));
}

/** AIDA (Canada): the English provisions of Part 3 that state a duty or a power ("must", "may, by
 *  order", "is guilty"), as the reader gives them (the French column is left out). */
function aidaCands(bs: B[]) {
  const from = blockStarting(bs, 'Regulation of Artificial Intelligence Systems in the Private Sector', 'Bill C-27');
  const to = blockStarting(bs, 'EXPLANATORY NOTES', 'Bill C-27', from);
  const french = /\b(les|des|du|une|aux|est|sont|dans|qui|au titre)\b/;
  const out: { text: string; ref: string; page?: number }[] = []; let sec = '';
  for (let i = from; i < to; i++) {
    const b = bs[i]!; const t = clean(b.text);
    if (french.test(t)) continue;
    const m = /^(\d+) (?:\(\d+\) )?[A-Z]/.exec(t); if (m) sec = m[1]!;
    if (!['paragraph', 'item'].includes(b.kind) || t.length < 80 || !/[.]$/.test(t)) continue;
    if (/\b(must|may, by order|is guilty|is liable)\b/.test(t)) out.push({ text: t, ref: `Part 3, section ${sec || '?'}`, page: b.page });
  }
  return out;
}

/** FedRAMP (not an AI document): paragraphs and list items that state a duty. */
function fedrampCands(bs: B[]) {
  return bs.filter((b) => ['paragraph', 'item'].includes(b.kind) && /\b(must|shall|should)\b/.test(b.text) && b.text.length >= 80 && b.text.length <= 1200 && !/\|/.test(b.text))
    .map((b) => ({ text: clean(b.text), ref: '' }));
}

/** A sentence that says someone will, should or must do something (a verb of action follows), not
 *  narrative that merely holds one of those words. */
const ACTS = /\b(will|should|must|shall|intends? to|plans? to|expects? \w+ to)\s+(?:also\s+|continue to\s+|be required to\s+|need to\s+)?(work|launch|publish|develop|support|ensure|establish|engage|track|draw|provide|deliver|invest|monitor|lead|consult|update|build|create|fund|partner|help|review|assess|set|issue|coordinate|share|apply|promote|implement|require|introduce|consider|collaborate|encourage|produce|undertake|explore|seek|strengthen|prioriti[sz]e|take|use|maintain|identify|test|report|adopt|design|protect|prevent|enforce|improve|focus|make|bring|convene|continue|drive|maximi[sz]e|embed|gather|conduct|clarify|align|address)\b/i;

/** Japan: every bullet of Parts 2-5 with a duty word that the round 1-3 rules did not take. */
function jpRestCands(bs: B[]) {
  return bs.filter((b) => b.kind === 'item' && /\b(should|will|must|shall|need to|ensure|consider)\b/i.test(b.text) && b.text.length >= 60 && b.text.length <= 900 && !/:$/.test(b.text.trim()))
    .filter((b) => !/^(Describes|Consists)\b/.test(b.text.trim()) && /[.)]$/.test(b.text.trim()) && /^[A-Z]/.test(b.text.trim()))
    .map((b) => ({ text: b.text.replace(/\s+[IVX]+\. [A-Z].*$/, '').trim(), ref: 'Parts 2-5', page: b.page }));
}

/** UK white paper: every numbered paragraph (not a consultation question) saying what someone should, will or is expected to do. */
function ukRestCands(bs: B[]) {
  return bs.filter((b) => /^\d+\. /.test(b.text) && ACTS.test(b.text) && !/\?$/.test(b.text.trim()) && b.text.length >= 80 && b.text.length < 1200)
    .map((b) => ({ text: b.text.replace(/\[footnote \d+\]/g, ''), ref: `paragraph ${/^(\d+)\./.exec(b.text)![1]}` }));
}

/** National AI Plan: every paragraph or bullet anywhere that says what someone will or should do. */
function auRestCands(bs: B[]) {
  return bs.filter((b) => ['paragraph', 'item'].includes(b.kind) && ACTS.test(b.text) && b.text.length >= 100 && b.text.length < 1500)
    .map((b) => ({ text: b.text.trim(), ref: '', page: b.page }));
}

/** Colorado: the SHALL duties of 6-1-1702 to 6-1-1706 without the round-1 length floor. */
function coRestCands(bs: B[]) {
  const out: { text: string; ref: string; page?: number }[] = []; let sec = '';
  for (const b of bs) {
    const m = /6-1-17(0\d)\./.exec(b.text); if (m) sec = `6-1-17${m[1]}`;
    if (['6-1-1702', '6-1-1703', '6-1-1704', '6-1-1705', '6-1-1706'].includes(sec) && /\bSHALL\b/.test(b.text) && b.text.length >= 60 && !/\bMEANS\b/.test(b.text)) out.push({ text: b.text, ref: `C.R.S. ${sec}`, page: b.page });
  }
  return out;
}

async function round4Items(taken: Set<string>): Promise<Draft[]> {
  const out: Draft[] = [];
  const drawn = () => [...taken, ...out.map((x) => norm(x.text))];
  const fresh = <T extends { text: string }>(cs: readonly T[]) => cs.filter((c) => !taken.has(norm(c.text)));
  const pick = <T extends { text: string }>(cands: readonly T[], n: number, seed: number) =>
    sampleRest(dropContained(dropNearDuplicates(fresh(cands), drawn()), drawn()), taken, n, seed);
  const mk = (d: CorpusDoc, cs: { text: string; ref: string; page?: number }[]) => cs.map((c) => corpusItem(d, '', c.text, c.ref, c.page));
  const blocks = async (d: CorpusDoc) => [d, await blocksOf(d)] as const;
  // Chinese first: everything left.
  { const [d, bs] = await blocks(DOCS.cac!); out.push(...pick(cacRest(d, bs), 1000, SEED4 + 101)); }
  { const [d, bs] = await blocks(DOCS.tcfw!); out.push(...pick(tcfwLeads(d, bs), 1000, SEED4 + 102)); }
  { const [d, bs] = await blocks(DOCS.tc003!); out.push(...pick(tc003Rest(d, bs), 1000, SEED4 + 103)); }
  // English documents with the fewest items: all they have left.
  { const [d, bs] = await blocks(DOCS4.ca); out.push(...mk(d, pick(aidaCands(bs), 1000, SEED4 + 201))); }
  { const [d, bs] = await blocks(DOCS4.fedramp); out.push(...mk(d, pick(fedrampCands(bs), R4.fedramp, SEED4 + 202))); }
  { const [d, bs] = await blocks(DOCS.co!); out.push(...mk(d, pick(coRestCands(bs), 1000, SEED4 + 203))); }
  { const [d, bs] = await blocks(DOCS.nist!); const found = nistRmfFound(bs);
    out.push(...mk(d, pick([...found].sort().map(([k, v]) => ({ text: v.text, ref: k, page: v.page })), 1000, SEED4 + 204))); }
  { const [d, bs] = await blocks(DOCS.jp!); out.push(...mk(d, pick(jpRestCands(bs), 1000, SEED4 + 205))); }
  { const [d, bs] = await blocks(DOCS.au!); out.push(...mk(d, pick(auRestCands(bs), 1000, SEED4 + 206))); }
  { const [d, bs] = await blocks(DOCS.uk!); out.push(...mk(d, pick(ukRestCands(bs), 1000, SEED4 + 207))); }
  // What the datasets still hold (none after round 3, unless the files change), then the EU AI Act.
  out.push(...pick(datasetRound3(taken), 1000, SEED4 + 301));
  { const [d, bs] = await blocks(DOCS.eu!); out.push(...pick(euCands(d, bs), R4.eu, SEED4 + 401)); }
  return out;
}

// ---------- round 5 ----------
// Round 5 (ids after round 4): the MITRE ATLAS "technique use" texts, one per pair of a mitigation
// and an attack technique it counters (how the mitigation is applied against that technique: a
// measure in its own words, which the 35 mitigation descriptions of round 1 only summarise), and
// every EU AI Act "shall" candidate still left. Near-duplicates and texts contained in a drawn one
// are left out as in round 4. The ATLAS items keep the document of the round-1 ATLAS items, so the
// evaluation's folds (grouped by document) never split a mitigation from its uses.
const SEED5 = SEED + 17000;

function atlasUseItems(): Draft[] {
  const file = join(SHARED, 'data/mitre-atlas/ATLAS.yaml');
  const doc = YAML.parse(readFileSync(file, 'utf8')) as {
    matrices?: { techniques?: { id: string; name: string }[]; mitigations?: { id: string; name: string; techniques?: ({ id: string; use?: string } | string)[] }[] }[];
  };
  const m = doc.matrices?.[0];
  if (!m?.mitigations || !m.techniques) throw new Error(`${file}: no matrices[0].mitigations or .techniques`);
  const techName = new Map(m.techniques.map((t) => [t.id, t.name]));
  const out: Draft[] = [];
  for (const mit of m.mitigations) {
    for (const t of mit.techniques ?? []) {
      if (typeof t === 'string' || !t.use?.trim()) continue;
      const tn = techName.get(t.id) ?? techName.get(t.id.split('.').slice(0, 2).join('.')) ?? t.id;
      out.push({
        source: { dataset: 'mitre-atlas', document: 'MITRE ATLAS mitigations', key: `${mit.id}/${t.id}` },
        language: 'en', name: `${clean(mit.name)}: against ${clean(tn)}`, text: clean(t.use), ...LIC.atlas,
      });
    }
  }
  return out.filter((x) => x.text.length >= 40);
}

async function round5Items(taken: Set<string>): Promise<Draft[]> {
  const out: Draft[] = [];
  const drawn = () => [...taken, ...out.map((x) => norm(x.text))];
  const fresh = <T extends { text: string }>(cs: readonly T[]) => cs.filter((c) => !taken.has(norm(c.text)));
  const pick = <T extends { text: string }>(cands: readonly T[], n: number, seed: number) =>
    sampleRest(dropContained(dropNearDuplicates(fresh(cands), drawn()), drawn()), taken, n, seed);
  out.push(...pick(atlasUseItems(), 1000, SEED5 + 101));
  const d = DOCS.eu!; out.push(...pick(euCands(d, await blocksOf(d)), 1000, SEED5 + 401));
  return out;
}

/** Round-5 ids into b10 and b11, dealt like round 4's. */
export function makeRound5Batches(items: Item[], seed: number): { b10: string[]; b11: string[] } {
  const { b8, b9 } = makeRound4Batches(items, seed);
  return { b10: b8, b11: b9 };
}

// ---------- round 6 ----------
// Round 6 (ids after round 5): the measures inside the FINOS mitigations. Round 1 took each FINOS
// mitigation's summary ("Purpose") as one item; its body lists, under "Key Principles",
// "Implementation Guidance" and a few similar sections, the concrete measures one by one (1,086
// list items). A seeded sample of at most 14 per mitigation, each list item as it stands (with its
// nested items, when it has any, left out: they are separate items), at least 60 characters, not a
// bare lead-in ending in a colon. The name is "<mitigation> › <nearest heading>". Same document as
// the round-1 FINOS items, so the folds keep a mitigation and its measures together.
const SEED6 = SEED + 21000;
const FINOS_SECTIONS = /^(Key Principles|Implementation Guidance|Tiered Implementation Approach|Alerting and Response Procedures|Integration with Business Processes)$/;

function finosMeasureCands(): Draft[][] {
  const file = join(SHARED, 'data/finos-aigf/finos_aigf_risks_mitigations.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as { mitigations: { id: string; title: string; body_markdown: string }[] };
  return data.mitigations.map((m) => {
    const out: Draft[] = [];
    let section = ''; let heading = ''; let n = 0;
    for (const line of m.body_markdown.split('\n')) {
      const h = /^(#{2,6})\s+(.*)$/.exec(line);
      if (h) { if (h[1]!.length === 2) section = h[2]!.trim(); heading = markdownToText(h[2]!); continue; }
      if (!FINOS_SECTIONS.test(section) || !/^\s*[-*+]\s+/.test(line)) continue;
      n++;
      const text = markdownToText(line);
      if (text.length < 60 || text.length > 1200 || /:$/.test(text)) continue;
      out.push({
        source: { dataset: 'finos-aigf', document: 'FINOS AI Governance Framework', key: `${m.id}#${n}`, locator: { ref: `${section} › ${heading}` } },
        language: 'en', name: `${m.title} › ${heading}`, text, ...LIC.finos,
      });
    }
    return out;
  });
}

function round6Items(taken: Set<string>): Draft[] {
  const out: Draft[] = [];
  const drawn = () => [...taken, ...out.map((x) => norm(x.text))];
  finosMeasureCands().forEach((cands, i) => {
    const fresh = cands.filter((c) => !taken.has(norm(c.text)));
    out.push(...sampleRest(dropContained(dropNearDuplicates(fresh, drawn()), drawn()), taken, 14, SEED6 + i));
  });
  return out;
}

/** Round-6 ids into b12-b15: shuffled and dealt in turn. */
export function makeRound6Batches(items: Item[], seed: number): Record<'b12' | 'b13' | 'b14' | 'b15', string[]> {
  const names = ['b12', 'b13', 'b14', 'b15'] as const;
  const out = { b12: [] as string[], b13: [] as string[], b14: [] as string[], b15: [] as string[] };
  shuffle(items.map((i) => i.id).sort(), seed).forEach((id, k) => out[names[k % 4]!].push(id));
  for (const n of names) out[n].sort();
  return out;
}

/** Round-4 ids into two first-pass batches of equal size: within each source document (and
 *  language) the ids are shuffled and dealt alternately, so both batches mix every source. */
export function makeRound4Batches(items: Item[], seed: number): { b8: string[]; b9: string[] } {
  const b8: string[] = []; const b9: string[] = [];
  const groups = new Map<string, string[]>();
  for (const i of items) { const k = `${i.language}\u0000${i.source.document}`; (groups.get(k) ?? groups.set(k, []).get(k)!).push(i.id); }
  let n = 0;
  for (const k of [...groups.keys()].sort()) for (const id of shuffle(groups.get(k)!.sort(), seed + n)) (n++ % 2 ? b9 : b8).push(id);
  return { b8: b8.sort(), b9: b9.sort() };
}

// The second-pass samples of rounds 5 and 6: 30 ids of each of b10 and b11, 12 of each of b12-b15,
// drawn once when those batches were published (a seeded draw made outside this script) and listed
// here so that a fresh build reproduces the published batches.json.
const PASS2_LATER: readonly string[] = [
  'GA2112', 'GA2113', 'GA2114', 'GA2116', 'GA2118', 'GA2119', 'GA2122', 'GA2127', 'GA2130', 'GA2133', 'GA2142', 'GA2143',
  'GA2145', 'GA2147', 'GA2148', 'GA2149', 'GA2154', 'GA2156', 'GA2160', 'GA2162', 'GA2163', 'GA2165', 'GA2171', 'GA2174',
  'GA2175', 'GA2176', 'GA2177', 'GA2183', 'GA2184', 'GA2185', 'GA2193', 'GA2194', 'GA2197', 'GA2200', 'GA2202', 'GA2204',
  'GA2207', 'GA2208', 'GA2211', 'GA2215', 'GA2216', 'GA2225', 'GA2227', 'GA2229', 'GA2237', 'GA2239', 'GA2241', 'GA2243',
  'GA2246', 'GA2247', 'GA2250', 'GA2251', 'GA2255', 'GA2257', 'GA2259', 'GA2267', 'GA2270', 'GA2271', 'GA2272', 'GA2274',
  'GA2277', 'GA2287', 'GA2292', 'GA2293', 'GA2316', 'GA2328', 'GA2344', 'GA2349', 'GA2355', 'GA2358', 'GA2359', 'GA2371',
  'GA2377', 'GA2407', 'GA2409', 'GA2411', 'GA2423', 'GA2431', 'GA2434', 'GA2436', 'GA2452', 'GA2455', 'GA2460', 'GA2462',
  'GA2466', 'GA2478', 'GA2483', 'GA2496', 'GA2500', 'GA2502', 'GA2506', 'GA2508', 'GA2513', 'GA2528', 'GA2530', 'GA2533',
  'GA2538', 'GA2550', 'GA2552', 'GA2554', 'GA2565', 'GA2566', 'GA2567', 'GA2570', 'GA2590', 'GA2592', 'GA2593', 'GA2594',
];

// ---------- batches ----------
export function makeBatches(items: Item[], seed: number) {
  const zh = items.filter((i) => i.language === 'zh').map((i) => i.id);
  const en = shuffle(items.filter((i) => i.language === 'en').map((i) => i.id), seed);
  const per = Math.round(items.length / 5);
  const zhBatch = [...zh, ...en.splice(0, Math.max(0, per - zh.length))];
  const rest = en; const k = 4; const batches: Record<string, string[]> = {};
  for (let b = 0; b < k; b++) batches[`b${b + 1}`] = rest.filter((_, i) => i % k === b).sort();
  batches.zh = zhBatch.sort();
  // Second pass: 220 ids, at least 40 Chinese, the rest spread evenly over the English batches.
  const r2zh = shuffle(zh, seed + 1).slice(0, 40);
  const others = Object.entries(batches).flatMap(([name, ids]) => ids.filter((id) => !r2zh.includes(id)).map((id) => ({ name, id })));
  const r2rest = shuffle(others, seed + 2).slice(0, 220 - r2zh.length).map((x) => x.id);
  return { batches, pass2: [...r2zh, ...r2rest].sort() };
}

// ---------- main ----------
async function main() {
  const drafts: Draft[] = [];
  const mit = mitItems(); drafts.push(...mit);
  drafts.push(...nistItems(new Set(mit.map((m) => norm(m.text)))));
  drafts.push(...finosItems());
  drafts.push(...atlasItems());
  const run: [keyof typeof DOCS, (d: CorpusDoc, b: B[]) => Draft[]][] = [
    ['eu', euItems], ['nist', nistRmfItems], ['co', coItems], ['jp', jpItems], ['au', auItems], ['uk', ukItems],
    ['cac', cacItems], ['tcfw', tcfwItems], ['tc003', tc003Items],
  ];
  for (const [k, fn] of run) {
    const d = DOCS[k]!; const got = fn(d, await blocksOf(d));
    if (!got.length) throw new Error(`corpus ${d.file}: no statements selected`);
    drafts.push(...got);
  }
  // The gap top-up comes last, so that its items take the ids after all the others.
  const gap = await gapItems(); drafts.push(...gap);
  const gapTexts = new Set(gap.map((g) => norm(g.text)));
  // Round 2 comes after everything of round 1 (ids GA0989 on), drawn from what round 1 left out.
  const r2 = await round2Items(new Set(drafts.map((x) => norm(x.text)))); drafts.push(...r2);
  const r2Texts = new Set(r2.map((x) => norm(x.text)));
  // Round 3 comes after round 2 (ids GA1495 on), drawn from what rounds 1 and 2 left out.
  const r3 = await round3Items(new Set(drafts.map((x) => norm(x.text)))); drafts.push(...r3);
  const r3Texts = new Set(r3.map((x) => norm(x.text)));
  // Round 4 comes after round 3 (ids GA1705 on), drawn from what rounds 1-3 left out.
  const r4 = await round4Items(new Set(drafts.map((x) => norm(x.text)))); drafts.push(...r4);
  const r4Texts = new Set(r4.map((x) => norm(x.text)));
  // Round 5 comes after round 4 (ids GA2103 on), drawn from what rounds 1-4 left out.
  const r5 = await round5Items(new Set(drafts.map((x) => norm(x.text)))); drafts.push(...r5);
  const r5Texts = new Set(r5.map((x) => norm(x.text)));
  // Round 6 comes after round 5 (ids GA2275 on): the FINOS mitigations' measures.
  const r6 = round6Items(new Set(drafts.map((x) => norm(x.text)))); drafts.push(...r6);
  const r6Texts = new Set(r6.map((x) => norm(x.text)));
  // Drop exact duplicates (same text) and empty texts.
  const seen = new Set<string>(); const kept: Draft[] = [];
  for (const x of drafts) { const n = norm(x.text); if (!n || seen.has(n)) continue; seen.add(n); kept.push(x); }
  // Ids are stable once published (label files refer to them): an item whose text is already in the
  // existing items.jsonl keeps its id; new items get ids after the highest one. --fresh renumbers.
  const prev = new Map<string, string>(); let maxId = 0;
  const prevFile = join(OUT, 'items.jsonl');
  if (!args.includes('--fresh') && existsSync(prevFile)) {
    for (const line of readFileSync(prevFile, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const o = JSON.parse(line) as Item; prev.set(norm(o.text), o.id); maxId = Math.max(maxId, parseInt(o.id.slice(2), 10));
    }
  }
  const items: Item[] = kept.map((x) => ({ id: prev.get(norm(x.text)) ?? `GA${String(++maxId).padStart(4, '0')}`, ...x }));
  const dropped = [...prev.values()].filter((id) => !items.some((i) => i.id === id));
  if (dropped.length) console.warn(`warning: ${dropped.length} previously published ids are no longer in the pool: ${dropped.slice(0, 10).join(' ')}`);
  items.sort((a, b) => a.id.localeCompare(b.id));
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'items.jsonl'), items.map((i) => JSON.stringify(i)).join('\n') + '\n');
  // Batches, like ids, stay as published: a rebuild keeps the existing assignment and puts items
  // that are new into a batch of their own ("extra"). --fresh redraws everything.
  const batchFile = join(OUT, 'batches.json');
  // A fresh draw leaves the gap top-up out of the five first-pass batches and the second-pass sample.
  const core = items.filter((i) => !gapTexts.has(norm(i.text)) && !r2Texts.has(norm(i.text)) && !r3Texts.has(norm(i.text)) && !r4Texts.has(norm(i.text)) && !r5Texts.has(norm(i.text)) && !r6Texts.has(norm(i.text)));
  const round3 = { b7: items.filter((i) => r3Texts.has(norm(i.text))).map((i) => i.id).sort() };
  const round4 = makeRound4Batches(items.filter((i) => r4Texts.has(norm(i.text))), SEED4 + 9);
  const round5 = makeRound5Batches(items.filter((i) => r5Texts.has(norm(i.text))), SEED5 + 9);
  const round6 = makeRound6Batches(items.filter((i) => r6Texts.has(norm(i.text))), SEED6 + 9);
  const round2 = makeRound2Batches(items.filter((i) => r2Texts.has(norm(i.text))), SEED2 + 9);
  let { batches, pass2 } = makeBatches(core, SEED + 9);
  const gapIds = items.filter((i) => gapTexts.has(norm(i.text))).map((i) => i.id);
  if (gapIds.length) batches.extra = gapIds.sort();
  Object.assign(batches, round2, round3, round4, round5, round6);
  const liveIds = new Set(items.map((i) => i.id));
  pass2 = [...pass2, ...PASS2_LATER.filter((id) => liveIds.has(id))].sort();
  if (!args.includes('--fresh') && existsSync(batchFile)) {
    const old = JSON.parse(readFileSync(batchFile, 'utf8')) as { pass1: Record<string, string[]>; pass2: string[] };
    const live = new Set(items.map((i) => i.id));
    const placed = new Set(Object.values(old.pass1).flat());
    batches = Object.fromEntries(Object.entries(old.pass1).map(([k, ids]) => [k, ids.filter((id) => live.has(id))]));
    // Round 2 is placed once, when batches.json has no b5/b6 yet; afterwards it stays as published.
    if (!old.pass1.b5 && !old.pass1.b6) { Object.assign(batches, round2); for (const id of [...round2.b5, ...round2.b6]) placed.add(id); }
    // Round 3 likewise: placed once, into b7, when batches.json has no b7 yet.
    if (!old.pass1.b7) { Object.assign(batches, round3); for (const id of round3.b7) placed.add(id); }
    // Round 4 likewise: placed once, into b8 and b9, when batches.json has neither yet.
    if (!old.pass1.b8 && !old.pass1.b9) { Object.assign(batches, round4); for (const id of [...round4.b8, ...round4.b9]) placed.add(id); }
    // Round 5 likewise: placed once, into b10 and b11.
    if (!old.pass1.b10 && !old.pass1.b11) { Object.assign(batches, round5); for (const id of [...round5.b10, ...round5.b11]) placed.add(id); }
    // Round 6 likewise: placed once, into b12-b15.
    if (!old.pass1.b12) { Object.assign(batches, round6); for (const id of Object.values(round6).flat()) placed.add(id); }
    const fresh = items.map((i) => i.id).filter((id) => !placed.has(id));
    if (fresh.length) { batches.extra = [...(batches.extra ?? []), ...fresh].sort(); console.warn(`note: ${fresh.length} new items put in batch "extra"`); }
    pass2 = old.pass2.filter((id) => live.has(id));
  }
  writeFileSync(join(OUT, 'batches.json'), JSON.stringify({
    seed: SEED + 9, note: 'pass1: first-pass batches (b5, b6: round 2; b7: round 3; b8, b9: round 4; b10, b11: round 5; b12-b15: round 6); pass2: ids for an independent second pass (annotated into annotations/pass2/<batch>.jsonl by the batch each id belongs to)',
    pass1: batches, pass2,
  }, null, 1) + '\n');
  const count = new Map<string, number>();
  for (const i of items) { const k = `${i.source.dataset}${i.source.file ? ':' + i.source.file : ''} [${i.language}]`; count.set(k, (count.get(k) ?? 0) + 1); }
  for (const [k, v] of [...count].sort()) console.log(String(v).padStart(5), k);
  console.log(String(items.length).padStart(5), 'items;', Object.entries(batches).map(([k, v]) => `${k}=${v.length}`).join(' '), `pass2=${pass2.length}`);
}
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) await main();
