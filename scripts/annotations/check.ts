// Validates the annotation label files against the taxonomies and prints coverage.
//
//   node --import tsx scripts/annotations/check.ts [--dir annotations] [--taxonomies taxonomies]
//
// Checks every line of <dir>/pass1/*.jsonl and <dir>/pass2/*.jsonl: the id exists in items.jsonl and
// belongs to the batch the file is named after (and, in pass2, to the second-pass sample); no id twice
// in one file; "mitigation" is a boolean; a mitigation has all five axes with a known code and a
// reason of 1-300 characters; a non-mitigation has a reason. Exits 1 on any error, naming file, line
// and field. Then prints coverage per mitigation-v2 node (L3 nodes under 8 flagged), per language and
// per batch, and pass1/pass2 agreement per axis on the items both passes labelled.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';

export const AXES = ['mitigation-v2', 'lifecycle', 'actor', 'nist-ai-rmf', 'risk-domain'] as const;
export type Axis = (typeof AXES)[number];
export const MAX_REASON = 300;
export const MIN_PER_L3 = 8;

interface TaxNode { code: string; parent: string | null; level: number; name: { en: string } }
export interface Taxonomies { nodes: Record<Axis, Map<string, TaxNode>> }

export function loadTaxonomies(dir: string): Taxonomies {
  const nodes = {} as Record<Axis, Map<string, TaxNode>>;
  for (const a of AXES) {
    const file = join(dir, `${a}.json`);
    const t = JSON.parse(readFileSync(file, 'utf8')) as { nodes?: TaxNode[] };
    if (!Array.isArray(t.nodes)) throw new Error(`${file}: no "nodes" array`);
    nodes[a] = new Map(t.nodes.map((n) => [n.code, n]));
  }
  return { nodes };
}

/** Why a code may not be used on an axis, or null when it is allowed. */
export function codeProblem(tax: Taxonomies, axis: Axis, code: unknown): string | null {
  if (typeof code !== 'string' || !code) return 'code must be a non-empty string';
  const n = tax.nodes[axis].get(code);
  if (!n) return `unknown code "${code}" for ${axis}`;
  if (axis === 'mitigation-v2' && code === '99') return 'use 99.9, not the holding category 99';
  if (axis === 'risk-domain' && n.level === 1 && code !== 'unable') return `"${code}" is a domain; use a subdomain or the domain's "${code}.0" code`;
  return null;
}

export interface ItemRef { id: string; language: string }
export interface Label { code: string; reason: string }
export interface Record_ { id: string; mitigation: boolean; labels?: Record<Axis, Label>; reason?: string; annotator?: string; guidelines?: string }

/** Validates one parsed line; returns a list of "field: message" problems (empty when valid). */
export function lineProblems(tax: Taxonomies, rec: unknown): string[] {
  const out: string[] = [];
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return ['line: not a JSON object'];
  const r = rec as Record<string, unknown>;
  if (typeof r.id !== 'string' || !/^GA\d{4,}$/.test(r.id)) out.push('id: missing or not of the form GA0001');
  if (typeof r.mitigation !== 'boolean') { out.push('mitigation: must be true or false'); return out; }
  const reasonOk = (v: unknown, f: string) => {
    if (typeof v !== 'string' || !v.trim()) out.push(`${f}: missing reason`);
    else if ([...v].length > MAX_REASON) out.push(`${f}: reason has ${[...v].length} characters (max ${MAX_REASON})`);
  };
  if (!r.mitigation) { reasonOk(r.reason, 'reason'); if (r.labels !== undefined) out.push('labels: a non-mitigation carries no labels'); return out; }
  if (typeof r.labels !== 'object' || r.labels === null) { out.push('labels: missing'); return out; }
  const labels = r.labels as Record<string, unknown>;
  for (const k of Object.keys(labels)) if (!(AXES as readonly string[]).includes(k)) out.push(`labels.${k}: not one of the five axes`);
  for (const a of AXES) {
    const l = labels[a] as Record<string, unknown> | undefined;
    if (!l || typeof l !== 'object') { out.push(`labels.${a}: missing`); continue; }
    const p = codeProblem(tax, a, l.code); if (p) out.push(`labels.${a}.code: ${p}`);
    reasonOk(l.reason, `labels.${a}.reason`);
  }
  if (typeof r.annotator !== 'string' || !r.annotator) out.push('annotator: missing');
  if (typeof r.guidelines !== 'string' || !r.guidelines) out.push('guidelines: missing');
  return out;
}

export interface Loaded { file: string; pass: 'pass1' | 'pass2'; batch: string; records: Record_[] }

export function checkDir(dir: string, tax: Taxonomies): { errors: string[]; files: Loaded[]; items: Map<string, ItemRef>; batches: Record<string, string[]>; pass2: Set<string> } {
  const errors: string[] = [];
  const items = new Map<string, ItemRef>();
  readFileSync(join(dir, 'items.jsonl'), 'utf8').split('\n').forEach((l, i) => {
    if (!l.trim()) return;
    try { const o = JSON.parse(l) as ItemRef; items.set(o.id, o); } catch { errors.push(`items.jsonl:${i + 1}: not valid JSON`); }
  });
  const b = JSON.parse(readFileSync(join(dir, 'batches.json'), 'utf8')) as { pass1: Record<string, string[]>; pass2: string[] };
  const batchOf = new Map<string, string>();
  for (const [k, ids] of Object.entries(b.pass1)) for (const id of ids) batchOf.set(id, k);
  const pass2 = new Set(b.pass2);
  const files: Loaded[] = [];
  for (const pass of ['pass1', 'pass2'] as const) {
    const pdir = join(dir, pass); if (!existsSync(pdir)) continue;
    for (const f of readdirSync(pdir).filter((x) => x.endsWith('.jsonl')).sort()) {
      const batch = basename(f, '.jsonl'); const rel = `${pass}/${f}`;
      if (!b.pass1[batch]) { errors.push(`${rel}: no batch "${batch}" in batches.json`); continue; }
      const seen = new Set<string>(); const records: Record_[] = [];
      readFileSync(join(pdir, f), 'utf8').split('\n').forEach((line, i) => {
        if (!line.trim()) return;
        const at = `${rel}:${i + 1}`;
        let rec: unknown;
        try { rec = JSON.parse(line); } catch (e) { errors.push(`${at}: not valid JSON (${(e as Error).message})`); return; }
        const probs = lineProblems(tax, rec);
        const r = rec as Record_;
        if (typeof r.id === 'string') {
          if (!items.has(r.id)) probs.push(`id: ${r.id} is not in items.jsonl`);
          else if (batchOf.get(r.id) !== batch) probs.push(`id: ${r.id} belongs to batch ${batchOf.get(r.id)}, not ${batch}`);
          if (pass === 'pass2' && !pass2.has(r.id)) probs.push(`id: ${r.id} is not in the second-pass sample`);
          if (seen.has(r.id)) probs.push(`id: ${r.id} appears twice in this file`);
          seen.add(r.id);
        }
        for (const p of probs) errors.push(`${at} (${r.id ?? '?'}): ${p}`);
        if (!probs.length) records.push(r);
      });
      files.push({ file: rel, pass, batch, records });
    }
  }
  return { errors, files, items, batches: b.pass1, pass2 };
}

/** Counts mitigation-v2 labels per node: a label counts for its own node and every ancestor. */
export function v2Coverage(tax: Taxonomies, codes: string[]): Map<string, number> {
  const count = new Map<string, number>();
  const nodes = tax.nodes['mitigation-v2'];
  for (const c of codes) {
    let n = nodes.get(c);
    while (n) { count.set(n.code, (count.get(n.code) ?? 0) + 1); n = n.parent ? nodes.get(n.parent) : undefined; }
  }
  return count;
}

function main() {
  const args = process.argv.slice(2);
  const opt = (k: string, d: string) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1]! : d; };
  const dir = resolve(opt('--dir', 'annotations'));
  const tax = loadTaxonomies(resolve(opt('--taxonomies', 'taxonomies')));
  const { errors, files, items, batches, pass2 } = checkDir(dir, tax);
  for (const e of errors) console.error('ERROR', e);

  const p1 = new Map<string, Record_>(); const p2 = new Map<string, Record_>();
  for (const f of files) for (const r of f.records) (f.pass === 'pass1' ? p1 : p2).set(r.id, r);
  console.log(`label files: ${files.map((f) => `${f.file} (${f.records.length})`).join(', ') || 'none yet'}`);
  console.log('\nper batch (pass1 labelled / size):');
  for (const [k, ids] of Object.entries(batches)) {
    const p2ids = ids.filter((id) => pass2.has(id));
    console.log(`  ${k.padEnd(4)} pass1 ${ids.filter((id) => p1.has(id)).length}/${ids.length}   pass2 ${p2ids.filter((id) => p2.has(id)).length}/${p2ids.length}`);
  }
  console.log('\nper language (pass1): items / labelled / mitigations / not mitigations');
  for (const lang of ['en', 'zh']) {
    const ids = [...items.values()].filter((i) => i.language === lang).map((i) => i.id);
    const lab = ids.filter((id) => p1.has(id));
    const mit = lab.filter((id) => p1.get(id)!.mitigation);
    console.log(`  ${lang}: ${ids.length} / ${lab.length} / ${mit.length} / ${lab.length - mit.length}`);
  }
  const codes = [...p1.values()].filter((r) => r.mitigation).map((r) => r.labels!['mitigation-v2'].code);
  const cov = v2Coverage(tax, codes);
  console.log('\nmitigation-v2 coverage (pass1; a label counts for its node and its ancestors):');
  const under: string[] = [];
  for (const n of tax.nodes['mitigation-v2'].values()) {
    const c = cov.get(n.code) ?? 0; const own = codes.filter((x) => x === n.code).length;
    const flag = n.level === 3 && n.code !== '1.1.9' && c < MIN_PER_L3 ? `  << under ${MIN_PER_L3}` : '';
    if (flag) under.push(n.code);
    console.log(`  ${'  '.repeat(n.level - 1)}${n.code.padEnd(6)} ${n.name.en.padEnd(36 - 2 * (n.level - 1))} ${String(c).padStart(4)} (at this level ${own})${flag}`);
  }
  console.log(`\nL3 nodes under ${MIN_PER_L3}: ${under.length ? under.join(' ') : 'none'}`);
  const both = [...p2.keys()].filter((id) => p1.has(id));
  if (both.length) {
    console.log(`\npass1/pass2 agreement on ${both.length} items:`);
    const mm = both.filter((id) => p1.get(id)!.mitigation === p2.get(id)!.mitigation).length;
    console.log(`  mitigation yes/no: ${mm}/${both.length}`);
    const bothMit = both.filter((id) => p1.get(id)!.mitigation && p2.get(id)!.mitigation);
    for (const a of AXES) {
      const same = bothMit.filter((id) => p1.get(id)!.labels![a].code === p2.get(id)!.labels![a].code).length;
      console.log(`  ${a.padEnd(14)} exact ${same}/${bothMit.length}`);
    }
    const l1 = bothMit.filter((id) => p1.get(id)!.labels!['mitigation-v2'].code.split('.')[0] === p2.get(id)!.labels!['mitigation-v2'].code.split('.')[0]).length;
    console.log(`  mitigation-v2 top level ${l1}/${bothMit.length}`);
  }
  if (errors.length) { console.error(`\n${errors.length} error(s)`); process.exit(1); }
}
if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) main();
