// List numbering as structure: which point a numbered point hangs from, read from the numbers
// themselves rather than from the indentation a reader guessed. Statutes and standards number
// their points in nested styles ("(2)" → "(a)" → "(I)" → "(A)"); a scanned or PDF page often loses
// the indentation, so a reader's list depth cannot tell "(c)" (a sibling of "(b)") from a point
// of the "(I)" list just above it. The numbers can: "(c)" follows "(b)" of its own style, and the
// first point of a style ("(a)", "(I)", "1.") hangs from the block right before it.
import type { Block } from '../ingest/types.ts';

/** A numbering style and the point's ordinal in it ("(c)" → lower 3; "(IV)" → roman-upper 4). */
export interface Ordinal {
  cls: string;
  n: number;
  /** The number opens the block's text after the reader's own marker: a point inside the block. */
  inner?: boolean;
}

const ROMAN = /^(?:x{0,3})(?:ix|iv|v?i{0,3})$/i;

function romanValue(s: string): number {
  const v: Record<string, number> = { i: 1, v: 5, x: 10 };
  let total = 0;
  const t = s.toLowerCase();
  for (let k = 0; k < t.length; k++) {
    const a = v[t[k]!]!;
    const b = k + 1 < t.length ? v[t[k + 1]!]! : 0;
    total += a < b ? -a : a;
  }
  return total;
}

const CJK_DIGITS = '一二三四五六七八九十';

/** The interpretations of one number as printed: "(i)" is roman 1 or the letter i (9). */
export function ordinalsOf(mark: string): Ordinal[] {
  const m = /^\s*[(（]?\s*([0-9]{1,3}|[A-Za-z]{1,5}|[一二三四五六七八九十]{1,3})\s*[)）.、．]?\s*$/.exec(mark);
  if (!m) return [];
  const s = m[1]!;
  const paren = /^\s*[(（]/.test(mark) ? 'p' : '';
  const out: Ordinal[] = [];
  if (/^\d+$/.test(s)) out.push({ cls: `num${paren}`, n: Number(s) });
  else if (/^[一二三四五六七八九十]+$/.test(s)) {
    const n = s.length === 1 ? CJK_DIGITS.indexOf(s) + 1 : s === '十' ? 10 : s.startsWith('十') ? 10 + CJK_DIGITS.indexOf(s[1]!) + 1 : 0;
    if (n > 0) out.push({ cls: `cjk${paren}`, n });
  } else {
    const upper = s === s.toUpperCase();
    if (ROMAN.test(s)) out.push({ cls: `roman-${upper ? 'upper' : 'lower'}${paren}`, n: romanValue(s) });
    if (s.length === 1) out.push({ cls: `letter-${upper ? 'upper' : 'lower'}${paren}`, n: s.toLowerCase().charCodeAt(0) - 96 });
  }
  return out;
}

// A number that opens a block's text: "(a) …", "(IV) …", "a) …", "（一）…", "一、…", "3. …".
const OPENING_NUMBER = /^\s*((?:[(（]\s*(?:[0-9]{1,3}|[A-Za-z]{1,5}|[一二三四五六七八九十]{1,3})\s*[)）])|(?:[0-9]{1,3}|[a-z]|[一二三四五六七八九十]{1,3})[)）、．]|[0-9]{1,2}\.(?!\d))/;

/** The numbers that identify a block as a point: the reader's marker, else (or also) its opening number. */
export function blockOrdinals(b: Block): Ordinal[] {
  if (b.kind !== 'item' && b.kind !== 'paragraph') return [];
  const out: Ordinal[] = [];
  const opening = OPENING_NUMBER.exec(b.text);
  if (b.kind === 'item' && b.marker) {
    out.push(...ordinalsOf(b.marker));
    if (out.length && opening) for (const o of ordinalsOf(opening[1]!)) out.push({ ...o, inner: true });
    return out;
  }
  return opening ? ordinalsOf(opening[1]!) : [];
}

/** What the numbering of a document's points tells about their lead-ins. */
export interface OrdinalLeadIns {
  /**
   * `{ lead }`: the numbers decide (the block the point hangs from, or none); `{ head }`: the first
   * point of the point's list, whose lead-in the numbers cannot tell; `undefined`: no numbering.
   */
  leadIn(i: number): { lead: number | undefined } | { head: number } | undefined;
  /** The previous point of the same list (same numbering style), when the numbers show it. */
  previousSibling(i: number): number | undefined;
}

export function ordinalLeadIns(blocks: Block[], isBoundary: (j: number) => boolean, canLead: (j: number) => boolean, window = 80): OrdinalLeadIns {
  const ords = blocks.map(blockOrdinals);
  const sibling = new Map<number, { j: number; cls: string } | null>();
  type Lead = { lead: number | undefined } | { head: number } | undefined;
  const memo = new Map<string, Lead>();

  /** The nearest earlier point numbered n-1 in one of i's styles, stopping at a heading or a list of the same style that does not fit. */
  function findSibling(i: number, only?: string): { j: number; cls: string } | null {
    if (only === undefined && sibling.has(i)) return sibling.get(i)!;
    let best: { j: number; cls: string } | null = null;
    for (const o of ords[i]!) {
      if (o.inner || o.n < 2 || (only && o.cls !== only)) continue;
      for (let j = i - 1; j >= 0 && j >= i - window; j--) {
        if (isBoundary(j)) break;
        const same = ords[j]!.filter((x) => x.cls === o.cls);
        if (!same.length) continue;
        if (same.some((x) => x.n === o.n - 1)) {
          if (!best || j > best.j) best = { j, cls: o.cls };
        }
        break;
      }
    }
    if (only === undefined) sibling.set(i, best);
    return best;
  }

  function leadFor(i: number, only?: string): Lead {
    const key = `${i}:${only ?? ''}`;
    if (memo.has(key)) return memo.get(key);
    memo.set(key, undefined);
    let out: Lead;
    const own = ords[i]!.filter((o) => !only || o.cls === only);
    const inner = own.length > 0 && own.every((o) => o.inner);
    if (inner) out = { lead: undefined };
    else if (own.length) {
      const sib = findSibling(i, only);
      if (sib) out = leadFor(sib.j, sib.cls);
      else {
        out = { head: i };
        if (own.some((o) => !o.inner && o.n === 1)) {
          // The first point of its style hangs from the block right before it, when that block can lead a list.
          let j = i - 1;
          while (j >= 0 && !isBoundary(j) && blocks[j]!.hint) j--;
          if (j >= 0 && !isBoundary(j) && canLead(j)) out = { lead: j };
        }
      }
    }
    memo.set(key, out);
    return out;
  }

  return {
    leadIn: (i) => leadFor(i),
    previousSibling: (i) => findSibling(i)?.j,
  };
}
