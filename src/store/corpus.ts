// Documents and statements: idempotent upserts keyed by (dataset, source key) that keep public ids.
import {
  DocumentInput,
  STATEMENT_KINDS,
  StatementInput,
  type DocumentData,
  type StatementData,
  type StatementKind,
} from '../model/index.ts';
import { z } from 'zod';
import { CopyBuffer, WriteQueue, canCopy, copyBuffered, yieldToIo } from './bulk/copy.ts';
import { RowTriggerSwitch, canSkipRowTriggers, fireStatementTriggers, lockReferenced } from './bulk/triggers.ts';
import { ignoreWhile } from '../util/errors.ts';
import { tsvectorOfWords } from './bulk/tsvector.ts';
import { sha256Hex } from './bulk/hash.ts';
import { isCount, isPlainLocator, isPlainObject, isPlainRecord, isStringArray } from './bulk/plain.ts';
import type { Db } from './db.ts';
import { checkRows, parseRows, queryRow, queryRows, tables } from './schema/index.ts';
import { STATEMENT_PREFIX, allocateIds } from './ids.ts';
import { searchTextWords } from './search-text.ts';
import { normHash } from './works.ts';

export type UpsertStatus = 'created' | 'updated' | 'unchanged';

export function hashOf(value: unknown): string {
  return sha256Hex(stableJson(value)).slice(0, 32);
}

/**
 * hashOf(s) of a statement as parsed by StatementInput (whose keys are known), without listing and
 * sorting its keys each time: the same JSON text, so the same hash (test/store/bulk-hash.test.ts).
 */
export function statementHash(s: StatementData): string {
  let json = '{"headingPath":' + stableJson(s.headingPath) + ',"kind":' + JSON.stringify(s.kind) + ',"language":' + JSON.stringify(s.language);
  json += ',"locator":' + stableJson(s.locator) + ',"meta":' + stableJson(s.meta) + ',"name":' + JSON.stringify(s.name) + ',"ord":' + stableJson(s.ord);
  if (s.parentSourceKey !== undefined) json += ',"parentSourceKey":' + JSON.stringify(s.parentSourceKey);
  json += ',"sourceKey":' + JSON.stringify(s.sourceKey) + ',"text":' + JSON.stringify(s.text) + '}';
  return sha256Hex(json).slice(0, 32);
}

function stableJson(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + stableJson(v[i]);
    return out + ']';
  }
  // Keys sorted, undefined values left out (JSON.stringify's rule).
  const o = v as Record<string, unknown>;
  let out = '{';
  for (const k of Object.keys(o).sort()) {
    const x = o[k];
    if (x === undefined) continue;
    out += (out.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + stableJson(x);
  }
  return out + '}';
}

export class ValidationError extends Error {
  constructor(
    readonly where: string,
    readonly field: string,
    message: string,
  ) {
    super(`${where}: field "${field}": ${message}`);
    this.name = 'ValidationError';
  }
}

function parseOrThrow<T>(schema: { safeParse(x: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, value: unknown, where: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  throw new ValidationError(where, i.path.map(String).join('.') || '(value)', i.message);
}

// ------------------------------------------------------------------ datasets

export async function upsertDataset(
  db: Db,
  ds: { id: string; version: string; licence: string; attribution: string; sourceUrl?: string; meta?: Record<string, unknown> },
): Promise<void> {
  await db.query(
    `INSERT INTO datasets (id, version, licence, attribution, source_url, meta, imported_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, licence = EXCLUDED.licence,
       attribution = EXCLUDED.attribution, source_url = EXCLUDED.source_url, meta = EXCLUDED.meta, imported_at = now()`,
    [ds.id, ds.version, ds.licence, ds.attribution, ds.sourceUrl ?? null, JSON.stringify(ds.meta ?? {})],
  );
}

// ------------------------------------------------------------------ documents

export interface DocumentRow {
  id: string;
  dataset: string;
  source_key: string;
  title: string;
  authors: string | null;
  organisation: string | null;
  date: string | null;
  year: number | null;
  doc_type: string;
  jurisdiction: string | null;
  language: string;
  legislative_status: string | null;
  url: string | null;
  doi: string | null;
  abstract: string | null;
  item_type: string | null;
  dataset_version: string;
  licence: string;
  attribution: string;
  source_url: string | null;
  meta: Record<string, unknown>;
  content_hash: string;
  created_at: Date;
  updated_at: Date;
  retired_at: Date | null;
}

/** The written columns of a document after (dataset, source_key), in the order of DOCUMENT_COLUMNS. */
const DOCUMENT_COLUMNS = [
  'title', 'authors', 'organisation', 'date', 'year', 'doc_type', 'jurisdiction', 'language', 'legislative_status', 'url',
  'doi', 'abstract', 'item_type', 'dataset_version', 'licence', 'attribution', 'source_url', 'meta', 'content_hash',
] as const;

function documentValues(d: DocumentData, hash: string): (string | number | null)[] {
  return [
    d.title,
    d.authors ?? null,
    d.organisation ?? null,
    d.date ?? null,
    d.year ?? null,
    d.docType,
    d.jurisdiction ?? null,
    d.language,
    d.legislativeStatus ?? null,
    d.url ?? null,
    d.doi ?? null,
    d.abstract ?? null,
    d.itemType ?? null,
    d.provenance.datasetVersion,
    d.provenance.licence,
    d.provenance.attribution,
    d.provenance.sourceUrl ?? null,
    JSON.stringify(d.meta),
    hash,
  ];
}

const ExistingDocumentRow = z.object({ id: z.string(), source_key: z.string(), content_hash: z.string(), retired: z.boolean() });

async function updateDocument(db: Db, id: string, values: (string | number | null)[]): Promise<void> {
  await db.query(
    `UPDATE documents SET title=$2, authors=$3, organisation=$4, date=$5, year=$6, doc_type=$7, jurisdiction=$8,
       language=$9, legislative_status=$10, url=$11, doi=$12, abstract=$13, item_type=$14, dataset_version=$15,
       licence=$16, attribution=$17, source_url=$18, meta=$19, content_hash=$20, updated_at=now(), retired_at=NULL
     WHERE id=$1`,
    [id, ...values],
  );
}

/** Insert or update a document by (dataset, sourceKey). Its public id never changes. */
export async function upsertDocument(db: Db, input: DocumentInput, where = 'document'): Promise<{ id: string; status: UpsertStatus }> {
  const [out] = await upsertDocumentsMany(db, [input], where);
  return out!;
}

/**
 * `upsertDocument` for many documents of one dataset (an import): one lookup, one id allocation,
 * one multi-row insert for the new ones; changed ones are updated one by one (there are few).
 * Results are in input order; a source key listed twice is written once and reported for each.
 */
export async function upsertDocumentsMany(db: Db, inputs: DocumentInput[], where = 'document'): Promise<{ id: string; status: UpsertStatus }[]> {
  const docs: DocumentData[] = inputs.map((input) => parseOrThrow(DocumentInput, input, `${where} "${(input as { sourceKey?: string }).sourceKey ?? '?'}"`));
  if (!docs.length) return [];
  const dataset = docs[0]!.provenance.dataset;
  if (docs.some((d) => d.provenance.dataset !== dataset)) throw new Error('upsertDocumentsMany: documents of several datasets');
  const existing = new Map(
    parseRows(
      ExistingDocumentRow,
      await db.query('SELECT id, source_key, content_hash, retired_at IS NOT NULL AS retired FROM documents WHERE dataset = $1 AND source_key = ANY($2::text[])', [
        dataset,
        docs.map((d) => d.sourceKey),
      ]),
      'existing documents',
    ).map((r) => [r.source_key, r]),
  );
  const fresh = [...new Set(docs.filter((d) => !existing.has(d.sourceKey)).map((d) => d.sourceKey))];
  const freshIds = new Map(fresh.map((k, i) => [k, i]));
  const ids = await allocateIds(db, 'D', fresh.length);
  const results: { id: string; status: UpsertStatus }[] = [];
  const inserts: Record<string, string | number | null>[] = [];
  const seen = new Map<string, { id: string; status: UpsertStatus; hash: string }>();
  const insertAt = new Map<string, number>();
  for (const d of docs) {
    const again = seen.get(d.sourceKey);
    const hash = hashOf(d);
    const old = existing.get(d.sourceKey);
    const values = documentValues(d, hash);
    let r: { id: string; status: UpsertStatus };
    if (again) {
      // The same key twice: the later one wins, as when each was upserted in turn.
      if (again.status === 'created') inserts[insertAt.get(d.sourceKey)!] = documentRecord(again.id, d, values);
      else await updateDocument(db, again.id, values);
      r = { id: again.id, status: again.hash === hash ? 'unchanged' : 'updated' };
    } else if (old && old.content_hash === hash && !old.retired) r = { id: old.id, status: 'unchanged' };
    else if (old) {
      await updateDocument(db, old.id, values);
      r = { id: old.id, status: 'updated' };
    } else {
      r = { id: ids[freshIds.get(d.sourceKey)!]!, status: 'created' };
      insertAt.set(d.sourceKey, inserts.length);
      inserts.push(documentRecord(r.id, d, values));
    }
    if (!again || again.hash !== hash) seen.set(d.sourceKey, { ...r, status: again?.status ?? r.status, hash });
    results.push(r);
  }
  await insertDocumentRecords(db, inputs.length === 1 ? where : `${where}s`, inserts);
  return results;
}

function documentRecord(id: string, d: DocumentData, values: (string | number | null)[]): Record<string, string | number | null> {
  const rec: Record<string, string | number | null> = { id, dataset: d.provenance.dataset, source_key: d.sourceKey };
  DOCUMENT_COLUMNS.forEach((c, i) => (rec[c] = values[i]!));
  return rec;
}

async function insertDocumentRecords(db: Db, where: string, records: Record<string, string | number | null>[]): Promise<void> {
  if (!records.length) return;
  const cols = ['id', 'dataset', 'source_key', ...DOCUMENT_COLUMNS];
  const types = cols.map((c) => (c === 'year' ? `${c} int` : `${c} text`)).join(', ');
  const select = cols.map((c) => (c === 'meta' ? 'x.meta::jsonb' : `x.${c}`)).join(', ');
  try {
    await db.query(`INSERT INTO documents (${cols.join(', ')}) SELECT ${select} FROM jsonb_to_recordset($1::jsonb) AS x(${types})`, [JSON.stringify(records)]);
  } catch (e) {
    throw new Error(`${where}: writing ${records.length} new document${records.length === 1 ? '' : 's'} failed: ${(e as Error).message}`, { cause: e });
  }
}

/** Mark documents of a dataset that a newer import no longer contains as retired (ids stay reserved). */
export async function retireMissingDocuments(db: Db, dataset: string, keepIds: string[]): Promise<number> {
  const rows = parseRows(
    z.object({ id: z.string() }),
    await db.query(
      `UPDATE documents SET retired_at = now(), updated_at = now() WHERE dataset = $1 AND retired_at IS NULL AND NOT (id = ANY($2::text[])) RETURNING id`,
      [dataset, keepIds],
    ),
    'retired documents',
  );
  if (rows.length)
    await db.query(`UPDATE statements SET retired_at = now(), updated_at = now() WHERE document_id = ANY($1::text[]) AND retired_at IS NULL`, [
      rows.map((r) => r.id),
    ]);
  return rows.length;
}

// ------------------------------------------------------------------ statements

export interface StatementRow {
  id: string;
  document_id: string;
  source_key: string;
  kind: StatementKind;
  parent_id: string | null;
  ord: number;
  name: string;
  text: string;
  heading_path: string[];
  page: number | null;
  page_end: number | null;
  char_start: number | null;
  char_end: number | null;
  locator_ref: string | null;
  language: string;
  meta: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
  retired_at: Date | null;
}

export interface StatementUpsertReport {
  created: number;
  updated: number;
  unchanged: number;
  retired: number;
  /** sourceKey → public id */
  ids: Map<string, string>;
  /** Ids of the statements created or updated by this call (what needs re-linking or re-labelling). */
  changedIds: string[];
  /** The statements created or updated by this call, as written (topic linking needs no read-back). */
  written: WrittenStatement[];
}

/** A statement as written by an upsert. `created`: its id is new in this transaction. */
export interface WrittenStatement {
  id: string;
  documentId: string;
  kind: StatementKind;
  ord: number;
  name: string;
  text: string;
  headingPath: readonly string[];
  contentHash: string;
  created: boolean;
  /** The normalised-text hash of a new statement (normHash, as written to statement_norms); unset for changed ones. */
  normHash?: string | null;
}

const BATCH = 2000;
/** New statement rows per COPY (or per group of multi-row inserts), written while the next are prepared. */
const COPY_BATCH = 2000;

/** The columns of one statement row as written (in the order of the INSERT's unnest parameters). */
const STATEMENT_WRITE_COLUMNS = [
  'id', 'document_id', 'source_key', 'kind', 'parent_id', 'ord', 'name', 'text', 'heading_path', 'page', 'page_end',
  'char_start', 'char_end', 'locator_ref', 'language', 'meta', 'search_text', 'content_hash', 'search_vector',
] as const;
/** One statement row as written: its values in the order of STATEMENT_WRITE_COLUMNS. */
type StatementWrite = (string | number | null)[];
/** Positions of the columns read back from a StatementWrite. */
const CONTENT_HASH = STATEMENT_WRITE_COLUMNS.indexOf('content_hash');
const SEARCH_VECTOR = STATEMENT_WRITE_COLUMNS.indexOf('search_vector');

/**
 * Make the document's statements equal to `inputs`: new source keys get new ids, changed ones are
 * updated in place (same id), identical ones are left alone, and (with retireMissing) statements no
 * longer present are retired. Parents are given by `parentSourceKey` within the same document.
 */
export async function upsertStatements(
  db: Db,
  documentId: string,
  inputs: StatementInput[],
  opts: { retireMissing?: boolean; where?: string } = {},
): Promise<StatementUpsertReport> {
  const [report] = await upsertStatementsMany(db, [{ documentId, statements: inputs, where: opts.where }], opts);
  return report!;
}

/** One document's statements, validated. */
interface ParsedStatements {
  documentId: string;
  where: string;
  items: StatementData[];
}

type ExistingStatements = Map<string, Map<string, { id: string; content_hash: string; retired: boolean }>>;

/** The reports, and the changed rows to write after the new ones (new rows go to a NewStatementWriter as they are made). */
interface StatementPlan {
  reports: StatementUpsertReport[];
  updated: StatementWrite[];
}

const ExistingStatementRow = z.object({
  id: z.string(),
  document_id: z.string(),
  source_key: z.string(),
  content_hash: z.string(),
  retired: z.boolean(),
});

const KINDS: ReadonlySet<unknown> = new Set(STATEMENT_KINDS);
const STATEMENT_KEYS: ReadonlySet<string> = new Set(['sourceKey', 'kind', 'parentSourceKey', 'ord', 'name', 'text', 'headingPath', 'locator', 'language', 'meta']);

/**
 * Whether `x` is a statement that StatementInput accepts with nothing to default or strip, so that
 * its parse would return an equal object: every field present and valid, no other key, plain
 * objects and arrays. Importers mostly hand over such objects (already checked against their own
 * format), and this check is several times quicker than the parse; anything else is parsed.
 */
export function plainStatement(x: unknown): x is StatementData {
  if (!isPlainObject(x)) return false;
  for (const k in x) if (!STATEMENT_KEYS.has(k)) return false;
  const s = x as Record<keyof StatementData, unknown>;
  if (typeof s.sourceKey !== 'string' || s.sourceKey === '' || !KINDS.has(s.kind) || !isCount(s.ord, 0)) return false;
  if (s.parentSourceKey !== undefined && typeof s.parentSourceKey !== 'string') return false;
  if (typeof s.name !== 'string' || typeof s.text !== 'string' || typeof s.language !== 'string') return false;
  return isStringArray(s.headingPath) && isPlainLocator(s.locator) && isPlainRecord(s.meta);
}

/** Validate every statement (StatementInput, parsed unless plainStatement), and source keys and parent keys within each document. */
function parseStatementDocs(docs: { documentId: string; statements: StatementInput[]; where?: string }[]): ParsedStatements[] {
  const parsed = docs.map((d) => {
    const where = d.where ?? `document ${d.documentId}`;
    const items: StatementData[] = d.statements.map((s, i) =>
      plainStatement(s) ? s : parseOrThrow(StatementInput, s, `${where}, statement ${(s as { sourceKey?: string }).sourceKey ?? `#${i + 1}`}`),
    );
    const seen = new Set<string>();
    for (const s of items) {
      if (seen.has(s.sourceKey)) throw new ValidationError(`${where}, statement ${s.sourceKey}`, 'sourceKey', 'duplicate source key in one document');
      seen.add(s.sourceKey);
    }
    for (const s of items)
      if (s.parentSourceKey !== undefined && !seen.has(s.parentSourceKey))
        throw new ValidationError(`${where}, statement ${s.sourceKey}`, 'parentSourceKey', `no statement "${s.parentSourceKey}" in this document`);
    return { documentId: d.documentId, where, items };
  });
  if (new Set(parsed.map((d) => d.documentId)).size !== parsed.length) throw new Error('upsertStatementsMany: a document is listed twice');
  return parsed;
}

/** What the documents hold already: one query for all of them. */
async function existingStatements(db: Db, documentIds: string[]): Promise<ExistingStatements> {
  const existing: ExistingStatements = new Map(documentIds.map((id) => [id, new Map()]));
  const rows = checkRows(
    ExistingStatementRow,
    await db.query(
      'SELECT id, document_id, source_key, content_hash, retired_at IS NOT NULL AS retired FROM statements WHERE document_id = ANY($1::text[])',
      [documentIds],
    ),
    'existing statements',
  );
  for (const r of rows) existing.get(r.document_id)!.set(r.source_key, { id: r.id, content_hash: r.content_hash, retired: r.retired });
  return existing;
}

/** Public ids for the new statements, in document order, one allocation per kind for the whole call. */
async function allocateStatementIds(db: Db, parsed: ParsedStatements[], existing: ExistingStatements): Promise<Map<string, string>[]> {
  const idMaps = parsed.map(() => new Map<string, string>());
  for (const kind of Object.keys(STATEMENT_PREFIX) as StatementKind[]) {
    const fresh: [number, string][] = [];
    parsed.forEach((d, di) => {
      const ex = existing.get(d.documentId)!;
      for (const s of d.items) if (s.kind === kind && !ex.has(s.sourceKey)) fresh.push([di, s.sourceKey]);
    });
    if (!fresh.length) continue;
    const allocated = await allocateIds(db, STATEMENT_PREFIX[kind], fresh.length);
    fresh.forEach(([di, key], i) => idMaps[di]!.set(key, allocated[i]!));
  }
  parsed.forEach((d, di) => {
    for (const [k, v] of existing.get(d.documentId)!) idMaps[di]!.set(k, v.id);
  });
  return idMaps;
}

/**
 * The row to write for a statement. Its parent's id comes from `ids`: the ids allocated for this
 * document's new statements and those of the statements it already has (read in this transaction).
 */
function statementWrite(s: StatementData, id: string, documentId: string, ids: Map<string, string>, hash: string): StatementWrite {
  const words = searchTextWords(s.name, s.text, s.headingPath.join(' '));
  const searchText = words.join(' ');
  let parent: string | null = null;
  if (s.parentSourceKey !== undefined) {
    parent = ids.get(s.parentSourceKey) ?? null;
    if (parent === null) throw new Error(`internal: statement ${s.sourceKey}: no id for its parent "${s.parentSourceKey}"`);
  }
  const loc = s.locator;
  return [
    id, documentId, s.sourceKey, s.kind, parent, s.ord, s.name, s.text, pgTextArray(s.headingPath),
    loc.page ?? null, loc.pageEnd ?? null, loc.charStart ?? null, loc.charEnd ?? null, loc.ref ?? null,
    s.language, JSON.stringify(s.meta), searchText, hash,
    // Built here where certain (else NULL, and the database computes it: migration 0945).
    tsvectorOfWords(words),
  ];
}

/** Callbacks of a many-document upsert. */
export interface StatementHooks {
  /** Statements compared with what exists so far (moves as rows are prepared). */
  onProgress?: (statementsSeen: number) => void;
  /**
   * Called for each new statement just after its row is queued for writing, while earlier chunks
   * are being written: work done here (an import's topic matching) overlaps the server's.
   */
  onCreated?: (s: WrittenStatement) => void;
}

/** Compare with what exists: unchanged statements are counted, new rows go to `writer` (sent in chunks), changed ones to the plan. */
async function planStatementWrites(
  parsed: ParsedStatements[],
  existing: ExistingStatements,
  idMaps: Map<string, string>[],
  writer: NewStatementWriter,
  hooks: StatementHooks = {},
): Promise<StatementPlan> {
  const { onProgress, onCreated } = hooks;
  const plan: StatementPlan = { reports: [], updated: [] };
  let sinceYield = 0;
  let seen = 0;
  for (let di = 0; di < parsed.length; di++) {
    const d = parsed[di]!;
    const ex = existing.get(d.documentId)!;
    const ids = idMaps[di]!;
    const report: StatementUpsertReport = { created: 0, updated: 0, unchanged: 0, retired: 0, ids, changedIds: [], written: [] };
    for (const s of d.items) {
      if (++sinceYield >= 250) {
        seen += sinceYield;
        sinceYield = 0;
        if (writer.pending >= COPY_BATCH) writer.flush();
        onProgress?.(seen);
        await yieldToIo();
      }
      const hash = statementHash(s);
      const old = ex.get(s.sourceKey);
      if (old && old.content_hash === hash && !old.retired) {
        report.unchanged++;
        continue;
      }
      const id = ids.get(s.sourceKey)!;
      report.changedIds.push(id);
      const written: WrittenStatement = { id, documentId: d.documentId, kind: s.kind, ord: s.ord, name: s.name, text: s.text, headingPath: s.headingPath, contentHash: hash, created: !old };
      report.written.push(written);
      const row = statementWrite(s, id, d.documentId, ids, hash);
      if (old) {
        report.updated++;
        plan.updated.push(row);
      } else {
        report.created++;
        written.normHash = normHash(s.text);
        writer.add(row, written.normHash, d.where, s.sourceKey);
        onCreated?.(written);
      }
    }
    plan.reports.push(report);
  }
  writer.flush();
  return plan;
}

/** Multi-row upsert of statement rows, 2,000 per query, the columns bound as parallel arrays (unnest). */
async function upsertStatementRows(db: Db, rows: StatementWrite[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const chunk = rows.slice(i, i + BATCH);
    await db.query(
      `INSERT INTO statements (id, document_id, source_key, kind, parent_id, ord, name, text, heading_path, page, page_end,
         char_start, char_end, locator_ref, language, meta, search_text, content_hash, search_vector)
       SELECT x.id, x.document_id, x.source_key, x.kind, x.parent_id, x.ord, x.name, x.text,
         x.heading_path::text[], x.page, x.page_end, x.char_start, x.char_end,
         x.locator_ref, x.language, x.meta::jsonb, x.search_text, x.content_hash, x.search_vector::tsvector
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[],
         $10::int[], $11::int[], $12::int[], $13::int[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[])
         AS x(id, document_id, source_key, kind, parent_id, ord, name, text, heading_path, page, page_end, char_start, char_end,
           locator_ref, language, meta, search_text, content_hash, search_vector)
       ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, parent_id = EXCLUDED.parent_id, ord = EXCLUDED.ord,
         name = EXCLUDED.name, text = EXCLUDED.text, heading_path = EXCLUDED.heading_path, page = EXCLUDED.page,
         page_end = EXCLUDED.page_end, char_start = EXCLUDED.char_start, char_end = EXCLUDED.char_end,
         locator_ref = EXCLUDED.locator_ref, language = EXCLUDED.language, meta = EXCLUDED.meta,
         search_text = EXCLUDED.search_text, search_vector = EXCLUDED.search_vector, content_hash = EXCLUDED.content_hash,
         updated_at = now(), retired_at = NULL`,
      STATEMENT_WRITE_COLUMNS.map((_, c) => chunk.map((r) => r[c])),
    );
  }
}

/** New statement rows (encoded as they are made) and their statement_norms rows, with where each came from. */
class NewRows {
  readonly rows = new CopyBuffer();
  readonly norms = new CopyBuffer();
  readonly wheres: string[] = [];
  readonly keys: string[] = [];

  add(row: StatementWrite, norm: string | null, where: string, key: string): void {
    this.rows.add(row);
    // Their normalised-text hashes too (works detection would otherwise read every new text back).
    this.norms.add([row[0], row[CONTENT_HASH], norm]);
    this.wheres.push(where);
    this.keys.push(key);
  }

  /** COPY them; a row the database rejects names its input row. */
  async copy(db: Db): Promise<void> {
    const whereOf = (k: number) => `${this.wheres[k]}, statement ${this.keys[k]}`;
    await copyBuffered(db, 'statements', STATEMENT_WRITE_COLUMNS, this.rows, whereOf);
    await copyBuffered(db, 'statement_norms', ['statement_id', 'content_hash', 'norm_hash'], this.norms, whereOf);
  }
}

/** How one call writes its new statement rows. */
type NewRowMode = 'insert' | 'copy' | 'copy-trusted';

/** One chunk of new rows: rows for the multi-row upsert, or COPY payloads (without and with row triggers). */
interface NewChunk {
  upsert: StatementWrite[];
  trusted: NewRows;
  checked: NewRows;
  count: number;
}

const newChunk = (): NewChunk => ({ upsert: [], trusted: new NewRows(), checked: new NewRows(), count: 0 });

/**
 * Writes the new statements of one upsertStatementsMany call, chunk by chunk in order, while the
 * caller prepares the next chunk: by COPY where the engine can (their ids are fresh, so nothing to
 * merge), else by the multi-row upsert. Where row triggers may be skipped (src/store/bulk/triggers.ts),
 * rows with a search vector go in without them: their documents are locked first (as each row's
 * foreign-key check would lock them), their parents are statements of the same document (new in
 * this call, or read from it in this transaction under that lock), same_as is NULL, and their
 * statement_norms rows point at them; rows without a vector keep the trigger that computes it.
 */
class NewStatementWriter {
  private readonly queue = new WriteQueue();
  private chunk = newChunk();
  private locked = false;
  private readonly triggers: RowTriggerSwitch;

  private constructor(
    private readonly db: Db,
    private readonly parsed: ParsedStatements[],
    private readonly mode: NewRowMode,
  ) {
    this.triggers = new RowTriggerSwitch(db);
  }

  static async open(db: Db, parsed: ParsedStatements[]): Promise<NewStatementWriter> {
    const mode: NewRowMode = !canCopy(db) ? 'insert' : (await canSkipRowTriggers(db)) ? 'copy-trusted' : 'copy';
    return new NewStatementWriter(db, parsed, mode);
  }

  /** Rows added since the last flush. */
  get pending(): number {
    return this.chunk.count;
  }

  /** A new row and the normalised-text hash of its text (for statement_norms). */
  add(row: StatementWrite, norm: string | null, where: string, key: string): void {
    this.chunk.count++;
    if (this.mode === 'insert') this.chunk.upsert.push(row);
    else if (this.mode === 'copy-trusted' && row[SEARCH_VECTOR] !== null) this.chunk.trusted.add(row, norm, where, key);
    else this.chunk.checked.add(row, norm, where, key);
  }

  /** Send the rows added so far (written after the chunks before them). */
  flush(): void {
    if (!this.chunk.count) return;
    const chunk = this.chunk;
    this.chunk = newChunk();
    this.queue.push(() => this.write(chunk));
  }

  /** Wait for every write; then fire the statement-level triggers that COPYs without row triggers skipped. */
  async done(): Promise<void> {
    this.flush();
    await this.queue.done();
    await this.triggers.on();
    if (this.locked) await fireStatementTriggers(this.db, ['statements']);
  }

  /** After a failure while rows were being prepared: let queued writes end and turn row triggers on again. */
  async abandon(): Promise<void> {
    await this.queue.done().catch(ignoreWhile('a queued write after a failed preparation (that failure is rethrown)'));
    await this.triggers.on().catch(ignoreWhile('turning row triggers on again after a failure'));
  }

  private async write(chunk: NewChunk): Promise<void> {
    if (this.mode === 'insert') return upsertStatementRows(this.db, chunk.upsert);
    if (chunk.trusted.rows.rows) {
      if (!this.locked) await lockReferenced(this.db, 'documents', this.parsed.map((d) => d.documentId), this.parsed[0]?.where ?? 'statements');
      this.locked = true;
      await this.triggers.off();
      await chunk.trusted.copy(this.db);
    }
    if (chunk.checked.rows.rows) {
      await this.triggers.on();
      await chunk.checked.copy(this.db);
    }
  }
}

/** Retire the statements of these documents that the input no longer lists; counts go to the reports. */
async function retireMissingStatements(db: Db, parsed: ParsedStatements[], existing: ExistingStatements, reports: StatementUpsertReport[]): Promise<void> {
  const withOld = parsed.filter((d) => existing.get(d.documentId)!.size > 0);
  if (!withOld.length) return;
  const keep = withOld.flatMap((d) => d.items.map((s) => `${d.documentId} ${s.sourceKey}`));
  const rows = parseRows(
    z.object({ document_id: z.string() }),
    await db.query(
      `UPDATE statements SET retired_at = now(), updated_at = now()
       WHERE document_id = ANY($1::text[]) AND retired_at IS NULL
         AND NOT ((document_id || ' ' || source_key) = ANY($2::text[])) RETURNING document_id`,
      [withOld.map((d) => d.documentId), keep],
    ),
    'retired statements',
  );
  const index = new Map(parsed.map((d, di) => [d.documentId, di]));
  for (const r of rows) reports[index.get(r.document_id)!]!.retired++;
}

/**
 * `upsertStatements` for several documents at once (an import): one lookup of what exists, one id
 * allocation per kind, new statements by COPY (or multi-row inserts), changed ones by a multi-row
 * upsert. Reports are in input order.
 */
export async function upsertStatementsMany(
  db: Db,
  docs: { documentId: string; statements: StatementInput[]; where?: string }[],
  opts: { retireMissing?: boolean } & StatementHooks = {},
): Promise<StatementUpsertReport[]> {
  const parsed = parseStatementDocs(docs);
  const existing = await existingStatements(db, parsed.map((d) => d.documentId));
  const idMaps = await allocateStatementIds(db, parsed, existing);
  // New rows are written in chunks as they are prepared (the server works while the next chunk is built).
  const writer = await NewStatementWriter.open(db, parsed);
  let plan: StatementPlan;
  try {
    plan = await planStatementWrites(parsed, existing, idMaps, writer, opts);
  } catch (e) {
    await writer.abandon();
    throw e;
  }
  await writer.done();
  await upsertStatementRows(db, plan.updated);
  if (opts.retireMissing) await retireMissingStatements(db, parsed, existing, plan.reports);
  return plan.reports;
}

/** A PostgreSQL array literal of text values ({"a","b \\"c\\""}): binds the same way on both engines. */
export function pgTextArray(values: readonly string[]): string {
  return '{' + values.map((v) => '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"').join(',') + '}';
}


export async function getDocument(db: Db, id: string): Promise<DocumentRow | undefined> {
  return queryRow(db, tables.documents.row satisfies z.ZodType<DocumentRow>, 'SELECT * FROM documents WHERE id = $1', [id], `document ${id}`);
}

const STATEMENT_COLS = `id, document_id, source_key, kind, parent_id, ord, name, text, heading_path, page, page_end,
  char_start, char_end, locator_ref, language, meta, created_at, updated_at, retired_at`;
/** The columns of STATEMENT_COLS. */
const StatementRowSchema = tables.statements.row.omit({ content_hash: true, same_as: true }) satisfies z.ZodType<StatementRow>;

export async function getStatement(db: Db, id: string): Promise<StatementRow | undefined> {
  return queryRow(db, StatementRowSchema, `SELECT ${STATEMENT_COLS} FROM statements WHERE id = $1`, [id], `statement ${id}`);
}

/** The document's statements in source order (retired ones left out unless asked). */
export async function listDocumentStatements(db: Db, documentId: string, includeRetired = false): Promise<StatementRow[]> {
  return queryRows(
    db,
    StatementRowSchema,
    `SELECT ${STATEMENT_COLS} FROM statements WHERE document_id = $1 ${includeRetired ? '' : 'AND retired_at IS NULL'}
     ORDER BY ord, id`,
    [documentId],
    `statements of ${documentId}`,
  );
}
