// Scoring every linear member of a taxonomy model at once. The full model's members and those of
// its level models read the same feature vector, so their weights are laid out feature by feature:
// for each feature one record of (class, weight) pairs, member after member, each member's classes
// numbered after those of the members before it (so one array of scores holds every member's, and a
// record is a single run of pairs whatever the number of members). Classes are 8- or 16-bit
// integers, weights float32. A text's feature costs one look-up of where its record starts and one
// tight loop over its pairs.
//
// The arithmetic is that of `compactScores`, in the same order: per member, its intercepts, then
// each feature in ascending order adding value × weight class by class. Each score receives the same
// additions in the same order (members only interleave, and no member's score is another's), and
// the weights are the same float32 numbers, so the scores are the same numbers, bit for bit.
import type { CompactLinear } from '../embedded/compact.ts';
import type { SparseVec } from '../embedded/sparse.ts';

export class FusedScorer {
  private constructor(
    private readonly members: CompactLinear[],
    /** Per member m: its first class's number among all members' classes (members + 1 entries). */
    private readonly off: Int32Array,
    /** Every member's intercepts, in their numbering. */
    private readonly bias: Float64Array,
    /** Per feature j: where its record starts (at 2j) and ends (at 2j + 1), side by side: one memory read. */
    private readonly span: Int32Array,
    /** Per pair: its class in the common numbering (ascending within a record: member by member). */
    private readonly rows: Uint8Array | Uint16Array,
    /** The weights of the pairs. */
    private readonly vals: Float32Array,
  ) {
    this.sums = new Float64Array(bias.length);
    this.views = Array.from(members, (_, m) => this.sums.subarray(off[m]!, off[m + 1]!));
  }

  /**
   * `layout`: the features in the order their records are laid out (the most frequent first keeps
   * the records most texts read together in a few cache lines); by default, index order.
   */
  static of(members: CompactLinear[], dim: number, layout?: Int32Array): FusedScorer {
    const order = layout ?? Int32Array.from({ length: dim }, (_, j) => j);
    const off = new Int32Array(members.length + 1);
    members.forEach((m, i) => (off[i + 1] = off[i]! + m.K));
    const total = off[members.length]!;
    if (total > 65535) throw new Error(`a model of ${total} classes over its members is more than scoring can number`);
    const bias = new Float64Array(total);
    members.forEach((m, i) => bias.set(m.bias, off[i]!));
    const size = (j: number) => {
      let n = 0;
      for (const m of members) if (j >= m.lo && j < m.hi) n += m.colPtr[j - m.lo + 1]! - m.colPtr[j - m.lo]!;
      return n;
    };
    const span = new Int32Array(2 * dim);
    let len = 0;
    for (const j of order) {
      span[2 * j] = len;
      len += size(j);
      span[2 * j + 1] = len;
    }
    const rows = total <= 256 ? new Uint8Array(len) : new Uint16Array(len);
    const vals = new Float32Array(len);
    for (const j of order) {
      let q = span[2 * j]!;
      members.forEach((m, i) => {
        if (j < m.lo || j >= m.hi) return;
        for (let p = m.colPtr[j - m.lo]!; p < m.colPtr[j - m.lo + 1]!; p++, q++) {
          rows[q] = off[i]! + m.rows[p]!;
          vals[q] = m.vals[p]!;
        }
      });
    }
    return new FusedScorer(members, off, bias, span, rows, vals);
  }

  /**
   * Each member's class scores for x, in the order the members were given: views of one array that
   * the next call overwrites (read them before scoring another text).
   */
  scores(x: SparseVec): Float64Array[] {
    const s = this.sums;
    s.set(this.bias);
    const { span, rows, vals } = this;
    const dim = span.length >>> 1;
    const { idx, val } = x;
    // the records of the features are not in index order: `span` says where each starts and ends
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i]!;
      if (j < 0 || j >= dim) continue;
      const v = val[i]!;
      const e = span[2 * j + 1]!;
      for (let p = span[2 * j]!; p < e; p++) s[rows[p]!]! += v * vals[p]!;
    }
    return this.views;
  }
  /** The scores of every member, and a view of each member's part (made once). */
  private readonly sums: Float64Array;
  private readonly views: Float64Array[];

  /**
   * `EmbeddedModel.contrast` over the first `n` members (the full model's), read from the records
   * scoring has just read: per feature of x outside `skip`, each member's share of the difference
   * between the temperature-scaled scores of class k and class s (or the mean of the other classes
   * when s < 0), summed over the members in their order; positive shares only, largest first, equal
   * ones in the order the member-by-member walk would have found them. The same numbers.
   */
  contrast(x: SparseVec, n: number, k: number, s: number, members: { T: number; K: number }[], skip?: [number, number]): { feature: number; value: number }[] {
    const { span, rows, vals, off } = this;
    const dim = span.length >>> 1;
    const { idx, val } = x;
    // scratch arrays kept from call to call (allocating typed arrays costs more than the loop)
    if (this.acc.length < idx.length) {
      this.acc = new Float64Array(idx.length * 2);
      this.first = new Int8Array(idx.length * 2);
    }
    const { acc, first } = this;
    for (let i = 0; i < idx.length; i++) {
      acc[i] = 0;
      first[i] = -1;
    }
    // per member: the positions it was the first to find, ascending
    const found: number[][] = [];
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i]!;
      if (j < 0 || j >= dim || (skip && j >= skip[0] && j < skip[1])) continue;
      let q = span[2 * j]!;
      const last = span[2 * j + 1]!;
      for (let m = 0; m < n && q < last; m++) {
        // member m's pairs: those numbered below off[m + 1], in the order of its column
        const below = off[m + 1]!;
        const ck = off[m]! + k;
        const cs = s >= 0 ? off[m]! + s : -1;
        const a = q;
        let own = 0;
        let other = 0;
        let all = 0;
        for (; q < last; q++) {
          const r = rows[q]!;
          if (r >= below) break;
          const w = vals[q]!;
          all += w;
          if (r === ck) own = w;
          if (r === cs) other = w;
        }
        if (a === q) continue; // no weight: a share of 0, which is never counted
        if (s < 0) other = (all - own) / Math.max(1, members[m]!.K - 1);
        const v = (val[i]! * (own - other)) / members[m]!.T / n;
        if (v > 0) {
          if (first[i]! < 0) {
            first[i] = m;
            (found[m] ??= []).push(i);
          }
          acc[i]! += v;
        }
      }
    }
    return ranked(idx, acc, found.flat());
  }
  private acc = new Float64Array(0);
  private first = new Int8Array(0);
}

/**
 * The features with a positive share, largest first; equal shares in the order the member-by-member
 * walk finds them: `found`, by the first member that found the feature, then by position.
 */
function ranked(idx: Int32Array, acc: Float64Array, found: number[]): { feature: number; value: number }[] {
  const key = new Float64Array(found.length);
  for (let r = 0; r < found.length; r++) key[r] = acc[found[r]!]!;
  const order = stableDescending(key);
  const out = new Array<{ feature: number; value: number }>(order.length);
  for (let r = 0; r < order.length; r++) out[r] = { feature: idx[found[order[r]!]!]!, value: key[order[r]!]! };
  return out;
}

/** The positions 0 … n − 1 ordered by key, largest first, equal keys in position order (a merge sort). */
export function stableDescending(key: Float64Array): Int32Array {
  const n = key.length;
  let a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  let b = new Int32Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let o = lo;
      // the left run wins ties: stable
      while (i < mid && j < hi) b[o++] = key[a[j]!]! > key[a[i]!]! ? a[j++]! : a[i++]!;
      while (i < mid) b[o++] = a[i++]!;
      while (j < hi) b[o++] = a[j++]!;
    }
    [a, b] = [b, a];
  }
  return a;
}
