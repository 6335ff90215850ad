// Build a gold file (gold/extraction/<slug>.json) from an annotator's role sheet:
//   node --import tsx scripts/gold/make.ts <corpus file | finos:id,id> <roles.tsv> <out.json> [--pass 2] [--annotator "…"]
// A role sheet has one line per block or range of blocks (indexes from scripts/gold/blocks.ts):
//   <from>[-<to>] <TAB> <role> [<TAB> <statement>] [<TAB> key=value …]
// role: mitigation | risk | principle | context | apparatus. statement: an id shared by the blocks
// of ONE statement; "*" (the default for statement roles) makes each block of the range its own
// statement. Keys: parent=<statement id>, ref=<number as printed>, tc=<text cell>, rc=<ref cell>.
// Lines starting with # are comments. Every block must be covered exactly once.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { ROLES, blockAnchor, type Role } from '../../src/extract/types.ts';
import { readSpec, specOf } from './lib.ts';
import type { GoldBlock } from '../../src/eval/extraction.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const pass = Number(flag('--pass') ?? '1');
const annotator = flag('--annotator') ?? `pass ${pass}`;
const [docArg, sheet, out] = args;
if (!docArg || !sheet || !out) {
  console.error('usage: scripts/gold/make.ts <doc> <roles.tsv> <out.json> [--pass N] [--annotator NAME]');
  process.exit(2);
}
const spec = specOf(docArg);
const { extracted, sha256 } = await readSpec(spec);
const n = extracted.blocks.length;

const gold: (GoldBlock | undefined)[] = new Array(n).fill(undefined);
let auto = 0;
const errors: string[] = [];
readFileSync(sheet, 'utf8')
  .split('\n')
  .forEach((raw, ln) => {
    const line = raw.replace(/\r$/, '');
    if (!line.trim() || line.trim().startsWith('#')) return;
    const [range, role, stmt, ...rest] = line.split('\t').map((s) => s.trim());
    const where = `${sheet}:${ln + 1}`;
    const m = /^(\d+)(?:-(\d+))?$/.exec(range ?? '');
    if (!m) return void errors.push(`${where}: "${range}" is not an index or a range`);
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    if (to < from || to >= n) return void errors.push(`${where}: range ${from}-${to} is outside 0-${n - 1}`);
    if (!(ROLES as readonly string[]).includes(role ?? '')) return void errors.push(`${where}: role "${role}" is not one of ${ROLES.join(', ')}`);
    const isStmt = role === 'mitigation' || role === 'risk' || role === 'principle';
    const kv = Object.fromEntries(
      rest.filter(Boolean).map((p) => {
        const k = p.indexOf('=');
        return [p.slice(0, k), p.slice(k + 1)];
      }),
    );
    for (let i = from; i <= to; i++) {
      if (gold[i]) errors.push(`${where}: block ${i} is already labelled`);
      const b = extracted.blocks[i]!;
      const g: GoldBlock = { i, anchor: blockAnchor(b.text), kind: b.kind, role: role as Role };
      if (b.page) g.page = b.page;
      if (isStmt) g.statement = !stmt || stmt === '*' ? `a${++auto}` : stmt;
      if (kv.parent) g.parent = kv.parent;
      if (kv.ref) g.ref = kv.ref;
      if (kv.tc) g.textCell = Number(kv.tc);
      if (kv.rc) g.refCell = Number(kv.rc);
      gold[i] = g;
    }
  });
const missing = gold.map((g, i) => (g ? -1 : i)).filter((i) => i >= 0);
if (missing.length) errors.push(`${missing.length} block(s) not labelled: ${missing.slice(0, 30).join(', ')}${missing.length > 30 ? ' …' : ''}`);
if (errors.length) {
  console.error(errors.join('\n'));
  process.exit(1);
}
const anchors = extracted.blocks.map((b) => blockAnchor(b.text));
const doc = {
  format: 'govnav-extraction-gold/1',
  document: { ...spec, sha256, format: extracted.format, ...(spec.language ? {} : {}) },
  pass,
  annotator,
  guidelines: 'docs/annotation.md#block-roles',
  reader: { blocks: n, anchorsHash: createHash('sha256').update(anchors.join('\n')).digest('hex') },
  blocks: gold,
};
writeFileSync(out, JSON.stringify(doc, null, 1) + '\n');
const counts: Record<string, number> = {};
for (const g of gold) counts[g!.role] = (counts[g!.role] ?? 0) + 1;
const statements = new Set(gold.filter((g) => g!.statement).map((g) => g!.statement)).size;
console.log(`${out}: ${n} blocks (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}), ${statements} statements`);
