// Shared by cross-validation inside training (src/classify/models: `models cv` and the stacks' inner
// folds) and its tests: groups of rows (source documents) into k folds, and Cohen's κ of class indices.
// (The evaluation protocol's own fold assignment, in src/eval/annotations.ts, is frozen and separate.)
import { createHash } from 'node:crypto';

/**
 * Folds of groups: largest group first into the fold with the fewest rows so far (ties between
 * groups of the same size broken by a stable hash of the name, then the name), so that folds are of
 * similar size and the few large documents land in different folds. The same groups always give the
 * same folds.
 */
export function foldsOfGroups(groups: readonly string[], k: number): Map<string, number> {
  const size = new Map<string, number>();
  for (const g of groups) size.set(g, (size.get(g) ?? 0) + 1);
  const h = (g: string) => createHash('sha256').update(g).digest().readUInt32LE(0);
  const order = [...size.keys()].sort((a, b) => size.get(b)! - size.get(a)! || h(a) - h(b) || (a < b ? -1 : a > b ? 1 : 0));
  const load = new Array<number>(k).fill(0);
  const out = new Map<string, number>();
  for (const g of order) {
    const f = load.indexOf(Math.min(...load));
    out.set(g, f);
    load[f]! += size.get(g)!;
  }
  return out;
}

/**
 * Cohen's κ between gold and predicted class indices (0 … k − 1), over the rows `idx` (every row
 * when absent); NaN when there is no row or when chance agreement is 1 (κ is undefined).
 */
export function kappaOfClasses(g: ArrayLike<number>, p: ArrayLike<number>, k: number, idx?: ArrayLike<number>): number {
  const n = idx ? idx.length : g.length;
  if (n === 0) return NaN;
  const rows = new Float64Array(k);
  const cols = new Float64Array(k);
  let same = 0;
  for (let i = 0; i < n; i++) {
    const r = idx ? idx[i]! : i;
    const a = g[r]!;
    const b = p[r]!;
    rows[a]!++;
    cols[b]!++;
    if (a === b) same++;
  }
  let pe = 0;
  for (let c = 0; c < k; c++) pe += rows[c]! * cols[c]!;
  pe /= n * n;
  if (pe === 1) return NaN;
  return (same / n - pe) / (1 - pe);
}
