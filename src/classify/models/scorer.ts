// Scoring every linear member of a taxonomy model at once. The full model's members and those of
// its level models read the same feature vector, so their weights are laid out feature by feature:
// for each feature, each member's number of weights and then its (class, weight) pairs, in two
// parallel arrays (classes and counts as 8- or 16-bit integers, weights as float32). A text's feature
// then costs one look-up of where its record starts instead of one per member.
//
// The arithmetic is that of `compactScores`, in the same order: per member, its intercepts, then
// each feature in ascending order adding value × weight class by class in the stored order. The
// weights are the same float32 numbers, so the scores are the same numbers, bit for bit.
import type { CompactLinear } from '../embedded/compact.ts';
import type { SparseVec } from '../embedded/sparse.ts';

export class FusedScorer {
  private constructor(
    private readonly members: CompactLinear[],
    /** Per feature j: where its record starts (dim + 1 entries). */
    private readonly start: Int32Array,
    /** Per record: for each member its count of weights, then the class of each weight (8 bits when every member has at most 255 classes). */
    private readonly rows: Uint8Array | Uint16Array,
    /** The weights, at the positions of their classes in `rows` (unused at a count). */
    private readonly vals: Float32Array,
  ) {}

  /**
   * `layout`: the features in the order their records are laid out (the most frequent first keeps
   * the records most texts read together in a few cache lines); by default, index order.
   */
  static of(members: CompactLinear[], dim: number, layout?: Int32Array): FusedScorer {
    const order = layout ?? Int32Array.from({ length: dim }, (_, j) => j);
    const size = (j: number) => {
      let n = members.length;
      for (const m of members) if (j >= m.lo && j < m.hi) n += m.colPtr[j - m.lo + 1]! - m.colPtr[j - m.lo]!;
      return n;
    };
    const start = new Int32Array(dim + 1);
    let len = 0;
    for (const j of order) {
      start[j] = len;
      len += size(j);
    }
    start[dim] = len;
    const rows = members.every((m) => m.K <= 255) ? new Uint8Array(len) : new Uint16Array(len);
    const vals = new Float32Array(len);
    for (const j of order) {
      let q = start[j]!;
      for (const m of members) {
        if (j < m.lo || j >= m.hi) {
          rows[q++] = 0;
          continue;
        }
        const a = m.colPtr[j - m.lo]!;
        const b = m.colPtr[j - m.lo + 1]!;
        rows[q++] = b - a;
        for (let p = a; p < b; p++, q++) {
          rows[q] = m.rows[p]!;
          vals[q] = m.vals[p]!;
        }
      }
    }
    return new FusedScorer(members, start, rows, vals);
  }

  /** Each member's class scores for x, in the order the members were given. */
  scores(x: SparseVec): Float64Array[] {
    const out = this.members.map((m) => Float64Array.from(m.bias));
    const M = out.length;
    const { start, rows, vals } = this;
    const dim = start.length - 1;
    const { idx, val } = x;
    // the records of the features are not in index order: `start` says where each begins
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i]!;
      if (j < 0 || j >= dim) continue;
      const v = val[i]!;
      let p = start[j]!;
      for (let m = 0; m < M; m++) {
        const e = p + 1 + rows[p]!;
        p++;
        if (p === e) continue;
        const s = out[m]!;
        for (; p < e; p++) s[rows[p]!]! += v * vals[p]!;
      }
    }
    return out;
  }

  /**
   * `EmbeddedModel.contrast` over the first `n` members (the full model's), read from the records
   * scoring has just read: per feature of x outside `skip`, each member's share of the difference
   * between the temperature-scaled scores of class k and class s (or the mean of the other classes
   * when s < 0), summed over the members in their order; positive shares only, largest first, equal
   * ones in the order the member-by-member walk would have found them. The same numbers.
   */
  contrast(x: SparseVec, n: number, k: number, s: number, members: { T: number; K: number }[], skip?: [number, number]): { feature: number; value: number }[] {
    const { start, rows, vals } = this;
    const { idx, val } = x;
    const acc = new Float64Array(idx.length);
    const first = new Int8Array(idx.length).fill(-1);
    for (let i = 0; i < idx.length; i++) {
      const j = idx[i]!;
      if (j < 0 || j >= start.length - 1 || (skip && j >= skip[0] && j < skip[1])) continue;
      let p = start[j]!;
      for (let m = 0; m < n; m++) {
        const a = p + 1;
        const e = a + rows[p]!;
        p = e;
        if (a === e) continue; // no weight: a share of 0, which is never counted
        const own = weightOf(rows, vals, a, e, k);
        let other: number;
        if (s >= 0) other = weightOf(rows, vals, a, e, s);
        else {
          let all = 0;
          for (let q = a; q < e; q++) all += vals[q]!;
          other = (all - own) / Math.max(1, members[m]!.K - 1);
        }
        const v = (val[i]! * (own - other)) / members[m]!.T / n;
        if (v > 0) {
          if (first[i]! < 0) first[i] = m;
          acc[i]! += v;
        }
      }
    }
    // the member-by-member walk finds features member by member, each in ascending order
    const found: number[] = [];
    for (let i = 0; i < idx.length; i++) if (first[i]! >= 0) found.push(i);
    found.sort((a, b) => first[a]! - first[b]! || a - b);
    const rank = found.map((_, r) => r);
    rank.sort((r1, r2) => acc[found[r2]!]! - acc[found[r1]!]! || r1 - r2);
    return rank.map((r) => ({ feature: idx[found[r]!]!, value: acc[found[r]!]! }));
  }
}

/** The weight of class c among the classes rows[a, e) (ascending), 0 when absent. */
function weightOf(rows: Uint8Array | Uint16Array, vals: Float32Array, a: number, e: number, c: number): number {
  let lo = a;
  let hi = e;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]! < c) lo = mid + 1;
    else hi = mid;
  }
  return lo < e && rows[lo] === c ? vals[lo]! : 0;
}
