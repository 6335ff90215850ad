// govnav-json: govnav's own interchange format (docs/formats.md). It maps one to one onto the
// model: a dataset (provenance), documents, their statements (parents by key) and optional labels.
import { basename } from 'node:path';
import { z } from 'zod';
import { DocumentType, Locator, StatementKind, type StatementInput } from '../model/index.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import { ImportError, compact, type ParseContext, type ParsedDataset, type ParsedDocument, type RowIssue } from './types.ts';
import { readJson } from './yaml-file.ts';
import { isPlainLocator, isPlainObject, isPlainRecord, isStringArray } from '../store/bulk/plain.ts';

const Meta = z.record(z.string(), z.unknown());

export const GovnavLabel = z
  .object({
    taxonomy: z.string().min(1),
    /** A code of the taxonomy, or a published label that resolves to one (e.g. "6.5 > Governance failure"). */
    code: z.string().min(1),
    source: z.enum(['human', 'imported', 'llm', 'embedded']).default('imported'),
    /** Defaults to true for human and imported labels, false for machine labels. */
    human: z.boolean().optional(),
    sourceValue: z.string().optional(),
    model: z.string().optional(),
    confidence: z.number().min(0).max(1).optional(),
    reasoning: z.string().max(500).optional(),
    reviewer: z.string().optional(),
  })
  .strict();

export const GovnavStatement = z
  .object({
    key: z.string().min(1),
    kind: StatementKind,
    parent: z.string().min(1).optional(),
    name: z.string().default(''),
    text: z.string().default(''),
    headingPath: z.array(z.string()).default([]),
    locator: Locator.strict().optional(),
    language: z.string().min(2).optional(),
    meta: Meta.optional(),
    labels: z.array(GovnavLabel).default([]),
  })
  .strict();

export const GovnavDocument = z
  .object({
    key: z.string().min(1),
    title: z.string().min(1),
    authors: z.string().optional(),
    organisation: z.string().optional(),
    date: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'use YYYY, YYYY-MM or YYYY-MM-DD').optional(),
    year: z.number().int().min(1900).max(2100).optional(),
    docType: DocumentType.default('other'),
    jurisdiction: z.string().optional(),
    language: z.string().min(2).default('en'),
    legislativeStatus: z.string().optional(),
    url: z.string().url().optional(),
    doi: z.string().optional(),
    abstract: z.string().optional(),
    itemType: z.string().optional(),
    meta: Meta.optional(),
    statements: z.array(z.unknown()).default([]),
  })
  .strict();

export const GovnavDataset = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'a lower-case slug (letters, digits, ".", "_", "-")'),
    version: z.string().min(1),
    licence: z.string().min(1),
    attribution: z.string().min(1),
    sourceUrl: z.string().url().optional(),
    description: z.string().optional(),
    meta: Meta.optional(),
  })
  .strict();

export const GovnavFile = z
  .object({
    $schema: z.string().optional(),
    format: z.literal('govnav-json'),
    formatVersion: z.literal(1),
    dataset: GovnavDataset,
    documents: z.array(z.unknown()),
  })
  .strict();

export type GovnavFileData = z.input<typeof GovnavFile>;

function pathText(base: string, path: PropertyKey[]): string {
  let out = base;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function firstIssue(err: z.ZodError, base: string): { field: string; message: string } {
  const i = err.issues[0]!;
  return { field: pathText(base, i.path) || '(value)', message: i.message };
}

export async function parseGovnavJson(path: string, ctx: ParseContext): Promise<ParsedDataset> {
  const file = basename(path);
  const raw = readJson(path);
  const top = GovnavFile.safeParse(raw);
  if (!top.success) {
    const { field, message } = firstIssue(top.error, '');
    throw new ImportError(`${file}: field "${field}": ${message}`);
  }
  return mapGovnav(top.data, file, path, ctx.registry);
}

/** What mapping one file needs at hand: where issues go and how taxonomies resolve. */
interface MapContext {
  file: string;
  registry: TaxonomyRegistry;
  issues: RowIssue[];
}

type GovnavDoc = z.output<typeof GovnavDocument>;
type OkStatement = { s: z.output<typeof GovnavStatement>; where: string };

/** A statement's labels name known taxonomies and codes; otherwise the issue is recorded and false returned. */
function labelsValid(s: z.output<typeof GovnavStatement>, sw: string, c: MapContext): boolean {
  for (const [li, l] of s.labels.entries()) {
    const lw = `${sw}.labels[${li}]`;
    if (!c.registry.has(l.taxonomy)) {
      c.issues.push({ file: c.file, row: sw, field: `${lw}.taxonomy`, key: s.key, message: `unknown taxonomy "${l.taxonomy}"` });
      return false;
    }
    const t = c.registry.get(l.taxonomy);
    if (!t.has(l.code) && !t.resolve(l.code)) {
      c.issues.push({ file: c.file, row: sw, field: `${lw}.code`, key: s.key, message: `"${l.code}" is not a code of taxonomy ${l.taxonomy}` });
      return false;
    }
  }
  return true;
}

const STATEMENT_FIELDS: ReadonlySet<string> = new Set(Object.keys(GovnavStatement.shape));
const KINDS: ReadonlySet<unknown> = new Set(StatementKind.options);
type GovnavStatementData = z.output<typeof GovnavStatement>;

/**
 * GovnavStatement's parse of a statement without labels whose every field is plainly valid (the
 * common case), built here several times quicker; undefined for anything else, which is parsed.
 * test/importers/govnav-quick.test.ts checks it against the parse on near misses of every field.
 */
export function quickStatement(raw: unknown): GovnavStatementData | undefined {
  if (!isPlainObject(raw)) return undefined;
  for (const k in raw) if (!STATEMENT_FIELDS.has(k)) return undefined;
  const { key, kind, parent, name = '', text = '', headingPath = [], locator, language, meta, labels } = raw;
  if (typeof key !== 'string' || key === '' || !KINDS.has(kind) || typeof name !== 'string' || typeof text !== 'string') return undefined;
  if (parent !== undefined && (typeof parent !== 'string' || parent === '')) return undefined;
  if (language !== undefined && (typeof language !== 'string' || language.length < 2)) return undefined;
  if (!isStringArray(headingPath) || (locator !== undefined && !isPlainLocator(locator)) || (meta !== undefined && !isPlainRecord(meta))) return undefined;
  if (labels !== undefined && !(Array.isArray(labels) && labels.length === 0)) return undefined;
  const out: GovnavStatementData = { key, kind: kind as GovnavStatementData['kind'], name, text, headingPath, labels: [] };
  if (parent !== undefined) out.parent = parent;
  if (locator !== undefined) out.locator = { ...(locator as GovnavStatementData['locator']) };
  if (language !== undefined) out.language = language;
  if (meta !== undefined) out.meta = { ...meta };
  return out;
}

/** Validate each statement of a document; the valid ones by key, in order, and the keys skipped. */
function validStatements(doc: GovnavDoc, where: string, c: MapContext): { ok: Map<string, OkStatement>; skippedKeys: string[] } {
  const ok = new Map<string, OkStatement>();
  const skippedKeys: string[] = [];
  doc.statements.forEach((rawSt, si) => {
    const sw = `${where}.statements[${si}]`;
    const quick = quickStatement(rawSt);
    const r = quick ? ({ success: true, data: quick } as const) : GovnavStatement.safeParse(rawSt);
    const key = (rawSt as { key?: unknown })?.key;
    if (!r.success) {
      const { field, message } = firstIssue(r.error, sw);
      c.issues.push({ file: c.file, row: sw, field, key: typeof key === 'string' ? key : undefined, message });
      if (typeof key === 'string') skippedKeys.push(key);
      return;
    }
    const s = r.data;
    if (ok.has(s.key)) {
      c.issues.push({ file: c.file, row: sw, field: `${sw}.key`, key: s.key, message: `duplicate statement key in document "${doc.key}" (first at ${ok.get(s.key)!.where})` });
      return;
    }
    if (!labelsValid(s, sw, c)) {
      skippedKeys.push(s.key);
      return;
    }
    ok.set(s.key, { s, where: sw });
  });
  return { ok, skippedKeys };
}

/** Drop statements whose parent is missing, was dropped, is themselves, or lies on a cycle of parents. */
function dropOrphans(doc: GovnavDoc, ok: Map<string, OkStatement>, skippedKeys: string[], c: MapContext): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const [key, { s, where: sw }] of ok) {
      if (s.parent === undefined || ok.has(s.parent)) continue;
      const message =
        s.parent === key
          ? 'a statement cannot be its own parent'
          : skippedKeys.includes(s.parent)
            ? `its parent "${s.parent}" was skipped`
            : `no statement "${s.parent}" in document "${doc.key}"`;
      c.issues.push({ file: c.file, row: sw, field: `${sw}.parent`, key, message });
      ok.delete(key);
      skippedKeys.push(key);
      changed = true;
    }
  }
  // A cycle of parents (a → b → a) has every parent present: report it instead of looping forever.
  for (const [key, { s, where: sw }] of ok) {
    const seen = new Set([key]);
    let p = s.parent;
    while (p !== undefined) {
      if (seen.has(p)) {
        c.issues.push({ file: c.file, row: sw, field: `${sw}.parent`, key, message: 'parents form a cycle' });
        ok.delete(key);
        skippedKeys.push(key);
        break;
      }
      seen.add(p);
      p = ok.get(p)?.s.parent;
    }
  }
}

/** The model's statements and labels from the statements kept. */
function statementInputs(doc: GovnavDoc, ok: Map<string, OkStatement>, registry: TaxonomyRegistry): Pick<ParsedDocument, 'statements' | 'labels'> {
  const statements: StatementInput[] = [];
  const labels: ParsedDocument['labels'] = [];
  let ord = 0;
  for (const { s } of ok.values()) {
    statements.push({
      sourceKey: s.key,
      kind: s.kind,
      parentSourceKey: s.parent,
      ord: ord++,
      name: s.name,
      text: s.text,
      headingPath: s.headingPath,
      locator: s.locator ?? {},
      language: s.language ?? doc.language,
      meta: s.meta ?? {},
    });
    for (const l of s.labels) {
      const t = registry.get(l.taxonomy);
      const code = t.has(l.code) ? l.code : t.resolve(l.code)!;
      labels.push({
        statementKey: s.key,
        taxonomy: l.taxonomy,
        code,
        source: l.source,
        human: l.human ?? (l.source === 'human' || l.source === 'imported'),
        sourceValue: l.sourceValue ?? (code !== l.code ? l.code : undefined),
        model: l.model,
        confidence: l.confidence,
        reasoning: l.reasoning,
        reviewer: l.reviewer,
      });
    }
  }
  return { statements, labels };
}

function documentInput(doc: GovnavDoc, legislativeStatus: string | undefined, provenance: ParsedDocument['input']['provenance']): ParsedDocument['input'] {
  return {
    sourceKey: doc.key,
    title: doc.title,
    authors: doc.authors,
    organisation: doc.organisation,
    date: doc.date,
    year: doc.year ?? (doc.date ? Number(doc.date.slice(0, 4)) : undefined),
    docType: doc.docType,
    jurisdiction: doc.jurisdiction,
    language: doc.language,
    legislativeStatus,
    url: doc.url,
    doi: doc.doi,
    abstract: doc.abstract,
    itemType: doc.itemType,
    provenance,
    meta: doc.meta ?? {},
  };
}

/** The document's legislative status as a taxonomy code; false (issue recorded) when it is not one. */
function legislativeStatusOf(doc: GovnavDoc, where: string, c: MapContext): string | undefined | false {
  if (!doc.legislativeStatus) return undefined;
  const code = c.registry.has('legislative-status') ? c.registry.get('legislative-status').resolve(doc.legislativeStatus) : doc.legislativeStatus;
  if (code) return code;
  c.issues.push({ file: c.file, row: where, field: `${where}.legislativeStatus`, key: doc.key, message: `"${doc.legislativeStatus}" is not a code of taxonomy legislative-status` });
  return false;
}

export function mapGovnav(data: z.output<typeof GovnavFile>, file: string, path: string, registry: TaxonomyRegistry): ParsedDataset {
  const ds = data.dataset;
  const provenance = { dataset: ds.id, datasetVersion: ds.version, licence: ds.licence, attribution: ds.attribution, sourceUrl: ds.sourceUrl };
  const c: MapContext = { file, registry, issues: [] };
  const documents: ParsedDocument[] = [];
  const skippedDocs: string[] = [];
  const docKeys = new Map<string, number>();
  data.documents.forEach((rawDoc, di) => {
    const where = `documents[${di}]`;
    const d = GovnavDocument.safeParse(rawDoc);
    if (!d.success) {
      const { field, message } = firstIssue(d.error, where);
      const key = (rawDoc as { key?: unknown })?.key;
      c.issues.push({ file, row: where, field, key: typeof key === 'string' ? key : undefined, message });
      if (typeof key === 'string') skippedDocs.push(key);
      return;
    }
    const doc = d.data;
    if (docKeys.has(doc.key)) {
      c.issues.push({ file, row: where, field: `${where}.key`, key: doc.key, message: `duplicate document key (first at documents[${docKeys.get(doc.key)}])` });
      return;
    }
    docKeys.set(doc.key, di);
    const legislativeStatus = legislativeStatusOf(doc, where, c);
    if (legislativeStatus === false) {
      skippedDocs.push(doc.key);
      return;
    }
    const { ok, skippedKeys } = validStatements(doc, where, c);
    dropOrphans(doc, ok, skippedKeys, c);
    documents.push({ input: documentInput(doc, legislativeStatus, provenance), ...statementInputs(doc, ok, registry), skippedKeys });
  });
  return {
    format: 'govnav-json',
    dataset: { id: ds.id, version: ds.version, licence: ds.licence, attribution: ds.attribution, sourceUrl: ds.sourceUrl, meta: compact({ description: ds.description, ...(ds.meta ?? {}), files: [file] }) },
    files: [path],
    documents,
    issues: c.issues,
    anomalies: [],
    skippedDocumentKeys: skippedDocs,
  };
}
