// Crosswalks between taxonomies, kept as data in SSSOM TSV (crosswalks/*.sssom.tsv): each row says
// that a subject code relates to an object code with a SKOS predicate, with a justification and an
// author. Codes are CURIEs whose prefix is a govnav taxonomy id ("mitigation-v2:2.2.1") or an
// outside vocabulary declared in the file's curie_map ("ibm-risk-atlas:…"). Loading validates
// every govnav code against the taxonomy files and names the file and row of any error.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import { hasCode } from '../util/errors.ts';

export const DEFAULT_CROSSWALK_DIR = resolve(fileURLToPath(new URL('../../crosswalks', import.meta.url)));

export const PREDICATES = ['skos:exactMatch', 'skos:closeMatch', 'skos:broadMatch', 'skos:narrowMatch', 'skos:relatedMatch'] as const;
export type Predicate = (typeof PREDICATES)[number];

/** Predicates strong enough for a crosswalked label to serve as a (down-weighted) training example. */
export const TRAINING_PREDICATES: readonly Predicate[] = ['skos:exactMatch', 'skos:closeMatch', 'skos:broadMatch'];

export interface Term {
  /** The CURIE prefix: a govnav taxonomy id, or an outside vocabulary. */
  prefix: string;
  code: string;
  label: string;
  /** True when the prefix is a govnav taxonomy (the code was checked against it). */
  taxonomy: boolean;
}

export interface Mapping {
  subject: Term;
  predicate: Predicate;
  object: Term;
  justification: string;
  author: string;
  date?: string;
  comment?: string;
  /** 1-based line in the file, for messages. */
  line: number;
}

export interface Crosswalk {
  id: string;
  file: string;
  description: string;
  licence: string;
  attribution?: string;
  creators: string[];
  curieMap: Record<string, string>;
  subjectPrefixes: string[];
  objectPrefixes: string[];
  mappings: Mapping[];
}

export class CrosswalkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrosswalkError';
  }
}

const COLUMNS = ['subject_id', 'subject_label', 'predicate_id', 'object_id', 'object_label', 'mapping_justification', 'author_id'];

export function parseCrosswalk(text: string, file: string, registry?: TaxonomyRegistry): Crosswalk {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const headerLines: string[] = [];
  let i = 0;
  while (i < lines.length && lines[i]!.startsWith('#')) headerLines.push(lines[i++]!.replace(/^#\s?/, ''));
  let meta: Record<string, unknown>;
  try {
    meta = (parseYaml(headerLines.join('\n')) ?? {}) as Record<string, unknown>;
  } catch (e) {
    throw new CrosswalkError(`${file}: the metadata block (lines starting with #) is not valid YAML: ${(e as Error).message}`);
  }
  const curieMap = (meta.curie_map ?? {}) as Record<string, string>;
  let rows: Record<string, string>[];
  try {
    rows = parse(lines.slice(i).join('\n'), { delimiter: '\t', columns: true, relax_quotes: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (e) {
    throw new CrosswalkError(`${file}: ${(e as Error).message}`);
  }
  const header = lines[i]?.split('\t') ?? [];
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new CrosswalkError(`${file}: line ${i + 1}: missing column(s) ${missing.join(', ')}.`);
  const term = (curie: string, label: string, line: number, field: string): Term => {
    const k = curie.indexOf(':');
    if (k <= 0) throw new CrosswalkError(`${file}: line ${line}: ${field} "${curie}" is not a CURIE (prefix:code).`);
    const prefix = curie.slice(0, k);
    const code = curie.slice(k + 1);
    if (!(prefix in curieMap)) throw new CrosswalkError(`${file}: line ${line}: ${field} prefix "${prefix}" is not in the curie_map.`);
    const isTax = !!registry?.has(prefix);
    if (isTax && !registry!.get(prefix).has(code))
      throw new CrosswalkError(`${file}: line ${line}: ${field} "${curie}": code ${code} is not in the ${prefix} taxonomy.`);
    return { prefix, code, label, taxonomy: isTax };
  };
  const mappings: Mapping[] = rows.map((r, n) => {
    const line = i + 2 + n;
    const predicate = r.predicate_id as Predicate;
    if (!PREDICATES.includes(predicate)) throw new CrosswalkError(`${file}: line ${line}: predicate_id "${r.predicate_id}" is not one of ${PREDICATES.join(', ')}.`);
    if (!r.mapping_justification) throw new CrosswalkError(`${file}: line ${line}: mapping_justification is empty.`);
    if (!r.author_id) throw new CrosswalkError(`${file}: line ${line}: author_id is empty.`);
    return {
      subject: term(r.subject_id ?? '', r.subject_label ?? '', line, 'subject_id'),
      predicate,
      object: term(r.object_id ?? '', r.object_label ?? '', line, 'object_id'),
      justification: r.mapping_justification,
      author: r.author_id,
      date: r.mapping_date || undefined,
      comment: r.comment || undefined,
      line,
    };
  });
  const creators = meta.creator_id;
  const uniq = (xs: string[]) => [...new Set(xs)];
  return {
    id: basename(file).replace(/\.sssom\.tsv$/, ''),
    file,
    description: String(meta.mapping_set_description ?? ''),
    licence: String(meta.license ?? 'unknown'),
    attribution: meta.attribution ? String(meta.attribution) : undefined,
    creators: Array.isArray(creators) ? creators.map(String) : creators ? [String(creators)] : [],
    curieMap,
    subjectPrefixes: uniq(mappings.map((m) => m.subject.prefix)),
    objectPrefixes: uniq(mappings.map((m) => m.object.prefix)),
    mappings,
  };
}

export function loadCrosswalks(registry?: TaxonomyRegistry, dir: string = DEFAULT_CROSSWALK_DIR): Crosswalk[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.sssom.tsv')).sort();
  } catch (e) {
    if (hasCode(e, 'ENOENT')) return []; // no crosswalk folder: no crosswalks
    throw e;
  }
  return files.map((f) => parseCrosswalk(readFileSync(join(dir, f), 'utf8'), join(dir, f), registry));
}

let cached: Crosswalk[] | undefined;
/** The shipped crosswalks, validated against the shipped taxonomies (loaded once). */
export async function crosswalks(): Promise<Crosswalk[]> {
  if (!cached) {
    const { taxonomies } = await import('../taxonomy/index.ts');
    cached = loadCrosswalks(taxonomies());
  }
  return cached;
}

export interface CodeMapping {
  crosswalk: string;
  direction: 'to' | 'from';
  predicate: Predicate;
  other: Term;
  justification: string;
  author: string;
  comment?: string;
}

/** What a code maps to (as subject) and from (as object) across the given crosswalks. */
export function mappingsOf(all: Crosswalk[], prefix: string, code: string): CodeMapping[] {
  const out: CodeMapping[] = [];
  for (const cw of all)
    for (const m of cw.mappings) {
      if (m.subject.prefix === prefix && m.subject.code === code)
        out.push({ crosswalk: cw.id, direction: 'to', predicate: m.predicate, other: m.object, justification: m.justification, author: m.author, comment: m.comment });
      if (m.object.prefix === prefix && m.object.code === code)
        out.push({ crosswalk: cw.id, direction: 'from', predicate: m.predicate, other: m.subject, justification: m.justification, author: m.author, comment: m.comment });
    }
  return out;
}

/**
 * The target code a label maps to, for training: the first mapping from (fromTaxonomy, code) into
 * toTaxonomy whose predicate is one of `predicates`, preferring exact over close over broad.
 */
export function mapCode(all: Crosswalk[], fromTaxonomy: string, code: string, toTaxonomy: string, predicates: readonly Predicate[] = TRAINING_PREDICATES): { code: string; predicate: Predicate } | undefined {
  let best: { code: string; predicate: Predicate } | undefined;
  for (const cw of all)
    for (const m of cw.mappings) {
      if (m.subject.prefix !== fromTaxonomy || m.subject.code !== code || m.object.prefix !== toTaxonomy) continue;
      if (!predicates.includes(m.predicate)) continue;
      if (!best || PREDICATES.indexOf(m.predicate) < PREDICATES.indexOf(best.predicate)) best = { code: m.object.code, predicate: m.predicate };
    }
  return best;
}

/** Back to SSSOM TSV (metadata block and rows), or rows as plain objects for CSV/JSON. */
export function toSssom(cw: Crosswalk): string {
  return readFileSync(cw.file, 'utf8');
}

export function rowsOf(cw: Crosswalk): Record<string, string>[] {
  return cw.mappings.map((m) => ({
    subject_id: `${m.subject.prefix}:${m.subject.code}`,
    subject_label: m.subject.label,
    predicate_id: m.predicate,
    object_id: `${m.object.prefix}:${m.object.code}`,
    object_label: m.object.label,
    mapping_justification: m.justification,
    author_id: m.author,
    mapping_date: m.date ?? '',
    comment: m.comment ?? '',
  }));
}
