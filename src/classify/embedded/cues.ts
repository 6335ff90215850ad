// Cue features: per taxonomy, short English and Chinese cue words for each code, written from the
// annotation guidelines (taxonomies/cues/<taxonomy>.json). A text that contains a cue of code C gets
// the extra word-block term "~cue:C" (once per matching cue, so the count counts); the learner
// weighs these terms like any other, so a cue only helps where the training folds say it does.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CUE_DIR = resolve(fileURLToPath(new URL('../../../taxonomies/cues', import.meta.url)));

export interface CueSet {
  taxonomy: string;
  /** SHA-256 of the cue file's contents (part of a persisted model's key). */
  hash: string;
  codes: string[];
  /** Per code, its cues as one regular expression (the definition of a match). */
  patterns: RegExp[];
  /** Per code, its cues (normalised) in their listed order. */
  words: string[][];
  /** Cue lookup by the first two characters (UTF-16 units, as one number; built on first use). */
  index?: Map<number, { code: number; order: number; word: string; latin: boolean }[]>;
  /** True when some cue is shorter than two characters (then only the regular expressions can count it). */
  hasShort?: boolean;
  /** Grammatical-role families (roles.json): their codes sit in `codes` (with no words) from these offsets on. */
  roles?: RoleEntry[];
  /** Per code, a factor on the cue weight (absent = 1 for every code; "roles/subject@0.5" sets one). */
  weights?: number[];
}

/** One role file in a set: its compiled rules and where its subject / object codes start in `codes` (−1 = family left out). */
export interface RoleEntry {
  rules: RoleRules;
  subjectAt: number;
  objectAt: number;
  /** "roles/verb": where the main verb's class codes start (absent or −1 = left out). */
  verbAt?: number;
  /** "roles/verbobj": where the codes of the verb class paired with the object class start (verb-major; absent or −1 = left out). */
  pairAt?: number;
  /** "roles/subject/lang": a text with Chinese characters gets the family's codes from this many places further on (0 = one set of codes). */
  zhShift?: number;
}

const HAN = /\p{Script=Han}/u;
const normaliseText = (t: string) => t.normalize('NFKC').toLowerCase();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Parse a cue file's text; errors name the file and the field. */
export function parseCues(text: string, file: string): CueSet {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
  const d = data as { taxonomy?: unknown; cues?: unknown; roles?: unknown };
  if (typeof d.taxonomy !== 'string' || !d.taxonomy) throw new Error(`${file}: field "taxonomy" must be a non-empty string`);
  if (d.roles !== undefined && d.cues === undefined) return roleSet(d.taxonomy, parseRoles(d.roles, file), text);
  if (!d.cues || typeof d.cues !== 'object' || Array.isArray(d.cues)) throw new Error(`${file}: field "cues" must be an object of code → list of cue words`);
  const codes: string[] = [];
  const patterns: RegExp[] = [];
  const words: string[][] = [];
  for (const [code, list] of Object.entries(d.cues as Record<string, unknown>)) {
    if (!Array.isArray(list) || !list.length || list.some((x) => typeof x !== 'string' || !x.trim()))
      throw new Error(`${file}: cues."${code}" must be a non-empty list of non-empty strings`);
    const alts = (list as string[]).map((w) => {
      const n = normaliseText(w);
      // Latin cues start at a word start; Chinese ones (no spaces between words) match anywhere
      return HAN.test(n[0]!) ? escape(n) : `(?<![\\p{L}\\p{N}])${escape(n)}`;
    });
    codes.push(code);
    patterns.push(new RegExp(alts.join('|'), 'gu'));
    words.push((list as string[]).map(normaliseText));
  }
  return { taxonomy: d.taxonomy, hash: createHash('sha256').update(text).digest('hex'), codes, patterns, words };
}

const loaded = new Map<string, CueSet | null>();

/** The cue set of a taxonomy (null when it has no cue file). Read once per process. */
export function cuesFor(taxonomy: string, dir: string = CUE_DIR): CueSet | null {
  const key = `${dir}\u0000${taxonomy}`;
  if (loaded.has(key)) return loaded.get(key)!;
  const file = join(dir, `${taxonomy}.json`);
  let set: CueSet | null = null;
  if (existsSync(file)) {
    set = parseCues(readFileSync(file, 'utf8'), file);
    if (set.taxonomy !== taxonomy) throw new Error(`${file}: field "taxonomy" is "${set.taxonomy}", not "${taxonomy}"`);
  }
  loaded.set(key, set);
  return set;
}

/** The cue terms of a text by the regular expressions (the reference for `cueTerms`). */
export function cueTermsByRegex(text: string, set: CueSet): string[] {
  return cueHitsByRegex(text, set).map((i) => `~cue:${set.codes[i]}`);
}

/** Per cue occurrence, the index of its code in `set.codes` (by the regular expressions). */
function cueHitsByRegex(text: string, set: CueSet): number[] {
  const t = normaliseText(text);
  const out: number[] = [];
  for (let i = 0; i < set.codes.length; i++) {
    const m = t.match(set.patterns[i]!);
    if (m) for (let k = 0; k < m.length; k++) out.push(i);
  }
  return withRoles(t, set, out);
}

/** The role features of a normalised text appended to its cue hits (one per family in the set). */
function withRoles(t: string, set: CueSet, out: number[]): number[] {
  if (!set.roles) return out;
  for (const r of set.roles) {
    const a = analyseRoles(t, r.rules);
    const zh = r.zhShift && HAN.test(t) ? r.zhShift : 0;
    if (r.subjectAt >= 0) out.push(r.subjectAt + zh + a.subject);
    if (r.objectAt >= 0 && a.object >= 0) out.push(r.objectAt + zh + a.object);
    if (r.verbAt !== undefined && r.verbAt >= 0 && a.verb >= 0) out.push(r.verbAt + zh + a.verb);
    if (r.pairAt !== undefined && r.pairAt >= 0 && a.verb >= 0 && a.object >= 0) out.push(r.pairAt + zh + a.verb * r.rules.object.classes.length + a.object);
  }
  return out;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** Whether the character at `p` is a letter or digit (ASCII decided without the regular expression). */
function wordCharAt(t: string, p: number): boolean {
  const c = t.charCodeAt(p);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  return LETTER_OR_DIGIT.test(t[p]!);
}
const pairKey = (t: string, p: number) => t.charCodeAt(p) * 65536 + t.charCodeAt(p + 1);

function buildIndex(set: CueSet): NonNullable<CueSet['index']> {
  const index: NonNullable<CueSet['index']> = new Map();
  set.words.forEach((list, code) =>
    list.forEach((word, order) => {
      const key = pairKey(word, 0);
      const l = index.get(key) ?? [];
      l.push({ code, order, word, latin: !HAN.test(word[0]!) });
      index.set(key, l);
    }),
  );
  return index;
}

/**
 * The cue terms of a text ("~cue:<code>" once per cue occurrence), counted exactly as the per-code
 * regular expressions would (leftmost match, the first listed cue at a position, matches not
 * overlapping), in one pass over the text: about a tenth of the regular expressions' time.
 */
export function cueTerms(text: string, set: CueSet): string[] {
  return cueHits(text, set).map((i) => `~cue:${set.codes[i]}`);
}

/** The cue occurrences of a text as indices into `set.codes`, in the order of `cueTerms`. */
export function cueHits(text: string, set: CueSet): number[] {
  set.hasShort ??= set.words.some((l) => l.some((w) => w.length < 2));
  if (set.hasShort) return cueHitsByRegex(text, set);
  const index = (set.index ??= buildIndex(set));
  const t = normaliseText(text);
  // per code with a match: the match positions (ascending) and the length of the first-listed cue matching there
  const hits = new Map<number, { pos: number; len: number; order: number }[]>();
  let prevWordChar = false;
  for (let p = 0; p + 1 < t.length; p++) {
    // inside a word only a Chinese cue can start, and only at a character outside ASCII
    if (prevWordChar && t.charCodeAt(p) < 128) {
      prevWordChar = wordCharAt(t, p);
      continue;
    }
    const bucket = index.get(pairKey(t, p));
    if (bucket)
      for (const c of bucket) {
        if (c.latin && prevWordChar) continue;
        if (!t.startsWith(c.word, p)) continue;
        let h = hits.get(c.code);
        if (!h) hits.set(c.code, (h = []));
        const last = h[h.length - 1];
        if (last && last.pos === p) {
          if (c.order < last.order) (last.len = c.word.length), (last.order = c.order);
        } else h.push({ pos: p, len: c.word.length, order: c.order });
      }
    prevWordChar = wordCharAt(t, p);
  }
  const out: number[] = [];
  // in code order, as the regular expressions give them
  for (const code of [...hits.keys()].sort((a, b) => a - b)) {
    let next = 0;
    for (const x of hits.get(code)!)
      if (x.pos >= next) {
        out.push(code);
        next = x.pos + x.len;
      }
  }
  return withRoles(t, set, out);
}

/**
 * Several cue files as one set: "actor,mitigation-v2" = the actor cues as they are, then the v2 cues
 * with their codes prefixed "mitigation-v2:" (cues of another axis as extra evidence). Null when none
 * of the taxonomies has a cue file.
 */
export function cueSetOf(spec: string, dir: string = CUE_DIR): CueSet | null {
  const ids = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 1) return cuesOrFamily(ids[0]!, dir);
  const sets = ids.map((id) => cuesOrFamily(id, dir));
  if (sets.every((s) => !s)) return null;
  const out: CueSet = { taxonomy: ids[0]!, hash: '', codes: [], patterns: [], words: [] };
  const h = createHash('sha256');
  sets.forEach((s, i) => {
    h.update(`${ids[i]}:${s?.hash ?? 'none'};`);
    if (!s) return;
    const at = out.codes.length;
    const shift = (k: number) => (k < 0 ? -1 : k + at);
    for (const r of s.roles ?? []) (out.roles ??= []).push({ ...r, subjectAt: shift(r.subjectAt), objectAt: shift(r.objectAt), verbAt: shift(r.verbAt ?? -1), pairAt: shift(r.pairAt ?? -1) });
    if (s.weights || out.weights) (out.weights ??= out.codes.map(() => 1)).push(...s.codes.map((_, k) => s.weights?.[k] ?? 1));
    s.codes.forEach((c, k) => {
      out.codes.push(i === 0 ? c : `${ids[i]}:${c}`);
      out.patterns.push(s.patterns[k]!);
      out.words.push(s.words[k]!);
    });
  });
  out.hash = h.digest('hex');
  return out;
}

// ------------------------------------------------------------------ grammatical roles (roles.json)

/** The compiled rules of a role file: modal verbs, subordinators, and the subject and object classes. */
export interface RoleRules {
  modal: RegExp;
  modalsZh: string[];
  notModalZh: string[];
  /** Chinese verbs whose subject, when none is named, is the state (鼓励 / 支持: §8 of the guidelines). */
  stateVerbsZh: Set<string>;
  subordinators: Set<string>;
  passive: RegExp;
  /** Subject classes (then "other" and "none"), one regular expression each (longest alternative first). */
  subject: { classes: string[]; res: RegExp[]; actor: boolean[] };
  object: { classes: string[]; res: RegExp[] };
  /** Classes of the main verb (mechanism / practice / public act…; empty when the file lists none). */
  verb: { classes: string[]; res: RegExp[] };
  /** Words skipped before the main verb ("not", "also", "be"…). */
  verbSkip: Set<string>;
}

const NEVER = /(?!)/gu;
const BOUNDARY = /[,;:.()!?\n，；：。！？（）]/u;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

/** One listed word as a pattern: Latin as a whole word ("*" = any letters: a trailing one makes a prefix), Chinese anywhere. */
function rolePattern(w: string): string {
  const n = normaliseText(w.trim());
  if (HAN.test(n[0]!)) return escape(n);
  const body = n.split('*').map(escape).join('[\\p{L}\\p{N}]*');
  return `(?<![\\p{L}\\p{N}])${body}${n.endsWith('*') ? '' : '(?![\\p{L}\\p{N}])'}`;
}

function wordList(v: unknown, file: string, field: string): string[] {
  if (!Array.isArray(v) || !v.length || v.some((x) => typeof x !== 'string' || !x.trim())) throw new Error(`${file}: ${field} must be a non-empty list of non-empty strings`);
  return v as string[];
}

function classTable(v: unknown, file: string, field: string): { classes: string[]; res: RegExp[] } {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${file}: ${field} must be an object of class → list of words`);
  const classes: string[] = [];
  const res: RegExp[] = [];
  for (const [c, list] of Object.entries(v as Record<string, unknown>)) {
    const words = wordList(list, file, `${field}."${c}"`);
    classes.push(c);
    // the longest alternative first, so that a match at a position is the longest listed word there
    res.push(new RegExp([...words].sort((a, b) => b.length - a.length).map(rolePattern).join('|'), 'u'));
  }
  return { classes, res };
}

/** Parse the "roles" object of a role file; errors name the file and the field. */
export function parseRoles(v: unknown, file: string): RoleRules {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${file}: field "roles" must be an object`);
  const r = v as Record<string, unknown>;
  const modals = wordList(r.modals, file, 'roles.modals');
  const subject = classTable(r.subject, file, 'roles.subject');
  const actors = new Set(wordList(r.actors, file, 'roles.actors'));
  for (const a of actors) if (!subject.classes.includes(a)) throw new Error(`${file}: roles.actors names "${a}", not a class of roles.subject`);
  return {
    modal: new RegExp(modals.map(rolePattern).join('|'), 'gu'),
    modalsZh: wordList(r.modalsZh, file, 'roles.modalsZh').map(normaliseText),
    notModalZh: wordList(r.notModalZh, file, 'roles.notModalZh').map(normaliseText),
    stateVerbsZh: new Set(wordList(r.stateVerbsZh, file, 'roles.stateVerbsZh').map(normaliseText)),
    subordinators: new Set(wordList(r.subordinators, file, 'roles.subordinators').map(normaliseText)),
    passive: new RegExp(`^\\s*(?:${wordList(r.passive, file, 'roles.passive').map(rolePattern).join('|')})`, 'u'),
    subject: { ...subject, actor: subject.classes.map((c) => actors.has(c)) },
    object: classTable(r.object, file, 'roles.object'),
    verb: r.verb === undefined ? { classes: [], res: [] } : classTable(r.verb, file, 'roles.verb'),
    verbSkip: new Set(r.verbSkip === undefined ? [] : wordList(r.verbSkip, file, 'roles.verbSkip').map(normaliseText)),
  };
}

/** A cue set holding the codes of both role families ("subj:<class>", "subj:other", "subj:none", "obj:<class>"). */
function roleSet(taxonomy: string, rules: RoleRules, text: string): CueSet {
  const subj = [...rules.subject.classes, 'other', 'none'].map((c) => `subj:${c}`);
  const obj = rules.object.classes.map((c) => `obj:${c}`);
  const codes = [...subj, ...obj];
  return {
    taxonomy,
    hash: createHash('sha256').update(text).digest('hex'),
    codes,
    patterns: codes.map(() => NEVER),
    words: codes.map(() => []),
    roles: [{ rules, subjectAt: 0, objectAt: subj.length }],
  };
}

const FAMILIES = ['subject', 'object', 'verb', 'verbobj'];

/** The codes of one role family: "subj:…" / "obj:…" as in the whole file; "verb:<class>"; "vo:<verb>+<object>" (verb-major). */
function familyCodes(family: string, rules: RoleRules, all: string[]): string[] {
  if (family === 'subject' || family === 'object') return all.filter((c) => c.startsWith(family === 'subject' ? 'subj:' : 'obj:'));
  if (family === 'verb') return rules.verb.classes.map((c) => `verb:${c}`);
  return rules.verb.classes.flatMap((v) => rules.object.classes.map((o) => `vo:${v}+${o}`));
}

/** "roles/subject": the role file with one family only ("roles/subject@0.5": its cue weight halved); any other id: the cue file as it is. */
function cuesOrFamily(id: string, dir: string): CueSet | null {
  const [name, at] = id.split('@');
  const [file, family, lang] = name!.split('/');
  const weight = at === undefined ? 1 : Number(at);
  if (!(weight > 0)) throw new Error(`cue spec "${id}": the weight after "@" must be a positive number`);
  const set = cuesFor(file!, dir);
  if (!family && weight !== 1) throw new Error(`cue spec "${id}": a weight is given to a role family only ("roles/subject@0.5")`);
  if (!family || !set) return set;
  const r = set.roles?.[0];
  if (!r || !FAMILIES.includes(family)) throw new Error(`cue spec "${id}": only a role file has the families "subject", "object", "verb" and "verbobj"`);
  if ((family === 'verb' || family === 'verbobj') && !r.rules.verb.classes.length) throw new Error(`cue spec "${id}": the role file lists no verb classes (roles.verb)`);
  if (lang !== undefined && lang !== 'lang') throw new Error(`cue spec "${id}": after the family only "/lang" (codes apart for Chinese texts) may follow`);
  const own = familyCodes(family, r.rules, set.codes);
  // "/lang": the same codes once more for texts with Chinese characters ("zh:subj:…"), learned apart
  const codes = lang ? [...own, ...own.map((c) => `zh:${c}`)] : own;
  const at0 = (f: string) => (family === f ? 0 : -1);
  return {
    taxonomy: set.taxonomy,
    hash: createHash('sha256').update(`${set.hash}/${family}${lang ? '/lang' : ''}${weight === 1 ? '' : `@${weight}`}`).digest('hex'),
    codes,
    patterns: codes.map(() => NEVER),
    words: codes.map(() => []),
    roles: [{ rules: r.rules, subjectAt: at0('subject'), objectAt: at0('object'), verbAt: at0('verb'), pairAt: at0('verbobj'), ...(lang ? { zhShift: own.length } : {}) }],
    ...(weight === 1 ? {} : { weights: codes.map(() => weight) }),
  };
}

/** Position and length of the leftmost match of each class in `s` (ties: the longer); −1 = none. */
function leftmost(s: string, res: RegExp[], allowed?: (k: number) => boolean): number {
  let best = -1;
  let bestAt = Infinity;
  let bestLen = 0;
  for (let k = 0; k < res.length; k++) {
    if (allowed && !allowed(k)) continue;
    const m = res[k]!.exec(s);
    if (m && (m.index < bestAt || (m.index === bestAt && m[0].length > bestLen))) (best = k), (bestAt = m.index), (bestLen = m[0].length);
  }
  return best;
}

interface Modal {
  pos: number;
  end: number;
  zh: boolean;
  word: string;
}

/** The modal verbs of a normalised text in order (English whole words; Chinese outside the listed non-modal words). */
function modalsOf(t: string, rules: RoleRules): Modal[] {
  const out: Modal[] = [];
  rules.modal.lastIndex = 0;
  for (let m = rules.modal.exec(t); m; m = rules.modal.exec(t)) out.push({ pos: m.index, end: m.index + m[0].length, zh: false, word: m[0] });
  if (HAN.test(t)) {
    for (let p = 0; p < t.length; p++) {
      const m = rules.modalsZh.find((w) => t.startsWith(w, p));
      if (!m) continue;
      const blocked = rules.notModalZh.some((w) => {
        if (w === m) return false;
        const k = w.indexOf(m);
        return k >= 0 && p - k >= 0 && t.startsWith(w, p - k);
      });
      if (blocked) continue;
      out.push({ pos: p, end: p + m.length, zh: true, word: m });
      p += m.length - 1;
    }
    out.sort((a, b) => a.pos - b.pos);
  }
  return out;
}

/** The clauses before `pos`, nearest first (cut at punctuation), while the cut before each is a comma; at most `max`. */
function clausesBefore(t: string, pos: number, max: number): string[] {
  const out: string[] = [];
  let end = pos;
  for (let p = pos - 1; p >= -1 && out.length < max; p--) {
    if (p >= 0 && !BOUNDARY.test(t[p]!)) continue;
    out.push(t.slice(p + 1, end));
    if (p < 0 || (t[p] !== ',' && t[p] !== '、')) break;
    end = p;
  }
  return out;
}

const wordsOf = (s: string) => s.match(WORD) ?? [];
const isEmpty = (s: string) => !/[\p{L}\p{N}]/u.test(s);

/** Whether an English clause is subordinate: it starts with a subordinator, or one stands among its last three words. */
function subordinate(clause: string, rules: RoleRules): boolean {
  // Chinese: a conditional clause ends in 的 ("涉及知识产权的，不得…")
  if (HAN.test(clause)) return clause.trimEnd().endsWith('的');
  const w = wordsOf(clause);
  if (!w.length) return false;
  if (rules.subordinators.has(w[0]!)) return true;
  return w.slice(-3).some((x) => rules.subordinators.has(x));
}

/** The class of a subject clause: the first actor named, else the system if named, else "other". */
function subjectClass(clause: string, rules: RoleRules): number {
  const s = rules.subject;
  const actor = leftmost(clause, s.res, (k) => s.actor[k]!);
  if (actor >= 0) return actor;
  const other = leftmost(clause, s.res, (k) => !s.actor[k]);
  return other >= 0 ? other : s.classes.length; // "other"
}

/** The words after a main verb: after list markers and the verb itself, up to the clause's end (English: six words). */
function objectWindow(rest: string, zh: boolean): string {
  const r = rest.replace(/^[\s:：]*(?:(?:\(?[\p{L}\p{N}]{1,4}\)|\d+\.|[-•–])\s*)?/u, '');
  const cut = r.search(/[;.()!?\n；。！？（）]/u);
  const clause = cut >= 0 ? r.slice(0, cut) : r;
  if (zh) return clause.slice(0, 16);
  const w = wordsOf(clause);
  let k = 1; // the verb
  while (k < w.length && (w[k] === 'that' || w[k] === 'not')) k++;
  return w.slice(k, k + 6).join(' ');
}

/**
 * The class of the main verb (−1 = none listed): the first class word among the first words after the
 * modal (English: after list markers and the listed skip words such as "not", "also", "be", up to
 * three words; an imperative: its first words; Chinese: the first twelve characters, as the verb
 * often follows its object: 对生成内容进行标识). 鼓励 / 支持 / 推动
 * are themselves the verb, a public act when the file has that class (§8).
 */
function verbClass(rest: string, m: Modal | undefined, rules: RoleRules): number {
  if (!rules.verb.classes.length) return -1;
  if (m && rules.stateVerbsZh.has(m.word)) {
    const k = rules.verb.classes.indexOf('public');
    if (k >= 0) return k;
  }
  const r = rest.replace(/^[\s:：]*(?:(?:\(?[\p{L}\p{N}]{1,4}\)|\d+\.|[-•–])\s*)?/u, '');
  const cut = r.search(/[;.()!?\n；。！？（）]/u);
  const clause = cut >= 0 ? r.slice(0, cut) : r;
  if (m ? m.zh : HAN.test(clause.slice(0, 8))) return leftmost(clause.slice(0, 12), rules.verb.res);
  const w = wordsOf(clause);
  let k = 0;
  while (k < w.length && rules.verbSkip.has(w[k]!)) k++;
  return leftmost(w.slice(k, k + 3).join(' '), rules.verb.res);
}

/**
 * The subject class (index into subject classes, then "other", "none") and the object class (−1 =
 * none found) of a normalised text. The main clause is the first modal verb's whose clause is not
 * subordinate; a passive main clause takes its object from the subject.
 */
export function analyseRoles(t: string, rules: RoleRules): { subject: number; object: number; verb: number } {
  const none = rules.subject.classes.length + 1;
  for (const m of modalsOf(t, rules)) {
    const cl = clausesBefore(t, m.pos, 4);
    if (!m.zh && !isEmpty(cl[0]!) && subordinate(cl[0]!, rules)) continue;
    // an empty clause just before the modal ("Providers, where appropriate, shall"): look further back
    // a clause further back: not subordinate (a Chinese conditional clause still counts when it names an actor)
    const usable = (c: string, i: number) => i === 0 || !subordinate(c, rules) || (HAN.test(c) && leftmost(c, rules.subject.res, (k) => rules.subject.actor[k]!) >= 0);
    const subj = cl.find((c, i) => !isEmpty(c) && usable(c, i));
    const state = rules.stateVerbsZh.has(m.word) ? rules.subject.classes.indexOf('public-body') : -1;
    const subject = subj === undefined ? (state >= 0 ? state : none) : subjectClass(subj, rules);
    const rest = t.slice(m.end);
    const passive = !m.zh && rules.passive.test(rest);
    const window = passive ? subj ?? '' : objectWindow(rest, m.zh);
    return { subject, object: leftmost(window, rules.object.res), verb: verbClass(rest, m, rules) };
  }
  const zh = HAN.test(t.slice(0, 8));
  return { subject: none, object: leftmost(objectWindow(` ${t}`, zh), rules.object.res), verb: verbClass(` ${t}`, undefined, rules) };
}
