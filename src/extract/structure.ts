// Roled blocks → statements. One statement per measure however the document lays it out:
//   - a numbered article, clause, point or checklist item is one statement, its number the `ref`;
//   - a list item's nested items are its children (parentKey); a lead-in paragraph ending in ":"
//     is the parent of the list under it;
//   - a list item with a lead-in ("Constrain model behaviour: …") is named by the lead-in;
//   - a heading followed by the paragraphs that state one measure under it is one statement
//     named by the heading;
//   - a table row is one statement: the id-like cell is the ref, the longest prose cell the text
//     (with its exact span), the other cells `meta.columns`.
// Keys follow the scheme of src/ingest/segment.ts (hash of heading path + normalised text), so
// statements that did not change keep their ids when a document is ingested again.
import { createHash } from 'node:crypto';
import type { Extracted } from '../ingest/types.ts';
import { tableRowParts } from './table.ts';
import { squash } from '../ingest/segment.ts';
import { detectLanguage } from '../ingest/detect.ts';
import type { StatementKind } from '../model/index.ts';
import { isStatementRole, type ExtractedStatement, type OutlineBlock } from './types.ts';
import { continuations, languageScores, sectionClass, stripNumber } from './roles.ts';

const CJK_LANGS = new Set(['zh', 'ja', 'ko']);

export { isIdCell, tableRowParts, type TableRowParts } from './table.ts';

export interface BuildOptions {
  language: string;
  /** Heading level of each block (headings and paragraphs that work as headings), from classifyAll. */
  levels?: (number | undefined)[];
  /** Anchors of blocks a maintainer asked to split out of their group. */
  split?: Set<string>;
  /** Groups of anchors a maintainer asked to merge into one statement. */
  merge?: string[][];
}

/** Trim whitespace off a [start, end) span of `text`. */
function trimSpan(text: string, start: number, end: number): [number, number] {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return [start, end];
}

const CJK = /[\u3400-\u9fff]/u;
const BULLET = /^[\u2022\u25cf\u25aa\u25a0\u25e6\u2013\u2014\-–—*·\uf000-\uf8ff]$/u;
const DESCRIPTIVE = /^(?:summary|description|overview|purpose|objectives?|definition|what (?:it|this) is|about|概述|描述|说明)$/iu;
const LEAD_NAME = /^(.{2,80}?)\s*[:：]\s+\S/u;

/** A short name (≤ 12 words, or 24 Chinese characters): a lead-in, else the first sentence clipped. */
export function nameOf(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  const lead = LEAD_NAME.exec(t);
  const cjkLead = lead && CJK.test(lead[1]!);
  if (lead && !/[.!?。！？]/u.test(lead[1]!) && (cjkLead ? [...lead[1]!].length <= 24 && !/[，；,;]/u.test(lead[1]!) : lead[1]!.split(/\s+/).length <= 12)) return lead[1]!.trim();
  const sentence = /^(.+?[.!?。！？；;])(?:\s|$)/u.exec(t)?.[1] ?? t;
  if (CJK.test(sentence.slice(0, 12))) {
    const chars = [...sentence];
    return chars.length <= 24 ? sentence.replace(/[。；;]$/u, '') : chars.slice(0, 24).join('').replace(/[，,、；;：:]$/u, '') + '…';
  }
  const words = sentence.split(' ');
  if (words.length <= 12) return sentence.replace(/[.;]$/u, '');
  return words.slice(0, 12).join(' ').replace(/[\s,;:–—-]+$/u, '') + '…';
}

/** Strip a printed number from a heading used as a name; returns the number as ref. */
function splitNumber(title: string): { ref?: string; name: string } {
  const m = /^((?:article|art\.|section|chapter|part|annex|appendix|action|principle|recommendation)\s+[0-9IVXLC]+[a-z]?|(?:\d+|[A-Z])(?:\.\d+)+|\d+\.?|第[一二三四五六七八九十百零〇0-9]+[条章节])\s*[:.：、]?\s+(.+)$/iu.exec(title.trim());
  return m ? { ref: m[1]!.replace(/\.$/, ''), name: m[2]! } : { name: title.trim() };
}

const GENERIC_NAME = /^(?:.{0,30}(?:要求如下|如下|包括|以下内容|下列)|(?:the following|as follows|.{0,40}\b(?:include|includes|including|the following|as follows)))[。:：…]?$/i;
const ARTICLE_REF = /^((?:article|art\.)\s+\d+[a-z]?|第[一二三四五六七八九十百零〇0-9]+条)/iu;
const POINT_REF = /^(\(?[0-9]{1,2}[)）]|\([a-z]{1,2}\)|[a-z][)）]|\([ivx]{1,5}\)|（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、)/u;
const NUM_REF = /^((?:\d+|[A-Z])(?:\.\d+)+)\s/u;

interface Group {
  /** Outline indexes, in order; the first is the leader. */
  members: number[];
  kind: StatementKind;
  name?: string;
  ref?: string;
  /** Index of the block whose group is the parent. */
  parentOf?: number;
}

/** What the grouping steps share: the outline, its heading levels and the groups made so far. */
interface Ctx {
  outline: OutlineBlock[];
  n: number;
  levels: (number | undefined)[];
  splitSet: Set<string>;
  groupOf: (Group | undefined)[];
  groups: Group[];
  /** Sections: each heading's member blocks. */
  sectionOf: Map<number, number[]>;
  /** The headings whose sections hold each block (outermost first). */
  headsOf: number[][];
}

const isHead = (c: Ctx, i: number): boolean => c.levels[i] !== undefined;
const roleOf = (c: Ctx, i: number) => c.outline[i]!.decision.role;
const isPoint = (c: Ctx, i: number): boolean => c.outline[i]!.block.kind === 'item' || POINT_REF.test(c.outline[i]!.block.text.trim());
const named = (c: Ctx, i: number): boolean => LEAD_NAME.test(c.outline[i]!.block.text.trim()) && !ARTICLE_REF.test(c.outline[i]!.block.text.trim());
const splitOut = (c: Ctx, i: number): boolean => c.splitSet.has(c.outline[i]!.anchor);

function addGroup(c: Ctx, g: Group): void {
  c.groups.push(g);
  for (const m of g.members) c.groupOf[m] = g;
}

/** Each heading's section (its member blocks) and, for each block, the headings above it. */
function sectionsOf(levels: (number | undefined)[]): { sectionOf: Map<number, number[]>; headsOf: number[][] } {
  const n = levels.length;
  const sectionOf = new Map<number, number[]>();
  const headsOf: number[][] = new Array(n);
  const open: { level: number; index: number }[] = [];
  for (let i = 0; i < n; i++) {
    const lv = levels[i];
    if (lv !== undefined) {
      while (open.length && open[open.length - 1]!.level >= lv) open.pop();
      for (const o of open) sectionOf.get(o.index)!.push(i);
      headsOf[i] = open.map((o) => o.index);
      open.push({ level: lv, index: i });
      sectionOf.set(i, []);
    } else {
      for (const o of open) sectionOf.get(o.index)!.push(i);
      headsOf[i] = open.map((o) => o.index);
    }
  }
  return { sectionOf, headsOf };
}

/**
 * Build statements from an outline whose blocks already have roles (and heading paths).
 * Sets `statementKey` on the outline blocks that went into a statement; may give a heading the
 * role of the statement it names.
 */
export function buildStatements(ex: Extracted, outline: OutlineBlock[], opts: BuildOptions): ExtractedStatement[] {
  const n = outline.length;
  const levels = opts.levels ?? outline.map((o) => (o.block.kind === 'heading' ? o.block.level : undefined));
  const c: Ctx = { outline, n, levels, splitSet: opts.split ?? new Set<string>(), groupOf: new Array<Group | undefined>(n), groups: [], ...sectionsOf(levels) };
  groupValueHeadings(c);
  groupNamingHeadings(c);
  groupArticles(c);
  applyMerges(c, opts.merge ?? []);
  joinContinuations(c);
  // 5. Every other statement-role block is a statement of its own.
  for (let i = 0; i < n; i++) {
    if (c.groupOf[i] || isHead(c, i)) continue;
    const k = roleOf(c, i);
    if (!isStatementRole(k)) continue;
    addGroup(c, { members: [i], kind: k });
  }
  assignParents(c);
  // Statements in document order.
  c.groups.sort((a, b) => Math.min(...a.members) - Math.min(...b.members));
  return emitStatements(ex, c, opts.language);
}

/**
 * 0. Headings the classifier already gave a statement role (a heading naming a value): the
 *    heading + the paragraphs of that role right under it.
 */
function groupValueHeadings(c: Ctx): void {
  const { outline, n } = c;
  for (let h = 0; h < n; h++) {
    const k = roleOf(c, h);
    if (!isHead(c, h) || !isStatementRole(k)) continue;
    const members = [h];
    for (let j = h + 1; j < n; j++) {
      const b = outline[j]!.block;
      if (isHead(c, j) || b.kind !== 'paragraph' || isPoint(c, j)) break;
      if (roleOf(c, j) === 'apparatus') continue;
      if (roleOf(c, j) !== k || splitOut(c, j)) break;
      members.push(j);
    }
    const { name, ref } = splitNumber(outline[h]!.block.text.trim());
    addGroup(c, { members, kind: k, name: name.replace(/\d{1,3}$/u, '').replace(/[:：].*$/u, '').trim() || name, ref });
  }
}

/**
 * 1. Headings that name a statement: a short, specific title over content of one kind
 *    ("A.1 Discriminatory content" + its paragraph; a catalogue entry with Summary/Description).
 */
function groupNamingHeadings(c: Ctx): void {
  for (const [h, members] of c.sectionOf) {
    const hb = c.outline[h]!;
    if (roleOf(c, h) === 'apparatus' || hb.decision.source === 'human' || c.groupOf[h]) continue;
    const title = hb.block.text.trim();
    const { name, ref } = splitNumber(title);
    if (sectionClass(title) || DESCRIPTIVE.test(stripNumber(title)) || (CJK.test(name) ? [...name].length > 30 : name.split(/\s+/).length > 14)) continue;
    const found = headingMembers(c, h, title, members);
    if (!found) continue;
    const { kind } = found;
    const join = found.join.filter((m) => !c.groupOf[m] && !splitOut(c, m));
    if (!hb.decision || isStatementRole(roleOf(c, h)) === false) {
      hb.decision = { role: kind, confidence: Math.min(0.9, hb.decision.confidence), reason: `a heading that names the ${kind} stated under it`, source: hb.decision.source };
    }
    addGroup(c, { members: [h, ...join], kind, name, ref });
  }
}

/** The kind a naming heading takes and the blocks of its section that join it (step 1). */
function headingMembers(c: Ctx, h: number, title: string, members: number[]): { kind: StatementKind; join: number[] } | undefined {
  const content = members.filter((m) => !isHead(c, m));
  const subHeads = members.filter((m) => isHead(c, m));
  const kinds = content.map((m) => roleOf(c, m)).filter(isStatementRole);
  if (!kinds.length) return undefined;
  const tally = new Map<StatementKind, number>();
  for (const k of kinds) tally.set(k, (tally.get(k) ?? 0) + 1);
  let [kind, count] = [...tally.entries()].sort((a, b) => b[1] - a[1])[0]!;
  if (!subHeads.length && content.length <= 4 && content.every((m) => roleOf(c, m) === kind) && languageScores(title)[kind] >= 0.3) {
    // Leaf: a heading whose own words name a measure, risk or principle + the paragraphs of that kind under it.
    // Leaf: heading + paragraphs of one kind (points under them stay children).
    const join = content.filter((m) => !isPoint(c, m) && (!named(c, m) || content.length === 1));
    return join.length ? { kind, join } : undefined;
  }
  if (!(subHeads.length && DESCRIPTIVE.test(stripNumber(c.outline[subHeads[0]!]!.block.text)) && count >= 2)) return undefined;
  // The entry's kind is what its description states (a risk entry may list mitigations too).
  const described = c.sectionOf.get(subHeads[0]!)!.map((m) => roleOf(c, m)).filter(isStatementRole);
  if (described.length) kind = described[0]!;
  else if (count < 0.6 * kinds.length) return undefined;
  // Catalogue entry: the title + the statement paragraphs of its descriptive subsections.
  const owner = (m: number) => {
    let o = h;
    for (const s of subHeads) if (s < m && c.sectionOf.get(s)!.includes(m)) o = s;
    return o;
  };
  const join = content.filter((m) => {
    const o = owner(m);
    return roleOf(c, m) === kind && !isPoint(c, m) && !named(c, m) && (o === h || DESCRIPTIVE.test(stripNumber(c.outline[o]!.block.text)));
  });
  return { kind, join };
}

/** 2. Articles: the opening paragraph and the plain paragraphs that continue it. */
function groupArticles(c: Ctx): void {
  const { outline, n } = c;
  for (let i = 0; i < n; i++) {
    const k = roleOf(c, i);
    if (c.groupOf[i] || !isStatementRole(k) || isHead(c, i)) continue;
    const t = outline[i]!.block.text.trim();
    const art = ARTICLE_REF.exec(t);
    if (!art) continue;
    const members = [i];
    for (let j = i + 1; j < n; j++) {
      const b = outline[j]!.block;
      if (isHead(c, j) || b.kind !== 'paragraph' || ARTICLE_REF.test(b.text.trim()) || isPoint(c, j)) break;
      if (roleOf(c, j) !== k || c.groupOf[j] || splitOut(c, j)) break;
      members.push(j);
    }
    addGroup(c, { members, kind: k, ref: art[1], name: nameOf(t.replace(ARTICLE_REF, '').replace(/^\s*[:：.]\s*/u, '')) });
  }
}

/** 3. Maintainers' merges. */
function applyMerges(c: Ctx, merges: string[][]): void {
  for (const anchors of merges) {
    const idx = [...new Set(anchors.flatMap((a) => c.outline.filter((o) => o.anchor === a).map((o) => o.index)))].sort((a, b) => a - b);
    if (idx.length < 2) continue;
    const kinds = idx.map((i) => roleOf(c, i)).filter(isStatementRole);
    if (!kinds.length) continue;
    for (const i of idx) {
      const g = c.groupOf[i];
      if (g) g.members = g.members.filter((m) => m !== i);
      c.groupOf[i] = undefined;
    }
    for (let gi = c.groups.length - 1; gi >= 0; gi--) if (!c.groups[gi]!.members.length) c.groups.splice(gi, 1);
    addGroup(c, { members: idx, kind: kinds[0]! });
  }
}

/** 4. Blocks that continue the block before them (a broken line or page) join its statement. */
function joinContinuations(c: Ctx): void {
  const { outline, n, groupOf } = c;
  const chain = continuations(outline.map((o) => o.block), c.levels);
  for (let i = 0; i < n; i++) {
    const h = chain[i];
    if (h === undefined || groupOf[i] || splitOut(c, i)) continue;
    const g = groupOf[i - 1] ?? groupOf[h];
    if (g && roleOf(c, i) === g.kind && g.members.includes(i - 1)) {
      g.members.push(i);
      groupOf[i] = g;
    }
    // Neither grouped yet: the chain becomes one statement in the second pass.
  }
  for (let i = 0; i < n; i++) {
    const h = chain[i];
    if (h === undefined || groupOf[i] || splitOut(c, i)) continue;
    const k = roleOf(c, i);
    if (!isStatementRole(k)) continue;
    const g = groupOf[i - 1];
    if (g && g.kind === k) {
      g.members.push(i);
      groupOf[i] = g;
    } else if (!g && roleOf(c, i - 1) === k && !isHead(c, i - 1)) addGroup(c, { members: [i - 1, i], kind: k });
  }
}

/** Parents: points under a lead-in or article, nested items, statements under a statement heading; and point refs. */
function assignParents(c: Ctx): void {
  const byLeader = new Map<number, Group>();
  for (const g of c.groups) byLeader.set(Math.min(...g.members), g);
  const walkEnd = new Map<string, { parent: Group | undefined }>();
  for (const g of c.groups) {
    const first = Math.min(...g.members);
    const b = c.outline[first]!.block;
    let parent = b.kind === 'item' || isPoint(c, first) ? listParent(c, first, walkEnd) : undefined;
    if (!parent) {
      // A statement heading above owns the statements in its section (the nearest such heading).
      const path = (c.headsOf[first] ?? []).filter((h) => c.groupOf[h] && c.groupOf[h] !== g && (c.groupOf[h]!.kind === g.kind || c.groupOf[h]!.kind === 'principle'));
      if (path.length) parent = c.groupOf[Math.max(...path)];
    }
    if (parent && parent !== g) g.parentOf = Math.min(...parent.members);
    if (!g.ref) {
      const t = b.text.trim();
      if (b.kind === 'item' && b.marker && !BULLET.test(b.marker)) g.ref = b.marker;
      else g.ref = POINT_REF.exec(t)?.[1] ?? NUM_REF.exec(t)?.[1];
      if (g.ref && g.parentOf !== undefined) {
        const pr = byLeader.get(g.parentOf)?.ref;
        if (pr && ARTICLE_REF.test(pr)) g.ref = `${pr} ${g.ref}`;
      }
    }
  }
}

/** Walk back from a point to the nearest item of lower depth, or the lead-in/article above the list. */
function listParent(c: Ctx, first: number, walkEnd: Map<string, { parent: Group | undefined }>): Group | undefined {
  const b = c.outline[first]!.block;
  const depth = b.kind === 'item' ? b.depth : 99;
  let sawDeeper = false;
  let parent: Group | undefined;
  // A walk from j (with nothing deeper seen yet) ends the same way whichever block it started
  // from: remember where each one ended, so a long flat list is walked once, not once per item.
  const memoKey = (j: number) => `${b.kind === 'item' ? depth : 'p'} ${j}`;
  const passed: number[] = [];
  for (let j = first - 1; j >= 0 && !parent; j--) {
    if (!sawDeeper) {
      const known = walkEnd.get(memoKey(j));
      if (known) {
        parent = known.parent;
        break;
      }
      passed.push(j);
    }
    const x = c.outline[j]!.block;
    if (isHead(c, j)) break;
    if (x.kind === 'item' && b.kind === 'item' && (x.depth < depth || (x.depth === depth && /[:：]$/.test(x.text.trim()) && !sawDeeper))) {
      parent = c.groupOf[j];
      break;
    }
    if (x.kind === 'item' && b.kind === 'item' && x.depth > depth) sawDeeper = true;
    if (x.kind === 'item' || isPoint(c, j)) continue;
    const xt = x.text.trim();
    if (x.kind === 'paragraph' && (/[:：]$/u.test(xt) || ARTICLE_REF.test(xt) || /如下|下列|以下|following|as follows/iu.test(xt))) parent = c.groupOf[j];
    else if (x.kind === 'paragraph') {
      const lg = c.groupOf[j];
      if (lg && ARTICLE_REF.test(c.outline[Math.min(...lg.members)]!.block.text.trim())) parent = lg;
    }
    break;
  }
  for (const j of passed) walkEnd.set(memoKey(j), { parent });
  return parent;
}

/** The groups, in order, as statements with keys, names, spans, refs and languages. */
function emitStatements(ex: Extracted, c: Ctx, language: string): ExtractedStatement[] {
  const out: ExtractedStatement[] = [];
  const keyCount = new Map<string, number>();
  const docCjk = CJK_LANGS.has(language);
  const keyOf = (path: string[], text: string) => {
    const h = createHash('sha256').update(squash(path.join('\u0001')) + '\u0002' + squash(text)).digest('hex').slice(0, 16);
    const n = (keyCount.get(h) ?? 0) + 1;
    keyCount.set(h, n);
    return n === 1 ? h : `${h}~${n}`;
  };
  const langOf = (text: string) => {
    const l = detectLanguage(text);
    if (!l || l === language) return language;
    return CJK_LANGS.has(l) !== docCjk || text.length > 300 ? l : language;
  };
  const keyByLeader = new Map<number, string>();
  for (const g of c.groups) {
    const members = [...g.members].sort((a, b) => a - b);
    const lead = c.outline[members[0]!]!;
    const b = lead.block;
    const last = c.outline[members[members.length - 1]!]!.block;
    const span = groupSpan(ex, g, members, c.outline);
    const { text, charStart, charEnd, meta } = span;
    let ref = span.ref;
    if (!text.trim()) continue;
    let name = g.name && !/^\s*$/.test(g.name) ? clipName(g.name) : nameOf(b.kind === 'item' || POINT_REF.test(text) ? text.replace(POINT_REF, '').trim() : text);
    // A lead-in that names nothing ("要求如下", "包含以下内容", "as follows") gives way to the section's title.
    if (GENERIC_NAME.test(name) && lead.headingPath.length) name = clipName(splitNumber(lead.headingPath[lead.headingPath.length - 1]!).name);
    const key = keyOf(lead.headingPath, text);
    keyByLeader.set(members[0]!, key);
    const parentKey = g.parentOf !== undefined ? keyByLeader.get(g.parentOf) : undefined;
    const pageEnd = last.pageEnd ?? last.page;
    if (!ref && b.page) ref = pageEnd && pageEnd !== b.page ? `pp. ${b.page}–${pageEnd}` : `p. ${b.page}`;
    const st: ExtractedStatement = {
      key,
      parentKey,
      ord: out.length,
      kind: g.kind,
      name,
      text,
      headingPath: lead.headingPath,
      page: b.page,
      pageEnd: pageEnd && pageEnd !== b.page ? pageEnd : undefined,
      charStart,
      charEnd,
      ref,
      language: langOf(text),
      blocks: members,
      meta,
    };
    for (const m of members) c.outline[m]!.statementKey = key;
    out.push(st);
  }
  return out;
}

/** A group's text and span: a table row's statement cell (its other cells as metadata), else the members' whole span. */
function groupSpan(ex: Extracted, g: Group, members: number[], outline: OutlineBlock[]): { text: string; charStart: number; charEnd: number; ref?: string; meta: Record<string, unknown> } {
  const lead = outline[members[0]!]!;
  const b = lead.block;
  const last = outline[members[members.length - 1]!]!.block;
  const meta: Record<string, unknown> = { role: lead.decision };
  let ref = g.ref;
  if (b.kind === 'table-row' && members.length === 1) {
    const parts = tableRowParts(b);
    const [charStart, charEnd] = trimSpan(ex.text, b.start + parts.span[0], b.start + parts.span[1]);
    if (parts.refCell !== undefined) ref = b.cells[parts.refCell]!.trim();
    else if (parts.ref) ref = parts.ref;
    if (Object.keys(parts.columns).length) meta.columns = parts.columns;
    meta.table = b.table;
    return { text: ex.text.slice(charStart, charEnd), charStart, charEnd, ref, meta };
  }
  const [charStart, charEnd] = trimSpan(ex.text, b.start, last.end);
  return { text: members.length === 1 ? b.text : ex.text.slice(charStart, charEnd), charStart, charEnd, ref, meta };
}

function clipName(name: string): string {
  return nameOf(name);
}
