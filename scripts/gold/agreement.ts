// Agreement between two independent passes of block-role gold for the same document:
//   node --import tsx scripts/gold/agreement.ts gold/extraction/<slug>.json gold/extraction-pass2/<slug>.json [...more pairs]
// Blocks are aligned by anchor (in order); reports Cohen's κ over the roles of aligned blocks,
// per document and pooled, and how often the two passes put a block in a statement at all.
import { readFileSync } from 'node:fs';
import { ROLES } from '../../src/extract/types.ts';

interface G {
  blocks: { anchor: string; role: string }[];
  document: { file: string };
}
const files = process.argv.slice(2);
if (files.length < 2 || files.length % 2) {
  console.error('usage: scripts/gold/agreement.ts <pass1.json> <pass2.json> [<pass1.json> <pass2.json> …]');
  process.exit(2);
}
function kappa(pairs: [string, string][]): number {
  const n = pairs.length;
  const idx = new Map(ROLES.map((r, i) => [r as string, i]));
  const a = new Array(ROLES.length).fill(0);
  const b = new Array(ROLES.length).fill(0);
  let agree = 0;
  for (const [x, y] of pairs) {
    a[idx.get(x)!]++;
    b[idx.get(y)!]++;
    if (x === y) agree++;
  }
  const po = agree / n;
  const pe = a.reduce((s, v, i) => s + (v / n) * (b[i] / n), 0);
  return pe === 1 ? 1 : (po - pe) / (1 - pe);
}
const pooled: [string, string][] = [];
for (let k = 0; k < files.length; k += 2) {
  const p1 = JSON.parse(readFileSync(files[k]!, 'utf8')) as G;
  const p2 = JSON.parse(readFileSync(files[k + 1]!, 'utf8')) as G;
  const rest = new Map<string, number[]>();
  p2.blocks.forEach((b, i) => rest.set(b.anchor, [...(rest.get(b.anchor) ?? []), i]));
  const pairs: [string, string][] = [];
  for (const b of p1.blocks) {
    const list = rest.get(b.anchor);
    const j = list?.shift();
    if (j === undefined) continue;
    pairs.push([b.role, p2.blocks[j]!.role]);
  }
  pooled.push(...pairs);
  const agree = pairs.filter(([x, y]) => x === y).length;
  console.log(`${p1.document.file}: ${pairs.length} blocks aligned, agreement ${(agree / pairs.length).toFixed(3)}, κ ${kappa(pairs).toFixed(3)}`);
}
if (files.length > 2) console.log(`pooled: ${pooled.length} blocks, κ ${kappa(pooled).toFixed(3)}`);
