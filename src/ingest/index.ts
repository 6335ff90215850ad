// Ingest: a file or URL → bytes → extracted text and blocks (one reader per format) → an outline
// in which every block has a role (mitigation, risk, principle, context, apparatus) → statements of
// the three statement kinds, with heading paths and locators → one transaction per document in the
// store (dataset "ingest"), outline included. Maintainers' corrections to the extraction are kept
// and applied again on every re-ingest and re-extraction.
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import {
  addCorrections,
  listCorrections,
  listDocumentBlocks,
  replaceDocumentBlocks,
  storedExtracted,
  upsertDataset,
  upsertDocument,
  upsertStatements,
  type StatementUpsertReport,
  type UpsertStatus,
} from '../store/index.ts';
import type { Db } from '../store/index.ts';
import { detectWorks } from '../store/works.ts';
import { analyzeAfterBulkWrite, canCopy, copyRows } from '../store/bulk/copy.ts';
import { canSkipRowTriggers, withoutRowTriggers } from '../store/bulk/triggers.ts';
import { checkRows, parseRows, queryRow, queryRows, tables } from '../store/schema/index.ts';
import { z } from 'zod';
import { DOCUMENT_TYPES, STATEMENT_KINDS, type DocumentInput, type StatementInput, type StatementKind } from '../model/index.ts';
import { classifyAll, extractStatements, roleModelFromStore, type RoleModel } from '../extract/index.ts';
import { blockAnchor, isStatementRole, type Correction, type Extraction, type ExtractedStatement, type Role, type RoleDecision } from '../extract/types.ts';
import type { LlmExtractionReport, LlmExtractOptions } from '../classify/llm/extract.ts';
import { BlockTooLongError } from './build.ts';
import { decodeDeclared, decodeText } from './decode.ts';
import { detectDate, detectFormat, detectLanguage } from './detect.ts';
import { bandValues, fingerprint, minhash, parseSignatureHex, shingles, signatureHex, signatureOf, similarity, NEAR_DUPLICATE_THRESHOLD } from './dedupe.ts';
import { DEFAULT_FETCH_LIMITS, fetchDocument, formatBytes, isUrl } from './fetch.ts';
import { squash } from './segment.ts';
import { FORMATS, IngestError, type Block, type Extracted, type Format } from './types.ts';
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from './readers/docx.ts';
import { createHash } from 'node:crypto';

export { IngestError, FORMATS, type Extracted, type Format } from './types.ts';
export { segment, type Segment } from './segment.ts';
export { fetchDocument, isUrl } from './fetch.ts';

export const INGEST_DATASET = 'ingest';
export const DEFAULT_LICENCE = 'unknown (ingested by user)';

export interface IngestOptions {
  title?: string;
  organisation?: string;
  date?: string;
  type?: string;
  jurisdiction?: string;
  language?: string;
  /** A hint for the role classifier: the statement kind this document mostly states. */
  kind?: StatementKind;
  licence?: string;
  attribution?: string;
  /** Read the input as this format instead of detecting it. */
  format?: Format;
  /** Decode text inputs with this encoding instead of detecting it. */
  encoding?: string;
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  zipLimits?: ZipLimits;
  /** Run everything, report what would change, and roll back. */
  dryRun?: boolean;
  /** How block roles are decided (default embedded). */
  roles?: RolesMode;
  /** Provider settings for `roles: 'llm'` (the document line is filled in by ingest). */
  llm?: Omit<LlmExtractOptions, 'document'>;
  /** The embedded role classifier's text model (default: roleModelFromStore). */
  model?: RoleModel;
  /** Include the whole outline in the result (always for dry runs). */
  outline?: boolean;
  onPage?: (page: number, total: number) => void;
}

export interface Loaded {
  source: string;
  name: string;
  bytes: Uint8Array;
  contentType?: string;
  charset?: string;
  url?: string;
}

// ------------------------------------------------------------------ reading

export async function loadSource(source: string, opts: IngestOptions = {}): Promise<Loaded> {
  const maxBytes = opts.maxBytes ?? DEFAULT_FETCH_LIMITS.maxBytes;
  if (isUrl(source)) {
    const f = await fetchDocument(source, { maxBytes, timeoutMs: opts.timeoutMs, maxRedirects: opts.maxRedirects });
    const path = new URL(f.finalUrl).pathname;
    return { source, name: basename(path) || new URL(f.finalUrl).hostname, bytes: f.bytes, contentType: f.contentType, charset: f.charset, url: f.finalUrl };
  }
  let size: number;
  try {
    const st = await stat(source);
    if (!st.isFile()) throw new IngestError(source, 'is not a file.');
    size = st.size;
  } catch (e) {
    if (e instanceof IngestError) throw e;
    throw new IngestError(source, 'was not found or cannot be read.', 'Check the path (URLs must start with http:// or https://).');
  }
  if (size > maxBytes) throw new IngestError(source, `is larger than the ${formatBytes(maxBytes)} limit (${formatBytes(size)}).`, 'Raise the limit with --max-bytes if you trust the file.');
  const buf = await readFile(source);
  return { source, name: basename(source), bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
}

export async function extract(loaded: Loaded, opts: IngestOptions = {}): Promise<Extracted & { encoding?: string }> {
  try {
    return await readLoaded(loaded, opts);
  } catch (e) {
    // A paragraph too long to be one (src/ingest/build.ts): say which file, and what to do.
    if (e instanceof BlockTooLongError)
      throw new IngestError(loaded.source, e.message, 'Check that the file has paragraph breaks (blank lines between paragraphs) and is the document you meant.');
    throw e;
  }
}

async function readLoaded(loaded: Loaded, opts: IngestOptions): Promise<Extracted & { encoding?: string }> {
  const { source, bytes } = loaded;
  if (opts.format && !FORMATS.includes(opts.format)) throw new IngestError(source, `--format "${opts.format}" is not one of ${FORMATS.join(', ')}.`);
  const detected = opts.format ? { format: opts.format } : detectFormat(bytes, loaded.name, loaded.contentType);
  if ('error' in detected) throw new IngestError(source, detected.error, detected.hint);
  if (!bytes.length) throw new IngestError(source, 'is empty (0 bytes).');
  switch (detected.format) {
    case 'pdf': {
      const { readPdf } = await import('./readers/pdf.ts');
      return readPdf(bytes, source, { onPage: opts.onPage });
    }
    case 'docx': {
      const { readDocx } = await import('./readers/docx.ts');
      return readDocx(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), source, opts.zipLimits ?? DEFAULT_ZIP_LIMITS);
    }
    case 'html': {
      const { readHtml, declaredCharset } = await import('./readers/html.ts');
      const declared = opts.encoding ?? loaded.charset ?? declaredCharset(bytes);
      const decoded = (declared ? decodeDeclared(bytes, declared) : undefined) ?? decodeText(bytes, source);
      return { ...readHtml(decoded.text), encoding: decoded.encoding };
    }
    case 'markdown': {
      const { readMarkdown } = await import('./readers/markdown.ts');
      const decoded = decodeText(bytes, source, opts.encoding ?? loaded.charset);
      return { ...readMarkdown(decoded.text), encoding: decoded.encoding };
    }
    case 'text': {
      const { readText } = await import('./readers/text.ts');
      const decoded = decodeText(bytes, source, opts.encoding ?? loaded.charset);
      return { ...readText(decoded.text), encoding: decoded.encoding };
    }
  }
}

// ------------------------------------------------------------------ roles

/** How block roles are decided: the embedded classifier, or an LLM for the statements (embedded for the rest). */
export const ROLE_SOURCES = ['embedded', 'llm'] as const;
export type RolesMode = (typeof ROLE_SOURCES)[number];

export interface ExtractWithRolesOptions {
  language: string;
  defaultKind?: StatementKind;
  model?: RoleModel;
  corrections?: Correction[];
  /**
   * Decisions from the LLM path, by block index. When given, these blocks take them, and every
   * other block the embedded classifier made a statement is left out as context: the LLM decides
   * what is a statement, the embedded classifier what the rest is.
   */
  llm?: Map<number, RoleDecision & { name?: string }>;
}

/**
 * The corrections in force, in order, where a later one wins: a split takes its block out of any
 * earlier merge (a merge left with one block is dropped), and a merge cancels earlier splits of its
 * blocks. Role corrections pass through (applied in order, the last one wins).
 */
export function effectiveCorrections(list: readonly Correction[]): Correction[] {
  const out: (Correction | undefined)[] = [];
  for (const c of list) {
    if (c.op === 'split') {
      for (let i = 0; i < out.length; i++) {
        const o = out[i];
        if (o?.op !== 'merge' || !o.anchors.includes(c.anchor)) continue;
        const rest = o.anchors.filter((a) => a !== c.anchor);
        out[i] = rest.length >= 2 ? { op: 'merge', anchors: rest } : undefined;
      }
    } else if (c.op === 'merge') {
      for (let i = 0; i < out.length; i++) {
        const o = out[i];
        if (o?.op === 'split' && c.anchors.includes(o.anchor)) out[i] = undefined;
        // A block belongs to one merge: the later merge takes it.
        if (o?.op === 'merge' && o.anchors.some((a) => c.anchors.includes(a))) {
          const rest = o.anchors.filter((a) => !c.anchors.includes(a));
          out[i] = rest.length >= 2 ? { op: 'merge', anchors: rest } : undefined;
        }
      }
    }
    out.push(c);
  }
  return out.filter((c): c is Correction => c !== undefined);
}

/**
 * Extraction with the ingest options: `extractStatements` with the corrections in force; on the LLM
 * path the LLM's decisions go in ahead of the maintainers' corrections (see below).
 */
export function extractWithRoles(ex: Extracted, opts: ExtractWithRolesOptions): Extraction {
  const corrections = effectiveCorrections(opts.corrections ?? []);
  const base = { language: opts.language, defaultKind: opts.defaultKind, model: opts.model };
  const llm = opts.llm;
  if (!llm) return extractStatements(ex, { ...base, corrections });
  // The LLM path goes through the same extraction: the LLM's roles (and the demotion of what the
  // embedded classifier alone would have made a statement) enter as role settings ahead of the
  // maintainers' corrections, which therefore still win; the decisions are then labelled as the LLM's.
  const embedded = classifyAll(ex.blocks, { ...base, pages: ex.pages }).decisions;
  const decided = new Map<number, RoleDecision>();
  ex.blocks.forEach((_, i) => {
    const d = llm.get(i);
    if (d) decided.set(i, { role: d.role, confidence: d.confidence, reason: d.reason, source: 'llm' });
    else if (isStatementRole(embedded[i]!.role))
      decided.set(i, { role: 'context', confidence: 0.5, reason: `the LLM did not mark it as a statement (embedded: ${embedded[i]!.role}, ${embedded[i]!.reason})`, source: 'llm' });
  });
  const asSet: Correction[] = [...decided].map(([i, d]) => ({ op: 'set-role', anchor: blockAnchor(ex.blocks[i]!.text), role: d.role }));
  const byHand = new Set(corrections.flatMap((c) => (c.op === 'set-role' ? [c.anchor] : [])));
  const x = extractStatements(ex, { ...base, corrections: [...asSet, ...corrections] });
  for (const o of x.outline) {
    const d = decided.get(o.index);
    if (d && !byHand.has(o.anchor)) o.decision = d;
  }
  for (const st of x.statements) {
    const first = x.outline[st.blocks[0]!]!;
    st.meta = { ...st.meta, role: first.decision };
    // The LLM's short name for a statement it found, where the statement starts at its block.
    const name = llm.get(first.index)?.name;
    if (name && first.decision.source === 'llm') st.name = name;
  }
  return x;
}

/** How many corrections name a block (anchor) the extraction does not have. */
export function unmatchedCorrections(corrections: readonly Correction[], x: Extraction): number {
  const anchors = new Set(x.outline.map((o) => o.anchor));
  return corrections.filter((c) => (c.op === 'merge' ? c.anchors : [c.anchor]).some((a) => !anchors.has(a))).length;
}

/** Statements per kind of an extraction. */
export function statementCounts(x: Extraction): Record<StatementKind, number> {
  const out: Record<StatementKind, number> = { mitigation: 0, risk: 0, principle: 0 };
  for (const s of x.statements) out[s.kind]++;
  return out;
}

// ------------------------------------------------------------------ preparing

export interface Prepared {
  source: string;
  extracted: Extracted & { encoding?: string };
  document: DocumentInput;
  /** The kind the document's type or --kind suggests: a weak prior for the role classifier. */
  defaultKind?: StatementKind;
  language: string;
  roles: RolesMode;
  /** The LLM path's decisions by block index, and its report. */
  llm?: { decisions: Map<number, RoleDecision & { name?: string }>; report: LlmExtractionReport };
  fingerprint: string;
  signature: number[];
  /** What was detected from the document itself (before flags), for the report. */
  detected: { title?: string; date?: string; language?: string };
  titleOrgKey?: string;
}

function nameTitle(name: string): string {
  const stem = basename(name, extname(name)).replace(/[_-]+/g, ' ').trim();
  return stem || name;
}

/** The statement kind a document type or --kind suggests (a prior for the role classifier, not a rule). */
export function kindFor(docType: string, kind?: StatementKind): StatementKind | undefined {
  if (kind) return kind;
  return docType === 'principles' || docType === 'declaration' ? 'principle' : undefined;
}

/** One line about the document for the LLM prompt. */
function documentLine(d: DocumentInput): string {
  return [d.title, d.organisation, d.docType, d.year].filter((x) => x !== undefined && x !== '').join(', ');
}

/** Read and extract one input (and, on the LLM path, ask the provider for its statements); nothing touches the database. */
export async function prepare(source: string, opts: IngestOptions = {}): Promise<Prepared> {
  if (opts.kind && !STATEMENT_KINDS.includes(opts.kind)) throw new IngestError(source, `--kind "${opts.kind}" is not one of ${STATEMENT_KINDS.join(', ')}.`);
  const roles: RolesMode = opts.roles ?? 'embedded';
  if (!ROLE_SOURCES.includes(roles)) throw new IngestError(source, `--roles "${roles}" is not one of ${ROLE_SOURCES.join(', ')}.`);
  if (roles === 'llm' && !opts.llm) throw new IngestError(source, '--roles llm needs LLM settings (--provider, --model).');
  const docType = opts.type ?? 'other';
  if (!(DOCUMENT_TYPES as readonly string[]).includes(docType)) throw new IngestError(source, `--type "${docType}" is not one of ${DOCUMENT_TYPES.join(', ')}.`);
  if (opts.date && !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(opts.date)) throw new IngestError(source, `--date "${opts.date}" is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD).`);
  const loaded = await loadSource(source, opts);
  const ex = await extract(loaded, opts);
  const firstHeading = ex.blocks.find((b) => b.kind === 'heading' && b.level === 1) ?? ex.blocks.find((b) => b.kind === 'heading');
  const detectedLanguage = detectLanguage(ex.text) ?? ex.meta.language;
  const detected = {
    title: ex.meta.title ?? firstHeading?.text,
    date: ex.meta.date ?? detectDate(ex.text) ?? ex.meta.fallbackDate,
    language: detectedLanguage,
  };
  const language = opts.language ?? detected.language ?? 'en';
  if (!ex.blocks.some((b) => b.kind !== 'heading' && (b.text.match(/\p{L}/gu)?.length ?? 0) >= 2))
    throw new IngestError(
      source,
      ex.text.trim() ? 'contains no statements: no paragraphs or list items were found, only headings or fragments.' : 'contains no text.',
      'Check that this is the document you meant; a scanned document needs OCR first.',
    );
  const title = (opts.title ?? detected.title ?? nameTitle(loaded.name)).slice(0, 500);
  const date = opts.date ?? detected.date;
  const fp = fingerprint(ex.text);
  const defaultKind = kindFor(docType, opts.kind);
  const document: DocumentInput = {
    sourceKey: `fp:${fp.slice(0, 24)}`, // replaced by the key of a matching existing document, if any
    title,
    organisation: opts.organisation,
    authors: ex.meta.author,
    date,
    year: date ? Number(date.slice(0, 4)) : undefined,
    docType: docType as DocumentInput['docType'],
    jurisdiction: opts.jurisdiction,
    language,
    url: loaded.url,
    provenance: {
      dataset: INGEST_DATASET,
      datasetVersion: `text ${fp.slice(0, 12)}`,
      licence: opts.licence ?? DEFAULT_LICENCE,
      attribution: opts.attribution ?? (opts.organisation ? `${title}, ${opts.organisation}` : title),
      sourceUrl: loaded.url,
    },
    meta: {
      ingest: {
        format: ex.format,
        file: loaded.name,
        bytes: loaded.bytes.byteLength,
        ...(ex.pages ? { pages: ex.pages } : {}),
        ...(ex.encoding && ex.encoding !== 'utf-8' ? { encoding: ex.encoding } : {}),
        ...(defaultKind ? { kind: defaultKind } : {}),
        roles,
        fingerprint: fp,
        notes: ex.notes,
      },
    },
  };
  let llm: Prepared['llm'];
  if (roles === 'llm') {
    const { llmExtract, spanDecisions } = await import('../classify/llm/extract.ts');
    const report = await llmExtract(ex, { ...opts.llm!, document: documentLine(document) });
    const decisions = new Map<number, RoleDecision & { name?: string }>();
    for (const [i, d] of spanDecisions(ex.blocks, report.spans)) decisions.set(i, { role: d.role, confidence: d.confidence, reason: d.reason, source: 'llm', name: d.span.name || undefined });
    llm = { decisions, report };
  }
  const titleOrgKey =
    opts.title && opts.organisation
      ? 'title-org:' + createHash('sha256').update(squash(opts.title) + '|' + squash(opts.organisation)).digest('hex').slice(0, 24)
      : undefined;
  return { source, extracted: ex, document, defaultKind, language, roles, llm, fingerprint: fp, signature: minhash(shingles(ex.text)), detected, titleOrgKey };
}

// ------------------------------------------------------------------ writing

export interface NearDuplicate {
  statementId: string;
  otherId: string;
  otherDocumentId: string;
  similarity: number;
}

/** One block of the outline as ingest reports it (dry runs, `govnav statements outline`). */
export interface OutlineLine {
  ord: number;
  anchor: string;
  page?: number;
  kind: Block['kind'];
  role: Role;
  source: RoleDecision['source'];
  confidence: number;
  reason: string;
  text: string;
  statementId?: string;
}

/** What an extraction wrote for one document: statements per kind, blocks per role, the upsert counts. */
export interface ExtractionCounts {
  statements: number;
  /** Statements per kind. */
  byKind: Record<StatementKind, number>;
  /** Outline blocks per role (context and apparatus are left out of the statements). */
  blocks: Record<Role, number>;
  created: number;
  updated: number;
  unchanged: number;
  retired: number;
  /** Public ids of the document's statements, in order. */
  statementIds: string[];
  /** Corrections of earlier maintainers applied again. */
  corrections: number;
}

export interface IngestResult extends ExtractionCounts {
  source: string;
  documentId: string;
  documentStatus: UpsertStatus;
  /** How the existing document was recognised, when it was. */
  matchedBy?: 'fingerprint' | 'title-organisation' | 'similar-text';
  /** The work the document belongs to, and how it joined one already in the store (src/store/works.ts). */
  work?: { id: string; joined?: { by: string; with: string } };
  title: string;
  format: Format;
  pages?: number;
  language: string;
  date?: string;
  roles: RolesMode;
  nearDuplicates: NearDuplicate[];
  /** The LLM path: spans accepted and rejected (not found verbatim), chunks that failed, usage. */
  llm?: { spans: number; rejected: number; failedChunks: number; chunks: number; requests: number; inputTokens: number; outputTokens: number; costUsd?: number };
  /** The whole outline (dry runs only). */
  outline?: OutlineLine[];
  notes: string[];
  dryRun: boolean;
}

/** Statements written by one ingest from which the planner's statistics are refreshed before works detection. */
const BULK_ANALYZE = 1000;

class DryRunRollback extends Error {
  constructor(readonly result: IngestResult) {
    super('dry run');
  }
}

const SourceKeyRow = tables.documents.row.pick({ source_key: true });
/** A MinHash signature as stored in jsonb (an array; a JSON string on an engine that hands jsonb back as text). */
const Signature = z.union([z.array(z.number()), z.string()]);
const AnchorRow = tables.documentBlocks.row.pick({ anchor: true });

/** Find the existing ingested document this one updates: same fingerprint, same title+organisation, or near-identical text. */
async function matchDocument(db: Db, p: Prepared): Promise<{ sourceKey: string; by: IngestResult['matchedBy'] } | undefined> {
  const byFp = await queryRow(
    db,
    SourceKeyRow,
    `SELECT d.source_key FROM document_texts t JOIN documents d ON d.id = t.document_id
     WHERE d.dataset = $1 AND t.fingerprint = $2 ORDER BY d.id LIMIT 1`,
    [INGEST_DATASET, p.fingerprint],
    'document with the same fingerprint',
  );
  if (byFp) return { sourceKey: byFp.source_key, by: 'fingerprint' };
  if (p.titleOrgKey) {
    const byTitle = await queryRow(db, SourceKeyRow, 'SELECT source_key FROM documents WHERE dataset = $1 AND source_key = $2', [INGEST_DATASET, p.titleOrgKey], 'document with the same title and organisation');
    if (byTitle) return { sourceKey: byTitle.source_key, by: 'title-organisation' };
  }
  const rows = checkRows(
    z.object({ source_key: z.string(), minhash: Signature }),
    await db.query(`SELECT d.source_key, t.minhash FROM document_texts t JOIN documents d ON d.id = t.document_id WHERE d.dataset = $1`, [INGEST_DATASET]),
    'signatures of ingested documents',
  );
  let best: { key: string; sim: number } | undefined;
  for (const r of rows) {
    const sig = typeof r.minhash === 'string' ? (JSON.parse(r.minhash) as number[]) : r.minhash;
    if (sig.length !== p.signature.length) continue;
    const sim = similarity(sig, p.signature);
    if (sim >= NEAR_DUPLICATE_THRESHOLD && (!best || sim > best.sim)) best = { key: r.source_key, sim };
  }
  return best ? { sourceKey: best.key, by: 'similar-text' } : undefined;
}

/** Make sure every live statement of other documents has a current MinHash signature. */
async function backfillSignatures(db: Db, exceptDocumentId: string): Promise<void> {
  const rows = checkRows(
    tables.statements.row.pick({ id: true, document_id: true, text: true, name: true, content_hash: true }),
    await db.query(
      `SELECT s.id, s.document_id, s.text, s.name, s.content_hash FROM statements s
       LEFT JOIN statement_minhash m ON m.statement_id = s.id
       WHERE s.retired_at IS NULL AND s.document_id <> $1 AND (m.statement_id IS NULL OR m.content_hash <> s.content_hash)`,
      [exceptDocumentId],
    ),
    'statements without a current signature',
  );
  const recs: SignatureRow[] = [];
  for (const r of rows) {
    const sig = signatureOf(r.text || r.name);
    if (!sig) continue;
    recs.push({ statement_id: r.id, document_id: r.document_id, content_hash: r.content_hash, signature: sig });
  }
  await writeSignatures(db, recs);
}

interface SignatureRow {
  statement_id: string;
  document_id: string;
  content_hash: string;
  signature: number[];
}

/** LSH band values as a PostgreSQL array literal ("{…}", for a bigint[] column). */
const bandArray = (sig: readonly number[]) => `{${bandValues(sig).join(',')}}`;

/**
 * Upsert MinHash signatures (hex text) and their LSH band values: one statement per 2,000 rows, the
 * columns bound as parallel arrays.
 */
async function writeSignatures(db: Db, recs: SignatureRow[]): Promise<void> {
  for (let i = 0; i < recs.length; i += 2000) {
    const chunk = recs.slice(i, i + 2000);
    await db.query(
      `INSERT INTO statement_minhash (statement_id, document_id, content_hash, signature, bands)
       SELECT x.id, x.doc, x.h, x.sig, x.bands::bigint[]
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x(id, doc, h, sig, bands)
       ON CONFLICT (statement_id) DO UPDATE SET document_id = EXCLUDED.document_id, content_hash = EXCLUDED.content_hash,
         signature = EXCLUDED.signature, bands = EXCLUDED.bands`,
      [
        chunk.map((r) => r.statement_id),
        chunk.map((r) => r.document_id),
        chunk.map((r) => r.content_hash),
        chunk.map((r) => signatureHex(r.signature)),
        chunk.map((r) => bandArray(r.signature)),
      ],
    );
  }
}

/**
 * The signatures of the document's live statements, replacing its old ones. When every statement
 * was just created, they are what the upsert wrote (nothing to read back) and go in by COPY.
 */
async function replaceSignatures(tx: Db, documentId: string, rep: StatementUpsertReport, sigOf: (text: string) => number[] | undefined): Promise<void> {
  const allNew = rep.unchanged === 0 && rep.updated === 0;
  const current = allNew
    ? rep.written.map((w) => ({ id: w.id, content_hash: w.contentHash, text: w.text, name: w.name }))
    : checkRows(
        tables.statements.row.pick({ id: true, content_hash: true, text: true, name: true }),
        await tx.query('SELECT id, content_hash, text, name FROM statements WHERE document_id = $1 AND retired_at IS NULL', [documentId]),
        `live statements of ${documentId}`,
      );
  await tx.query('DELETE FROM statement_minhash WHERE document_id = $1 AND NOT (statement_id = ANY($2::text[]))', [documentId, current.map((c) => c.id)]);
  const created = new Set(rep.written.filter((w) => w.created).map((w) => w.id));
  const fresh: SignatureRow[] = [];
  const recs: SignatureRow[] = [];
  for (const c of current) {
    const sig = sigOf(c.text || c.name);
    if (sig) (created.has(c.id) ? fresh : recs).push({ statement_id: c.id, document_id: documentId, content_hash: c.content_hash, signature: sig });
  }
  if (canCopy(tx)) {
    const row = (r: SignatureRow) => [r.statement_id, r.document_id, r.content_hash, signatureHex(r.signature), bandArray(r.signature)];
    const copyFresh = async () => {
      for (let i = 0; i < fresh.length; i += 5000)
        await copyRows(tx, 'statement_minhash', ['statement_id', 'document_id', 'content_hash', 'signature', 'bands'], fresh.slice(i, i + 5000).map(row), (k) => `signature of ${fresh[i + k]!.statement_id}`);
    };
    // Every fresh row points at a statement this transaction has just inserted: its foreign key
    // holds by construction, so the per-row check is skipped where allowed (src/store/bulk/triggers.ts).
    if (fresh.length && (await canSkipRowTriggers(tx))) await withoutRowTriggers(tx, copyFresh);
    else await copyFresh();
  } else for (const r of fresh) recs.push(r);
  await writeSignatures(tx, recs);
}

/**
 * For each signature, the live statements of other documents whose text is a near-duplicate
 * (estimated Jaccard ≥ 0.9). One query fetches every candidate sharing an LSH band with any
 * signature; which of ours it shares a band with is worked out here from its own signature.
 */
async function findNearDuplicates(
  db: Db,
  documentId: string,
  sigs: (number[] | undefined)[],
): Promise<Map<number, { id: string; documentId: string; sim: number }[]>> {
  const out = new Map<number, { id: string; documentId: string; sim: number }[]>();
  const bands = sigs.map((sig) => (sig ? bandValues(sig) : undefined));
  const keys = new Set<number>();
  for (const list of bands) if (list) for (const b of list) keys.add(b);
  if (!keys.size) return out;
  const rows = checkRows(
    tables.statementMinhash.row.pick({ statement_id: true, document_id: true, signature: true }),
    await db.query(
      `SELECT m.statement_id, m.document_id, m.signature FROM statement_minhash m JOIN statements s ON s.id = m.statement_id
       WHERE m.bands && $1::bigint[] AND m.document_id <> $2 AND s.retired_at IS NULL AND m.content_hash = s.content_hash`,
      [`{${[...keys].join(',')}}`, documentId],
    ),
    'statements sharing a band',
  );
  if (!rows.length) return out;
  // Which of ours shares each band: only worked out when another document has candidates.
  const byBand = new Map<number, number[]>();
  bands.forEach((list, i) => {
    for (const b of list ?? []) {
      const at = byBand.get(b);
      if (at) at.push(i);
      else byBand.set(b, [i]);
    }
  });
  for (const r of rows) {
    const other = parseSignatureHex(r.signature);
    if (!other) continue;
    const candidates = new Set<number>();
    for (const b of bandValues(other)) for (const i of byBand.get(b) ?? []) candidates.add(i);
    for (const i of candidates) {
      const sim = similarity(sigs[i]!, other);
      if (sim < NEAR_DUPLICATE_THRESHOLD) continue;
      const list = out.get(i) ?? [];
      list.push({ id: r.statement_id, documentId: r.document_id, sim });
      out.set(i, list);
    }
  }
  for (const list of out.values()) list.sort((a, b) => b.sim - a.sim || a.id.localeCompare(b.id));
  return out;
}

/**
 * The source key each statement is stored under. A statement keeps the key (and so the public id)
 * it had; when its kind changed (a maintainer's set-role, a better classifier), the old key belongs
 * to a statement of the other kind, whose id prefix (M/R/P) no longer fits: it gets a key of its
 * own kind, the old statement is retired, and changing it back revives the old id.
 */
async function resolveKeys(db: Db, documentId: string, statements: readonly ExtractedStatement[]): Promise<Map<string, string>> {
  const existing = new Map<string, StatementKind>();
  for (const r of await queryRows(db, tables.statements.row.pick({ source_key: true, kind: true }), 'SELECT source_key, kind FROM statements WHERE document_id = $1', [documentId], `statement keys of ${documentId}`))
    existing.set(r.source_key, r.kind);
  const out = new Map<string, string>();
  for (const s of statements) {
    const candidates = [s.key, `${s.kind}:${s.key}`];
    out.set(s.key, candidates.find((c) => existing.get(c) === s.kind) ?? candidates.find((c) => !existing.has(c))!);
  }
  return out;
}

function outlineLines(x: Extraction, ex: Extracted, idOf: (key: string) => string | undefined): OutlineLine[] {
  return x.outline.map((o, i) => ({
    ord: i,
    anchor: o.anchor,
    ...(o.block.page !== undefined ? { page: o.block.page } : {}),
    kind: o.block.kind,
    role: o.decision.role,
    source: o.decision.source,
    confidence: o.decision.confidence,
    reason: o.decision.reason,
    text: ex.text.slice(o.block.start, o.block.end),
    ...(o.statementKey && idOf(o.statementKey) ? { statementId: idOf(o.statementKey) } : {}),
  }));
}

interface Written {
  rep: StatementUpsertReport;
  statementIds: string[];
  nearList: NearDuplicate[];
  idOf: (key: string) => string | undefined;
}

/**
 * Write an extraction's statements (ids kept by source key, the rest retired), their MinHash
 * signatures and near-duplicate flags, and the outline. The caller holds the transaction.
 */
async function writeExtraction(tx: Db, documentId: string, ex: Extracted, x: Extraction, where: string): Promise<Written> {
  await backfillSignatures(tx, documentId);
  const keys = await resolveKeys(tx, documentId, x.statements);
  // Signatures by text: computed once here and reused for the rows written below.
  const sigCache = new Map<string, number[] | undefined>();
  const sigOf = (text: string) => {
    if (!sigCache.has(text)) sigCache.set(text, signatureOf(text));
    return sigCache.get(text);
  };
  const sigs = x.statements.map((s) => sigOf(s.text));
  const near = new Map<string, { id: string; documentId: string; sim: number }[]>();
  for (const [i, found] of await findNearDuplicates(tx, documentId, sigs)) near.set(x.statements[i]!.key, found);

  const inputs: StatementInput[] = x.statements.map((s) => {
    const first = ex.blocks[s.blocks[0]!]!;
    return {
      sourceKey: keys.get(s.key)!,
      kind: s.kind,
      parentSourceKey: s.parentKey !== undefined ? keys.get(s.parentKey) : undefined,
      ord: s.ord,
      name: s.name,
      text: s.text,
      headingPath: s.headingPath,
      locator: { page: s.page, pageEnd: s.pageEnd, charStart: s.charStart, charEnd: s.charEnd, ref: s.ref },
      language: s.language,
      meta: {
        ...s.meta,
        block: first.kind,
        ...(first.kind === 'item' ? { depth: first.depth, ...(first.marker ? { marker: first.marker } : {}) } : {}),
        ...(s.blocks.length > 1 ? { blocks: s.blocks.length } : {}),
        ...(near.has(s.key) ? { nearDuplicates: near.get(s.key)!.map((n) => n.id) } : {}),
      },
    };
  });
  const rep = await upsertStatements(tx, documentId, inputs, { retireMissing: true, where });
  const idOf = (key: string) => {
    const k = keys.get(key);
    return k === undefined ? undefined : rep.ids.get(k);
  };

  await replaceSignatures(tx, documentId, rep, sigOf);
  await replaceDocumentBlocks(tx, documentId, x.outline, idOf, { statementIds: new Set(rep.ids.values()) });

  const nearList: NearDuplicate[] = [];
  for (const s of x.statements) for (const n of near.get(s.key) ?? []) nearList.push({ statementId: idOf(s.key)!, otherId: n.id, otherDocumentId: n.documentId, similarity: n.sim });
  return { rep, statementIds: x.statements.map((s) => idOf(s.key)!), nearList, idOf };
}

/** Options for writing: the role model (default: trained from the imported statements in the store) and dry runs. */
export interface WriteOptions {
  dryRun?: boolean;
  model?: RoleModel;
  /** Include the whole outline in the result (always for dry runs). */
  outline?: boolean;
}

/** Write one prepared document in one transaction (rolled back again for a dry run). */
export async function writePrepared(db: Db, p: Prepared, opts: WriteOptions = {}): Promise<IngestResult> {
  try {
    return await db.transaction(async (tx) => {
      await upsertDataset(tx, {
        id: INGEST_DATASET,
        version: 'rolling',
        licence: 'various: see each document',
        attribution: 'Documents ingested by the maintainers of this govnav instance; see each document for its source and licence.',
      });
      const match = await matchDocument(tx, p);
      const sourceKey = match?.sourceKey ?? p.titleOrgKey ?? (p.document.sourceKey as string);
      const doc = await upsertDocument(tx, { ...p.document, sourceKey }, `ingest ${p.source}`);
      const corrections = await listCorrections(tx, doc.id);
      const model = opts.model ?? (await roleModelFromStore(tx));
      const x = extractWithRoles(p.extracted, { language: p.language, defaultKind: p.defaultKind, model, corrections, llm: p.llm?.decisions });

      await tx.query(
        `INSERT INTO document_texts (document_id, format, text, fingerprint, minhash, chars, updated_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, now())
         ON CONFLICT (document_id) DO UPDATE SET format = EXCLUDED.format, text = EXCLUDED.text, fingerprint = EXCLUDED.fingerprint,
           minhash = EXCLUDED.minhash, chars = EXCLUDED.chars, updated_at = now()
         WHERE document_texts.fingerprint <> EXCLUDED.fingerprint OR document_texts.text <> EXCLUDED.text`,
        [doc.id, p.extracted.format, p.extracted.text, p.fingerprint, JSON.stringify(p.signature), p.extracted.text.length],
      );
      const w = await writeExtraction(tx, doc.id, p.extracted, x, `ingest ${p.source}`);
      // After a large document the planner's statistics still describe the tables before it: refresh
      // them here, or the joins of works detection can turn into nested loops over every pair of the
      // new statements (10,000 list items: half a minute instead of a fraction of a second).
      if (w.rep.created + w.rep.updated >= BULK_ANALYZE) await analyzeAfterBulkWrite(tx);
      // One work, one document: the file of a work already in the store joins that work.
      const wk = await detectWorks(tx, { documentIds: [doc.id] });
      const joinedWork = wk.joined.find((j) => j.document === doc.id);
      const [{ work_id: workId }] = parseRows(z.object({ work_id: z.string() }), await tx.query('SELECT work_id FROM documents WHERE id = $1', [doc.id]), 'work of the document') as [{ work_id: string }];
      const result: IngestResult = {
        source: p.source,
        documentId: doc.id,
        documentStatus: doc.status,
        matchedBy: match?.by,
        work: { id: workId, ...(joinedWork ? { joined: { by: joinedWork.by, with: joinedWork.with } } : {}) },
        ...resultCounts(p, w, x),
        corrections: corrections.length,
        ...(p.llm?.report ? { llm: llmSummary(p.llm.report) } : {}),
        ...(opts.dryRun || opts.outline ? { outline: outlineLines(x, p.extracted, w.idOf) } : {}),
        notes: ingestNotes(p, doc.id, x, unmatchedCorrections(corrections, x)),
        dryRun: !!opts.dryRun,
      };
      if (opts.dryRun) throw new DryRunRollback(result);
      return result;
    });
  } catch (e) {
    if (e instanceof DryRunRollback) return e.result;
    throw e;
  }
}

/** What an ingest tells about the document beyond counts: stale corrections, nothing found, LLM trouble. */
function ingestNotes(p: Prepared, documentId: string, x: ReturnType<typeof extractWithRoles>, stale: number): string[] {
  const notes = [...p.extracted.notes];
  if (stale) notes.push(`${stale} earlier correction(s) name blocks this version of the document no longer has; they stay on record but change nothing`);
  if (!x.statements.length)
    notes.push(`no mitigation, risk or principle was found (${x.outline.length} blocks, all context or apparatus); see \`govnav statements outline ${documentId}\` and correct with \`govnav statements set-role\``);
  const r = p.llm?.report;
  if (r?.rejected.length) notes.push(`${r.rejected.length} span(s) the LLM returned were not found verbatim in the document and were left out`);
  if (r?.failedChunks.length) notes.push(`${r.failedChunks.length} of ${r.chunks} chunk(s) got no usable answer from the LLM (first: ${r.failedChunks[0]!.error}); their blocks keep the embedded roles`);
  return notes;
}

type LlmReport = NonNullable<NonNullable<Prepared['llm']>['report']>;

function llmSummary(r: LlmReport): NonNullable<IngestResult['llm']> {
  return {
    spans: r.spans.length,
    rejected: r.rejected.length,
    failedChunks: r.failedChunks.length,
    chunks: r.chunks,
    requests: r.usage.requests,
    inputTokens: r.usage.inputTokens,
    outputTokens: r.usage.outputTokens,
    ...(r.usage.costUsd !== undefined ? { costUsd: r.usage.costUsd } : {}),
  };
}

/** What an extraction and its write counted: statements by kind, blocks by role, rows created, updated, unchanged and retired. */
function writeCounts(w: Awaited<ReturnType<typeof writeExtraction>>, x: ReturnType<typeof extractWithRoles>) {
  return {
    statements: x.statements.length,
    byKind: statementCounts(x),
    blocks: x.counts,
    created: w.rep.created,
    updated: w.rep.updated,
    unchanged: w.rep.unchanged,
    retired: w.rep.retired,
  };
}

/** The counts and facts of an ingest result that come straight from the prepared file and the write. */
function resultCounts(p: Prepared, w: Awaited<ReturnType<typeof writeExtraction>>, x: ReturnType<typeof extractWithRoles>) {
  return {
    title: p.document.title,
    format: p.extracted.format,
    pages: p.extracted.pages,
    language: p.document.language ?? 'en',
    date: p.document.date,
    roles: p.roles,
    ...writeCounts(w, x),
    nearDuplicates: w.nearList,
    statementIds: w.statementIds,
  };
}

/** Prepare and write one input. */
export async function ingestOne(db: Db, source: string, opts: IngestOptions = {}): Promise<IngestResult> {
  const p = await prepare(source, opts);
  return writePrepared(db, p, { dryRun: opts.dryRun, model: opts.model, outline: opts.outline });
}

// ------------------------------------------------------------------ corrections

export class CorrectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorrectionError';
  }
}

export interface ReextractResult extends ExtractionCounts {
  documentId: string;
  outline: OutlineLine[];
}

/**
 * Run the extraction of a document again from its stored text and outline (no file needed), with
 * all its recorded corrections. Blocks the LLM decided keep the LLM's roles. The caller may hold a
 * transaction (a correction is recorded and applied in one); otherwise one is opened.
 */
export async function reextractDocument(db: Db, documentId: string, opts: { model?: RoleModel } = {}): Promise<ReextractResult> {
  return db.transaction(async (tx) => {
    const ex = await storedExtracted(tx, documentId);
    if (!ex) throw new CorrectionError(`document ${documentId} has no stored outline: it was not ingested, or was ingested before outlines were kept (ingest its file again first).`);
    const doc = await queryRow(tx, tables.documents.row.pick({ language: true, meta: true }), 'SELECT language, meta FROM documents WHERE id = $1', [documentId], `document ${documentId}`);
    const ingestMeta = (doc?.meta?.ingest ?? {}) as { kind?: StatementKind; roles?: RolesMode };
    const corrections = await listCorrections(tx, documentId);
    let llm: Map<number, RoleDecision & { name?: string }> | undefined;
    if (ingestMeta.roles === 'llm') {
      // The LLM's decisions and short names, as stored (the provider is not asked again).
      llm = new Map();
      const names = new Map(
        (await queryRows(tx, tables.statements.row.pick({ id: true, name: true }), 'SELECT id, name FROM statements WHERE document_id = $1', [documentId], `statement names of ${documentId}`)).map((r) => [r.id, r.name]),
      );
      for (const b of await listDocumentBlocks(tx, documentId))
        if (b.role_source === 'llm' && isStatementRole(b.role))
          llm.set(b.ord, { role: b.role, confidence: b.confidence, reason: b.reason, source: 'llm', ...(b.statement_id && names.get(b.statement_id) ? { name: names.get(b.statement_id) } : {}) });
    }
    const model = opts.model ?? (await roleModelFromStore(tx));
    const x = extractWithRoles(ex, { language: doc?.language ?? 'en', defaultKind: ingestMeta.kind, model, corrections, llm });
    const w = await writeExtraction(tx, documentId, ex, x, `re-extraction of ${documentId}`);
    return {
      documentId,
      ...writeCounts(w, x),
      corrections: corrections.length,
      statementIds: w.statementIds,
      outline: outlineLines(x, ex, w.idOf),
    };
  });
}

/** A block named on the command line: a statement id, or "<document-id>#<anchor>". */
export interface BlockRef {
  documentId: string;
  /** The anchors of the statement's blocks (one for a document#anchor reference). */
  anchors: string[];
  statementId?: string;
}

export async function resolveBlockRef(db: Db, ref: string): Promise<BlockRef> {
  const hash = /^(D\d{4,})#([0-9a-f]{6,64})$/.exec(ref.trim());
  if (hash) {
    const rows = await queryRows(db, AnchorRow, 'SELECT anchor FROM document_blocks WHERE document_id = $1 AND anchor LIKE $2 ORDER BY ord', [hash[1], hash[2] + '%'], `blocks of ${ref}`);
    const anchors = [...new Set(rows.map((r) => r.anchor))];
    if (!anchors.length) throw new CorrectionError(`${ref}: document ${hash[1]} has no block with anchor ${hash[2]} (see \`govnav statements outline ${hash[1]}\`).`);
    if (anchors.length > 1) throw new CorrectionError(`${ref}: the anchor prefix ${hash[2]} matches ${anchors.length} blocks; give more of it.`);
    return { documentId: hash[1]!, anchors };
  }
  if (!/^[MRP]\d{6,}$/.test(ref.trim())) throw new CorrectionError(`"${ref}" is neither a statement id (M000001) nor a block reference (D0001#<anchor>).`);
  const id = ref.trim();
  const st = await queryRow(db, tables.statements.row.pick({ document_id: true, retired_at: true }), 'SELECT document_id, retired_at FROM statements WHERE id = $1', [id], `statement ${id}`);
  if (!st) throw new CorrectionError(`statement ${id} does not exist.`);
  if (st.retired_at) throw new CorrectionError(`statement ${id} is retired; refer to its block as ${st.document_id}#<anchor> (see \`govnav statements outline ${st.document_id}\`).`);
  const rows = await queryRows(db, AnchorRow, 'SELECT anchor FROM document_blocks WHERE statement_id = $1 ORDER BY ord', [id], `blocks of ${id}`);
  if (!rows.length) throw new CorrectionError(`statement ${id} has no stored outline blocks: its document was ingested before outlines were kept, or was not ingested (ingest its file again first).`);
  return { documentId: st.document_id, anchors: rows.map((r) => r.anchor), statementId: id };
}

/** Record corrections for one document and re-extract it, in one transaction. */
export async function correctDocument(db: Db, documentId: string, corrections: Correction[], opts: { author?: string; model?: RoleModel } = {}): Promise<ReextractResult> {
  return db.transaction(async (tx) => {
    await addCorrections(tx, documentId, corrections, opts.author ?? '');
    return reextractDocument(tx, documentId, { model: opts.model });
  });
}
