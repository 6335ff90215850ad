// Ingest: a file or URL → bytes → extracted text and blocks (one reader per format) → statements
// with heading paths and locators → one transaction per document in the store (dataset "ingest").
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { upsertDataset, upsertDocument, upsertStatements, type UpsertStatus } from '../store/index.ts';
import type { Db } from '../store/index.ts';
import { DOCUMENT_TYPES, STATEMENT_KINDS, type DocumentInput, type StatementInput, type StatementKind } from '../model/index.ts';
import { decodeDeclared, decodeText } from './decode.ts';
import { detectDate, detectFormat, detectLanguage } from './detect.ts';
import { bandKeys, fingerprint, minhash, shingles, signatureOf, similarity, NEAR_DUPLICATE_THRESHOLD } from './dedupe.ts';
import { DEFAULT_FETCH_LIMITS, fetchDocument, formatBytes, isUrl } from './fetch.ts';
import { segment, squash, type Segment } from './segment.ts';
import { FORMATS, IngestError, type Extracted, type Format } from './types.ts';
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

// ------------------------------------------------------------------ preparing

export interface Prepared {
  source: string;
  extracted: Extracted & { encoding?: string };
  segments: Segment[];
  document: DocumentInput;
  kind: StatementKind;
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

export function kindFor(docType: string, kind?: StatementKind): StatementKind {
  if (kind) return kind;
  return docType === 'principles' || docType === 'declaration' ? 'principle' : 'mitigation';
}

/** Read, extract and segment one input; nothing touches the database. */
export async function prepare(source: string, opts: IngestOptions = {}): Promise<Prepared> {
  if (opts.kind && !STATEMENT_KINDS.includes(opts.kind)) throw new IngestError(source, `--kind "${opts.kind}" is not one of ${STATEMENT_KINDS.join(', ')}.`);
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
  const segments = segment(ex, { language });
  if (!segments.length)
    throw new IngestError(
      source,
      ex.text.trim() ? 'contains no statements: no paragraphs or list items were found, only headings or fragments.' : 'contains no text.',
      'Check that this is the document you meant; a scanned document needs OCR first.',
    );
  const title = (opts.title ?? detected.title ?? nameTitle(loaded.name)).slice(0, 500);
  const date = opts.date ?? detected.date;
  const fp = fingerprint(ex.text);
  const kind = kindFor(docType, opts.kind);
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
        kind,
        fingerprint: fp,
        notes: ex.notes,
      },
    },
  };
  const titleOrgKey =
    opts.title && opts.organisation
      ? 'title-org:' + createHash('sha256').update(squash(opts.title) + '|' + squash(opts.organisation)).digest('hex').slice(0, 24)
      : undefined;
  return { source, extracted: ex, segments, document, kind, fingerprint: fp, signature: minhash(shingles(ex.text)), detected, titleOrgKey };
}

// ------------------------------------------------------------------ writing

export interface NearDuplicate {
  statementId: string;
  otherId: string;
  otherDocumentId: string;
  similarity: number;
}

export interface IngestResult {
  source: string;
  documentId: string;
  documentStatus: UpsertStatus;
  /** How the existing document was recognised, when it was. */
  matchedBy?: 'fingerprint' | 'title-organisation' | 'similar-text';
  title: string;
  format: Format;
  pages?: number;
  language: string;
  date?: string;
  statements: number;
  created: number;
  updated: number;
  unchanged: number;
  retired: number;
  nearDuplicates: NearDuplicate[];
  /** Public ids of the document's statements, in order. */
  statementIds: string[];
  notes: string[];
  dryRun: boolean;
}

class DryRunRollback extends Error {
  constructor(readonly result: IngestResult) {
    super('dry run');
  }
}

/** Find the existing ingested document this one updates: same fingerprint, same title+organisation, or near-identical text. */
async function matchDocument(db: Db, p: Prepared): Promise<{ sourceKey: string; by: IngestResult['matchedBy'] } | undefined> {
  const [byFp] = await db.query<{ source_key: string }>(
    `SELECT d.source_key FROM document_texts t JOIN documents d ON d.id = t.document_id
     WHERE d.dataset = $1 AND t.fingerprint = $2 ORDER BY d.id LIMIT 1`,
    [INGEST_DATASET, p.fingerprint],
  );
  if (byFp) return { sourceKey: byFp.source_key, by: 'fingerprint' };
  if (p.titleOrgKey) {
    const [byTitle] = await db.query<{ source_key: string }>('SELECT source_key FROM documents WHERE dataset = $1 AND source_key = $2', [INGEST_DATASET, p.titleOrgKey]);
    if (byTitle) return { sourceKey: byTitle.source_key, by: 'title-organisation' };
  }
  const rows = await db.query<{ source_key: string; minhash: number[] | string }>(
    `SELECT d.source_key, t.minhash FROM document_texts t JOIN documents d ON d.id = t.document_id WHERE d.dataset = $1`,
    [INGEST_DATASET],
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
  const rows = await db.query<{ id: string; document_id: string; text: string; name: string; content_hash: string }>(
    `SELECT s.id, s.document_id, s.text, s.name, s.content_hash FROM statements s
     LEFT JOIN statement_minhash m ON m.statement_id = s.id
     WHERE s.retired_at IS NULL AND s.document_id <> $1 AND (m.statement_id IS NULL OR m.content_hash <> s.content_hash)`,
    [exceptDocumentId],
  );
  const recs: { statement_id: string; document_id: string; content_hash: string; signature: string; bands: string }[] = [];
  for (const r of rows) {
    const sig = signatureOf(r.text || r.name);
    if (!sig) continue;
    recs.push({ statement_id: r.id, document_id: r.document_id, content_hash: r.content_hash, signature: JSON.stringify(sig), bands: JSON.stringify(bandKeys(sig)) });
  }
  await writeSignatures(db, recs);
}

async function writeSignatures(db: Db, recs: { statement_id: string; document_id: string; content_hash: string; signature: string; bands: string }[]): Promise<void> {
  for (let i = 0; i < recs.length; i += 500) {
    await db.query(
      `INSERT INTO statement_minhash (statement_id, document_id, content_hash, signature, bands)
       SELECT x.statement_id, x.document_id, x.content_hash, x.signature::jsonb, ARRAY(SELECT jsonb_array_elements_text(x.bands::jsonb))
       FROM jsonb_to_recordset($1::jsonb) AS x(statement_id text, document_id text, content_hash text, signature text, bands text)
       ON CONFLICT (statement_id) DO UPDATE SET document_id = EXCLUDED.document_id, content_hash = EXCLUDED.content_hash,
         signature = EXCLUDED.signature, bands = EXCLUDED.bands`,
      [JSON.stringify(recs.slice(i, i + 500))],
    );
  }
}

/**
 * For each signature, the live statements of other documents whose text is a near-duplicate
 * (estimated Jaccard ≥ 0.9). One query fetches every candidate sharing an LSH band with any signature.
 */
async function findNearDuplicates(
  db: Db,
  documentId: string,
  sigs: (number[] | undefined)[],
): Promise<Map<number, { id: string; documentId: string; sim: number }[]>> {
  const out = new Map<number, { id: string; documentId: string; sim: number }[]>();
  const byBand = new Map<string, number[]>();
  sigs.forEach((sig, i) => {
    if (!sig) return;
    for (const b of bandKeys(sig)) {
      const list = byBand.get(b);
      if (list) list.push(i);
      else byBand.set(b, [i]);
    }
  });
  if (!byBand.size) return out;
  const rows = await db.query<{ statement_id: string; document_id: string; signature: number[] | string; bands: string[] }>(
    `SELECT m.statement_id, m.document_id, m.signature, m.bands FROM statement_minhash m JOIN statements s ON s.id = m.statement_id
     WHERE m.bands && $1::text[] AND m.document_id <> $2 AND s.retired_at IS NULL AND m.content_hash = s.content_hash`,
    [[...byBand.keys()], documentId],
  );
  for (const r of rows) {
    const other = typeof r.signature === 'string' ? (JSON.parse(r.signature) as number[]) : r.signature;
    const candidates = new Set<number>();
    for (const b of r.bands) for (const i of byBand.get(b) ?? []) candidates.add(i);
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

/** Write one prepared document in one transaction (rolled back again for a dry run). */
export async function writePrepared(db: Db, p: Prepared, opts: { dryRun?: boolean } = {}): Promise<IngestResult> {
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

      await backfillSignatures(tx, doc.id);
      const sigs = p.segments.map((s) => signatureOf(s.text));
      const near = new Map<string, { id: string; documentId: string; sim: number }[]>();
      for (const [i, found] of await findNearDuplicates(tx, doc.id, sigs)) near.set(p.segments[i]!.key, found);

      const inputs: StatementInput[] = p.segments.map((s) => ({
        sourceKey: s.key,
        kind: p.kind,
        parentSourceKey: s.parentKey,
        ord: s.ord,
        name: s.name,
        text: s.text,
        headingPath: s.headingPath,
        locator: { page: s.page, pageEnd: s.pageEnd, charStart: s.charStart, charEnd: s.charEnd, ref: s.ref },
        language: s.language,
        meta: {
          block: s.block,
          ...(s.depth !== undefined ? { depth: s.depth } : {}),
          ...(s.marker ? { marker: s.marker } : {}),
          ...(near.has(s.key) ? { nearDuplicates: near.get(s.key)!.map((n) => n.id) } : {}),
        },
      }));
      const rep = await upsertStatements(tx, doc.id, inputs, { retireMissing: true, where: `ingest ${p.source}` });

      await tx.query(
        `INSERT INTO document_texts (document_id, format, text, fingerprint, minhash, chars, updated_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, now())
         ON CONFLICT (document_id) DO UPDATE SET format = EXCLUDED.format, text = EXCLUDED.text, fingerprint = EXCLUDED.fingerprint,
           minhash = EXCLUDED.minhash, chars = EXCLUDED.chars, updated_at = now()
         WHERE document_texts.fingerprint <> EXCLUDED.fingerprint OR document_texts.text <> EXCLUDED.text`,
        [doc.id, p.extracted.format, p.extracted.text, p.fingerprint, JSON.stringify(p.signature), p.extracted.text.length],
      );
      const current = await tx.query<{ id: string; content_hash: string; text: string; name: string }>(
        'SELECT id, content_hash, text, name FROM statements WHERE document_id = $1 AND retired_at IS NULL',
        [doc.id],
      );
      await tx.query('DELETE FROM statement_minhash WHERE document_id = $1 AND NOT (statement_id = ANY($2::text[]))', [doc.id, current.map((c) => c.id)]);
      const recs = [];
      for (const c of current) {
        const sig = signatureOf(c.text || c.name);
        if (sig) recs.push({ statement_id: c.id, document_id: doc.id, content_hash: c.content_hash, signature: JSON.stringify(sig), bands: JSON.stringify(bandKeys(sig)) });
      }
      await writeSignatures(tx, recs);

      const nearList: NearDuplicate[] = [];
      for (const s of p.segments)
        for (const n of near.get(s.key) ?? []) nearList.push({ statementId: rep.ids.get(s.key)!, otherId: n.id, otherDocumentId: n.documentId, similarity: n.sim });
      const result: IngestResult = {
        source: p.source,
        documentId: doc.id,
        documentStatus: doc.status,
        matchedBy: match?.by,
        title: p.document.title,
        format: p.extracted.format,
        pages: p.extracted.pages,
        language: p.document.language ?? 'en',
        date: p.document.date,
        statements: p.segments.length,
        created: rep.created,
        updated: rep.updated,
        unchanged: rep.unchanged,
        retired: rep.retired,
        nearDuplicates: nearList,
        statementIds: p.segments.map((s) => rep.ids.get(s.key)!),
        notes: p.extracted.notes,
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

/** Prepare and write one input. */
export async function ingestOne(db: Db, source: string, opts: IngestOptions = {}): Promise<IngestResult> {
  const p = await prepare(source, opts);
  return writePrepared(db, p, { dryRun: opts.dryRun });
}
