// govnav's own annotated set (the repository folder annotations/): items.jsonl holds the items (a
// mitigation's text with its source), pass1/*.jsonl the first-pass labels (the training and evaluation
// labels), pass2/*.jsonl an independent second pass on part of the items (agreement only; never
// imported). See annotations/README.md and docs/annotation.md.
//
// Imported as the dataset "govnav-annotations": one document per source document, the annotated
// items as mitigation statements, the pass-1 labels as classifications with source 'annotation'
// (this project's annotation: human = false, never shown as human-coded or as reviewed). Where the
// same text is already in the store as a statement of another dataset, the label is attached to that
// statement too.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { StatementInput } from '../model/index.ts';
import { insertClassifications, type Db, type NewClassification } from '../store/index.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import { parseRows, tables } from '../store/schema/index.ts';
import { ANNOTATION_AXES } from '../eval/defaults.ts';
import { ImportError, compact, type ParseContext, type ParsedDataset, type ParsedDocument, type ParsedLabel, type RowIssue } from './types.ts';

export const ANNOTATION_DATASET = 'govnav-annotations';
export const ANNOTATION_LABELS_LICENCE = 'CC-BY-4.0';
export const DEFAULT_ANNOTATION_ATTRIBUTION =
  'Labels: govnav project annotation (CC BY 4.0). Item texts: quoted from their source documents and datasets, under those sources’ licences.';
/** Texts shorter than this (after normalisation) are never matched to statements of other datasets. */
export const MIN_MATCH_CHARS = 20;

export interface AnnotationItem {
  id: string;
  source: { dataset: string; document: string; file?: string; key?: string; locator?: ItemLocator };
  language: string;
  name: string;
  text: string;
  licence: string;
  attribution: string;
  file: string;
  line: number;
}

/** Where the item stands in its source: a page and/or a reference as printed ("Article 9(2)"). */
export interface ItemLocator {
  page?: number;
  pageEnd?: number;
  ref?: string;
}

export interface AxisLabel {
  code: string;
  reason?: string;
}

export interface AnnotationLabel {
  id: string;
  mitigation: boolean;
  /** Taxonomy id → label (codes resolved through the taxonomy). Axes without a label are absent. */
  labels: Partial<Record<string, AxisLabel>>;
  reason?: string;
  annotator?: string;
  file: string;
  line: number;
}

export interface AnnotationSet {
  dir: string;
  items: AnnotationItem[];
  byId: Map<string, AnnotationItem>;
  pass1: Map<string, AnnotationLabel>;
  pass2: Map<string, AnnotationLabel>;
  licence: string;
  attribution: string;
  version: string;
  files: string[];
  issues: RowIssue[];
}

/** Is this folder an annotated set (items.jsonl and a pass1/ folder)? */
export function isAnnotationDir(dir: string): boolean {
  return existsSync(join(dir, 'items.jsonl')) && existsSync(join(dir, 'pass1')) && statSync(join(dir, 'pass1')).isDirectory();
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Lines of a JSON Lines file: [line number, parsed value] (blank lines skipped), with JSON errors as issues. */
function jsonLines(path: string, rel: string, issues: RowIssue[]): [number, unknown][] {
  const out: [number, unknown][] = [];
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      out.push([i + 1, JSON.parse(raw)]);
    } catch (e) {
      issues.push({ file: rel, row: `line ${i + 1}`, field: '(line)', message: `not valid JSON: ${(e as Error).message}` });
    }
  });
  return out;
}

function readItem(v: unknown, rel: string, line: number, issues: RowIssue[]): AnnotationItem | undefined {
  const at = (field: string, message: string, key?: string) => issues.push({ file: rel, row: `line ${line}`, field, key, message });
  if (!isObj(v)) return void at('(line)', 'expected a JSON object');
  const id = str(v.id);
  if (!id || !id.trim()) return void at('id', 'missing or not a string');
  const src = v.source;
  if (!isObj(src)) return void at('source', 'missing or not an object', id);
  const dataset = str(src.dataset);
  const document = str(src.document);
  if (!dataset?.trim()) return void at('source.dataset', 'missing or not a string', id);
  if (!document?.trim()) return void at('source.document', 'missing or not a string', id);
  for (const f of ['file', 'key'] as const)
    if (src[f] !== undefined && src[f] !== null && typeof src[f] !== 'string' && typeof src[f] !== 'number')
      return void at(`source.${f}`, 'must be a string', id);
  let locator: ItemLocator | undefined;
  const loc = src.locator;
  if (typeof loc === 'string' || typeof loc === 'number') locator = { ref: String(loc) };
  else if (isObj(loc)) {
    const page = (k: 'page' | 'pageEnd') => {
      const v = loc[k];
      if (v === undefined || v === null) return undefined;
      return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : NaN;
    };
    const p1 = page('page');
    const p2 = page('pageEnd');
    if (Number.isNaN(p1)) return void at('source.locator.page', 'must be a page number (a positive whole number)', id);
    if (Number.isNaN(p2)) return void at('source.locator.pageEnd', 'must be a page number (a positive whole number)', id);
    if (loc.ref !== undefined && loc.ref !== null && typeof loc.ref !== 'string' && typeof loc.ref !== 'number')
      return void at('source.locator.ref', 'must be a string', id);
    locator = compact({ page: p1, pageEnd: p2, ref: loc.ref === undefined || loc.ref === null ? undefined : String(loc.ref) }) as ItemLocator;
  } else if (loc !== undefined && loc !== null) return void at('source.locator', 'must be an object {"page", "ref"} or a string', id);
  const text = str(v.text);
  if (text === undefined || !text.trim()) return void at('text', 'missing or empty', id);
  if (v.name !== undefined && v.name !== null && typeof v.name !== 'string') return void at('name', 'must be a string', id);
  const language = str(v.language);
  if (!language || !/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/.test(language)) return void at('language', 'missing or not a language tag such as "en" or "zh"', id);
  const licence = str(v.licence);
  if (!licence?.trim()) return void at('licence', 'missing or empty (the licence of the item text’s source)', id);
  const attribution = str(v.attribution);
  if (!attribution?.trim()) return void at('attribution', 'missing or empty (the attribution of the item text’s source)', id);
  const opt = (x: unknown) => (x === undefined || x === null ? undefined : String(x));
  return {
    id: id.trim(),
    source: { dataset: dataset.trim(), document: document.trim(), file: opt(src.file), key: opt(src.key), locator },
    language,
    name: (str(v.name) ?? '').trim(),
    text: text.trim(),
    licence: licence.trim(),
    attribution: attribution.trim(),
    file: rel,
    line,
  };
}

function readLabel(
  v: unknown,
  rel: string,
  line: number,
  issues: RowIssue[],
  registry: TaxonomyRegistry,
  items: Map<string, AnnotationItem>,
): AnnotationLabel | undefined {
  const at = (field: string, message: string, key?: string) => issues.push({ file: rel, row: `line ${line}`, field, key, message });
  if (!isObj(v)) return void at('(line)', 'expected a JSON object');
  const id = str(v.id)?.trim();
  if (!id) return void at('id', 'missing or not a string');
  if (!items.has(id)) return void at('id', `"${id}" is not an item of items.jsonl`, id);
  if (typeof v.mitigation !== 'boolean') return void at('mitigation', 'missing or not true/false', id);
  if (v.annotator !== undefined && typeof v.annotator !== 'string') return void at('annotator', 'must be a string', id);
  const reason = str(v.reason);
  if (v.reason !== undefined && v.reason !== null && reason === undefined) return void at('reason', 'must be a string', id);
  const out: AnnotationLabel = { id, mitigation: v.mitigation, labels: {}, reason, annotator: str(v.annotator), file: rel, line };
  if (!v.mitigation) return out;
  if (!isObj(v.labels)) return void at('labels', 'missing or not an object (a line with "mitigation": true needs its labels)', id);
  for (const [axis, raw] of Object.entries(v.labels)) {
    const field = `labels.${axis}`;
    if (!(ANNOTATION_AXES as readonly string[]).includes(axis))
      return void at(field, `unknown axis "${axis}"; the axes are: ${ANNOTATION_AXES.join(', ')}`, id);
    if (raw === null) continue;
    if (!isObj(raw)) return void at(field, 'expected {"code": …, "reason": …}', id);
    if (raw.code === null || raw.code === undefined) continue; // the text does not support a label on this axis
    if (typeof raw.code !== 'string' || !raw.code.trim()) return void at(`${field}.code`, 'must be a code (a string)', id);
    if (!registry.has(axis)) return void at(field, `taxonomy "${axis}" is not loaded`, id);
    const t = registry.get(axis);
    const code = t.has(raw.code.trim()) ? raw.code.trim() : t.resolve(raw.code.trim());
    if (!code) return void at(`${field}.code`, `"${raw.code}" is not a code of taxonomy ${axis}`, id);
    if (raw.reason !== undefined && raw.reason !== null && typeof raw.reason !== 'string') return void at(`${field}.reason`, 'must be a string', id);
    const r = typeof raw.reason === 'string' ? raw.reason.replace(/\s+/g, ' ').trim() : undefined;
    if (r && r.length > 500) return void at(`${field}.reason`, `${r.length} characters; at most 500`, id);
    out.labels[axis] = { code, reason: r || undefined };
  }
  return out;
}

function readPass(dir: string, pass: string, registry: TaxonomyRegistry, items: Map<string, AnnotationItem>, issues: RowIssue[], files: string[]) {
  const out = new Map<string, AnnotationLabel>();
  const folder = join(dir, pass);
  if (!existsSync(folder)) return out;
  for (const f of readdirSync(folder).filter((n) => n.endsWith('.jsonl')).sort()) {
    const rel = `${pass}/${f}`;
    files.push(rel);
    for (const [line, v] of jsonLines(join(folder, f), rel, issues)) {
      const l = readLabel(v, rel, line, issues, registry, items);
      if (!l) continue;
      const prev = out.get(l.id);
      if (prev) {
        issues.push({ file: rel, row: `line ${line}`, field: 'id', key: l.id, message: `labelled twice in ${pass} (first in ${prev.file}, line ${prev.line})` });
        continue;
      }
      out.set(l.id, l);
    }
  }
  return out;
}

/** A "Key: value" line of the README (list markers, bold and the key's case ignored). */
function readmeField(text: string, keys: string[]): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:[-*]\s*)?(?:\*\*)?([A-Za-z ]+?)(?:\*\*)?\s*:\s*(?:\*\*)?\s*(.+?)\s*$/.exec(line);
    if (m && keys.includes(m[1]!.trim().toLowerCase())) return m[2]!.replace(/^\*\*\s*/, '').trim();
  }
  return undefined;
}

/**
 * Read and check an annotated set. Problems are returned as issues (file, line, field), never thrown,
 * except a folder that is not an annotated set at all.
 */
export function readAnnotationSet(dir: string, registry: TaxonomyRegistry): AnnotationSet {
  if (!isAnnotationDir(dir)) throw new ImportError(`${dir}: not an annotated set (expected items.jsonl and a pass1/ folder)`);
  const issues: RowIssue[] = [];
  const files = ['items.jsonl'];
  const items: AnnotationItem[] = [];
  const byId = new Map<string, AnnotationItem>();
  for (const [line, v] of jsonLines(join(dir, 'items.jsonl'), 'items.jsonl', issues)) {
    const it = readItem(v, 'items.jsonl', line, issues);
    if (!it) continue;
    const prev = byId.get(it.id);
    if (prev) {
      issues.push({ file: 'items.jsonl', row: `line ${line}`, field: 'id', key: it.id, message: `duplicate item id (first at line ${prev.line})` });
      continue;
    }
    byId.set(it.id, it);
    items.push(it);
  }
  const pass1 = readPass(dir, 'pass1', registry, byId, issues, files);
  const pass2 = readPass(dir, 'pass2', registry, byId, issues, files);
  const readmePath = join(dir, 'README.md');
  const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
  if (readme) files.push('README.md');
  const licence = readmeField(readme, ['label licence', 'labels licence', 'licence', 'license']) ?? ANNOTATION_LABELS_LICENCE;
  const attribution = readmeField(readme, ['attribution']) ?? DEFAULT_ANNOTATION_ATTRIBUTION;
  let version = readmeField(readme, ['version']);
  if (!version) {
    // The title's "(labels vN)" if any, and a hash of the items and first-pass labels (a new label is a new version).
    const h = createHash('sha256');
    h.update(readFileSync(join(dir, 'items.jsonl')));
    for (const f of files.filter((x) => x.startsWith('pass1/'))) h.update(readFileSync(join(dir, f)));
    const titled = /^#[^\n]*\((labels v[\w.]+)\)/m.exec(readme)?.[1];
    version = `${titled ?? 'labels'}, content ${h.digest('hex').slice(0, 12)}`;
  }
  return { dir, items, byId, pass1, pass2, licence: normaliseLicence(licence), attribution, version, files, issues };
}

function normaliseLicence(l: string): string {
  return /^cc[- ]?by[- ]?4\.0\b/i.test(l.replace(/\s+/g, ' ')) ? ANNOTATION_LABELS_LICENCE : l;
}

/** Text normalised for matching: Unicode-compatible forms, lower case, letters and digits only. */
export function normaliseForMatch(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The keys under which an item's or a statement's text is matched: its text, and its name + text. */
export function matchKeys(name: string, text: string): string[] {
  const keys = new Set<string>();
  for (const k of [normaliseForMatch(text), normaliseForMatch(`${name} ${text}`)]) if (k.length >= MIN_MATCH_CHARS) keys.add(k);
  return [...keys];
}

/**
 * The source document an item comes from: its title, with spacing normalised. Not the dataset: the same
 * document reached through two datasets (NIST AI 600-1 directly and inside the MIT database) is one
 * document, one fold group and one document of govnav-annotations.
 */
export const documentKey = (it: AnnotationItem) => it.source.document.normalize('NFKC').replace(/\s+/g, ' ').trim();

/** The folder as a ParsedDataset: documents of annotated mitigations with their pass-1 labels. */
export async function parseAnnotations(path: string, ctx: ParseContext): Promise<ParsedDataset> {
  const set = readAnnotationSet(path, ctx.registry);
  const issues = [...set.issues];
  const { groups, notMitigation, unlabelled } = groupAnnotated(set, new Set(issues.map((i) => i.key).filter((k): k is string => !!k)));
  const labelledItems: { item: AnnotationItem; label: AnnotationLabel }[] = [];
  const documents = [...groups].map(([key, list]) => annotatedDocument(key, list, set, labelledItems));
  const anomalies = [];
  if (notMitigation) anomalies.push({ code: 'not-mitigation', message: 'items the first pass judged not to be mitigations (not imported)', count: notMitigation });
  if (unlabelled) anomalies.push({ code: 'unlabelled', message: 'items without a first-pass label yet (not imported)', count: unlabelled });
  if (set.pass2.size) anomalies.push({ code: 'pass2', message: 'second-pass labels (agreement only, not imported)', count: set.pass2.size });
  return {
    format: ANNOTATION_DATASET,
    dataset: {
      id: ANNOTATION_DATASET,
      version: set.version,
      licence: set.licence,
      attribution: set.attribution,
      meta: { labels: 'govnav project annotation', pass2: set.pass2.size },
    },
    files: set.files.map((f) => `${basename(path)}/${f}`),
    documents,
    issues,
    anomalies,
    afterWrite: (tx, registry) => attachToMatchingStatements(tx, registry, labelledItems),
  };
}

/** The items to import (first-pass mitigations without issues), by source document; and the counts of those left out. */
function groupAnnotated(set: AnnotationSet, bad: Set<string>): { groups: Map<string, AnnotationItem[]>; notMitigation: number; unlabelled: number } {
  const groups = new Map<string, AnnotationItem[]>();
  let notMitigation = 0;
  let unlabelled = 0;
  for (const it of set.items) {
    const l = set.pass1.get(it.id);
    if (!l) {
      unlabelled++;
      continue;
    }
    if (!l.mitigation) {
      notMitigation++;
      continue;
    }
    if (bad.has(it.id)) continue;
    const k = documentKey(it);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(it);
  }
  return { groups, notMitigation, unlabelled };
}

/** One source document's annotated items as a document with their pass-1 labels (collected in `labelledItems` too). */
function annotatedDocument(key: string, list: AnnotationItem[], set: AnnotationSet, labelledItems: { item: AnnotationItem; label: AnnotationLabel }[]): ParsedDocument {
  const first = list[0]!;
  const uniq = (xs: string[]) => [...new Set(xs)];
  const licences = uniq(list.map((i) => i.licence));
  const attributions = uniq(list.map((i) => i.attribution));
  const langs = uniq(list.map((i) => i.language));
  const statements: StatementInput[] = list.map((it, ord) => ({
    sourceKey: it.id,
    kind: 'mitigation',
    ord,
    name: it.name,
    text: it.text,
    language: it.language,
    locator: it.source.locator ?? {},
    meta: compact({
      annotationItem: it.id,
      sourceDataset: it.source.dataset,
      sourceDocument: it.source.document,
      sourceFile: it.source.file,
      sourceKey: it.source.key,
      sourceLocator: it.source.locator,
    }),
  }));
  const labels: ParsedLabel[] = [];
  for (const it of list) {
    const l = set.pass1.get(it.id)!;
    labelledItems.push({ item: it, label: l });
    for (const [axis, al] of Object.entries(l.labels))
      if (al) labels.push({ statementKey: it.id, taxonomy: axis, code: al.code, human: false, source: 'annotation', reasoning: al.reason, model: l.annotator });
  }
  const input = {
    sourceKey: key,
    title: first.source.document,
    docType: 'other' as const,
    language: langs.length === 1 ? langs[0]! : 'mul',
    provenance: {
      dataset: ANNOTATION_DATASET,
      datasetVersion: set.version,
      licence: `${licences.join('; ')} (item texts); ${set.licence} (labels)`,
      attribution: `${attributions.join(' ')} Labels: govnav project annotation (${set.licence}).`,
    },
    meta: compact({
      sourceDatasets: uniq(list.map((i) => i.source.dataset)),
      sourceDocument: first.source.document,
      sourceFiles: uniq(list.map((i) => i.source.file ?? '').filter(Boolean)),
    }),
  };
  return { input, statements, labels };
}

/** The statements compared with the annotated items: id, name and text as stored. */
const MatchCandidate = tables.statements.row.pick({ id: true, name: true, text: true });

/**
 * Attach each annotated item's labels to the statements of other datasets with the same text
 * (normalised: case, punctuation and spacing ignored). Identical labels already there are skipped.
 */
export async function attachToMatchingStatements(
  tx: Db,
  registry: TaxonomyRegistry,
  labelled: { item: AnnotationItem; label: AnnotationLabel }[],
): Promise<Record<string, number>> {
  const byKey = new Map<string, { item: AnnotationItem; label: AnnotationLabel }>();
  for (const x of labelled) for (const k of matchKeys(x.item.name, x.item.text)) if (!byKey.has(k)) byKey.set(k, x);
  if (!byKey.size) return { 'statements of other datasets with an annotated text': 0, 'labels attached to them': 0 };
  const out: NewClassification[] = [];
  const matched = new Set<string>();
  let after = '';
  for (;;) {
    const rows = parseRows(
      MatchCandidate,
      await tx.query(
        `SELECT s.id, s.name, s.text FROM statements s JOIN documents d ON d.id = s.document_id
         WHERE d.dataset <> $1 AND s.retired_at IS NULL AND d.retired_at IS NULL AND s.id > $2
         ORDER BY s.id LIMIT 5000`,
        [ANNOTATION_DATASET, after],
      ),
      'annotations: statements of other datasets',
    );
    if (!rows.length) break;
    after = rows[rows.length - 1]!.id;
    for (const r of rows) {
      const hit = matchKeys(r.name, r.text)
        .map((k) => byKey.get(k))
        .find(Boolean);
      if (!hit) continue;
      matched.add(r.id);
      for (const [axis, al] of Object.entries(hit.label.labels))
        if (al) out.push({ statementId: r.id, taxonomy: axis, code: al.code, source: 'annotation', human: false, reasoning: al.reason, model: hit.label.annotator });
    }
    if (rows.length < 5000) break;
  }
  const res = out.length ? await insertClassifications(tx, registry, out, { skipIdentical: true }) : { inserted: 0, unchanged: 0 };
  return { 'statements of other datasets with an annotated text': matched.size, 'labels attached to them': res.inserted };
}
