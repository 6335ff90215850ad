// Works: documents from different datasets or ingests that carry the same work (same DOI, same
// normalised title and year, or mostly the same statement texts) share one work id (W0001…), and
// within a work every normalised statement text is counted and listed once (the canonical
// statement; the others point to it with statements.same_as). Detection only ever merges; a
// maintainer's `documents split` is remembered and blocks the pair from being merged again.
import { sha256Hex } from './bulk/hash.ts';
import { z } from 'zod';
import type { Db } from './db.ts';
import { checkRows, parseRows, queryRow, queryRows, tables } from './schema/index.ts';
import { allocateIds } from './ids.ts';

export const WORK_PATTERN = /^W\d{4,}$/;
/** Statement texts shorter than this (after normalisation) are never treated as the same text. */
const MIN_TEXT = 8;
/** Share of the smaller document's statement texts two documents must have in common to be one work. */
export const SHARED_TEXT_SHARE = 0.5;
/** ... and at least this many texts in common. */
const MIN_SHARED = 3;
/** Documents of this dataset are separate ingests of separate files, so they may be the same work as each other. */
const MULTI_SOURCE_DATASETS = new Set(['ingest']);
/**
 * Datasets whose documents quote other documents (the project's annotation set groups quoted items
 * under the title of the document they come from). Sharing texts with a document proves only that
 * one quotes the other, or that both quote a third: a document of such a dataset joins a work by
 * its DOI or title, never by shared statement texts, and is never the bridge of a text match.
 */
export const QUOTING_DATASETS = new Set(['govnav-annotations']);


export type WorkMatch = 'own' | 'doi' | 'title' | 'statements' | 'human';

// ------------------------------------------------------------------ normalisation

/** Only ASCII characters (NFKC leaves them as they are; their letters and digits are a-z, A-Z, 0-9). */
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Statement text for comparing: NFKC, lower case, letters and digits only, single spaces. */
export function normaliseText(text: string): string {
  // The same result by a shorter path for ASCII texts (most statements): no normalisation, no Unicode classes.
  if (ASCII_ONLY.test(text)) return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function normHash(text: string): string | null {
  const n = normaliseText(text);
  // Fewer than MIN_TEXT letters and digits (the rest are single spaces): not compared.
  if (n.length < MIN_TEXT) return null;
  let spaces = 0;
  for (let i = n.indexOf(' '); i >= 0; i = n.indexOf(' ', i + 1)) spaces++;
  if (n.length - spaces < MIN_TEXT) return null;
  return sha256Hex(n).slice(0, 32);
}

export function normaliseDoi(doi: string | null | undefined): string | null {
  if (!doi) return null;
  const d = doi
    .trim()
    .toLowerCase()
    .replace(/^(https?:\/\/)?(dx\.)?doi\.org\//, '')
    .replace(/^doi:\s*/, '');
  return /^10\.\d+\//.test(d) ? d : null;
}

function titleWords(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(/\bai\b/g, 'artificial intelligence')
    .replace(/\bgenai\b/g, 'generative artificial intelligence')
    .replace(/\s+/g, ' ')
    .trim();
}

const SUBTITLE = /\s*(?::|—|–|\s-\s)\s*/;
const DESIGNATOR = /\bnist[\s.]+(ai|sp|ir)[\s.]+(\d[\d.-]*\d)/i;

export interface TitleKeys {
  /** The whole title (a trailing year equal to the document's dropped). */
  full: string;
  /** The title before its subtitle, when it has one. */
  main?: string;
  /** A publisher's designator such as "nist ai 600 1", from the title or the DOI. */
  code?: string;
}

/** Keys under which two titles count as the same: equal full titles, or one title without the other's subtitle, or the same designator. */
export function titleKeys(title: string, year?: number | null, doi?: string | null): TitleKeys {
  const unparen = title.replace(/\([^)]*\)/g, ' ');
  const dropYear = (s: string) => (year ? s.replace(new RegExp(`\\s*\\b${year}$`), '') : s);
  const full = dropYear(titleWords(unparen));
  const out: TitleKeys = { full };
  const parts = unparen.split(SUBTITLE);
  if (parts.length > 1) {
    const main = dropYear(titleWords(parts[0]!));
    if (main.split(' ').length >= 3 && main !== full) out.main = main;
  }
  const m = DESIGNATOR.exec(title) ?? DESIGNATOR.exec((doi ?? '').replace(/^.*?\//, ''));
  if (m) out.code = titleWords(`nist ${m[1]} ${m[2]}`);
  return out;
}

/** Why two documents are the same work by their metadata, or undefined. */
export function metadataMatch(
  a: { title: string; year: number | null; doi: string | null },
  b: { title: string; year: number | null; doi: string | null },
): 'doi' | 'title' | undefined {
  const da = normaliseDoi(a.doi);
  const db = normaliseDoi(b.doi);
  if (da && db) return da === db ? 'doi' : undefined;
  const yearsAgree = a.year == null || b.year == null || a.year === b.year;
  if (!yearsAgree) return undefined;
  const ka = titleKeys(a.title, a.year, a.doi);
  const kb = titleKeys(b.title, b.year, b.doi);
  const bothYears = a.year != null && b.year != null;
  if (ka.full && ka.full === kb.full) return 'title';
  // A publisher's designator (NIST AI 100-1) names one publication: it matches when the years agree
  // or one is unknown.
  if (ka.code && ka.code === kb.code) return 'title';
  // The shorter forms need both years (different editions share a main title).
  if (!bothYears) return undefined;
  if ((ka.main && ka.main === kb.full) || (kb.main && kb.main === ka.full)) return 'title';
  return undefined;
}

// ------------------------------------------------------------------ detection

interface DocInfo {
  id: string;
  dataset: string;
  title: string;
  year: number | null;
  doi: string | null;
  work_id: string | null;
}

export interface WorkChange {
  document: string;
  joined: string;
  from: string | null;
  by: WorkMatch;
  with: string;
}

export interface DetectReport {
  /** Documents that got their own new work. */
  created: number;
  /** Documents moved into another document's work. */
  joined: WorkChange[];
  /** Statements whose canonical (same_as) changed. */
  canonicalChanged: number;
}

/** Give every document without a work its own work. */
async function ensureWorks(db: Db): Promise<number> {
  const rows = parseRows(
    z.object({ id: z.string(), title: z.string(), year: z.number().nullable(), doi: z.string().nullable() }),
    await db.query('SELECT id, title, year, doi FROM documents WHERE work_id IS NULL ORDER BY id'),
    'documents without a work',
  );
  if (!rows.length) return 0;
  const ids = await allocateIds(db, 'W', rows.length);
  const data = rows.map((r, i) => ({ id: ids[i]!, doc: r.id, title: r.title, year: r.year, doi: r.doi }));
  const json = JSON.stringify(data);
  await db.query(
    `INSERT INTO works (id, title, year, doi)
     SELECT x.id, x.title, x.year, x.doi FROM jsonb_to_recordset($1::jsonb) AS x(id text, doc text, title text, year int, doi text)`,
    [json],
  );
  await db.query(
    `UPDATE documents d SET work_id = x.id, work_match = 'own'
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, doc text) WHERE d.id = x.doc`,
    [json],
  );
  return rows.length;
}

/** Bring statement_norms up to date: statements that have none (anywhere: a store from before works), and changed statements of the given documents (all when undefined). */
async function refreshNorms(db: Db, documentIds?: string[]): Promise<void> {
  const rows = checkRows(
    z.object({ id: z.string(), text: z.string(), content_hash: z.string() }),
    await db.query(
      `SELECT s.id, s.text, s.content_hash FROM statements s LEFT JOIN statement_norms n ON n.statement_id = s.id
       WHERE n.statement_id IS NULL
          OR (n.content_hash <> s.content_hash ${documentIds ? 'AND s.document_id = ANY($1::text[])' : ''})`,
      documentIds ? [documentIds] : [],
    ),
    'statements without current norms',
  );
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000).map((r) => ({ id: r.id, h: r.content_hash, n: normHash(r.text) }));
    await db.query(
      `INSERT INTO statement_norms (statement_id, content_hash, norm_hash)
       SELECT x.id, x.h, x.n FROM jsonb_to_recordset($1::jsonb) AS x(id text, h text, n text)
       ON CONFLICT (statement_id) DO UPDATE SET content_hash = EXCLUDED.content_hash, norm_hash = EXCLUDED.norm_hash`,
      [JSON.stringify(chunk)],
    );
  }
}

const pairKey = (a: string, b: string) => (a < b ? `${a} ${b}` : `${b} ${a}`);

async function decisions(db: Db): Promise<Map<string, 'same' | 'different'>> {
  const rows = parseRows(
    z.object({ doc_a: z.string(), doc_b: z.string(), decision: z.enum(['same', 'different']) }),
    await db.query('SELECT doc_a, doc_b, decision FROM work_decisions'),
    'work decisions',
  );
  return new Map(rows.map((r) => [pairKey(r.doc_a, r.doc_b), r.decision]));
}

async function recordDecision(db: Db, a: string, b: string, decision: 'same' | 'different'): Promise<void> {
  const [x, y] = a < b ? [a, b] : [b, a];
  await db.query(
    `INSERT INTO work_decisions (doc_a, doc_b, decision) VALUES ($1, $2, $3)
     ON CONFLICT (doc_a, doc_b) DO UPDATE SET decision = EXCLUDED.decision, decided_at = now()`,
    [x, y, decision],
  );
}

type Candidate = { a: string; b: string; by: WorkMatch };

const eligible = (a: DocInfo, b: DocInfo) => a.dataset !== b.dataset || MULTI_SOURCE_DATASETS.has(a.dataset);

const DocInfoRow = z.object({ id: z.string(), dataset: z.string(), title: z.string(), year: z.number().nullable(), doi: z.string().nullable(), work_id: z.string().nullable() });
const SharedRow = z.object({ da: z.string(), db: z.string(), shared: z.number(), na: z.number(), nb: z.number() });
const DocWorkRow = z.object({ id: z.string(), work_id: z.string() });

/** Pairs of documents (one in scope) that share a DOI or a title key and match by metadata. */
function metadataCandidates(docs: DocInfo[], scope: Set<string> | undefined): Candidate[] {
  // Index every document by its DOI and title keys, so that only documents sharing a key are compared.
  const index = new Map<string, DocInfo[]>();
  const put = (key: string, d: DocInfo) => {
    const l = index.get(key);
    if (l) l.push(d);
    else index.set(key, [d]);
  };
  const keyed = new Map<string, { doi: string | null; k: TitleKeys }>();
  for (const d of docs) {
    const x = { doi: normaliseDoi(d.doi), k: titleKeys(d.title, d.year, d.doi) };
    keyed.set(d.id, x);
    if (x.doi) put('doi ' + x.doi, d);
    if (x.k.full) put('title ' + x.k.full, d);
    if (x.k.main) put('main ' + x.k.main, d);
    if (x.k.code) put('code ' + x.k.code, d);
  }
  const candidates: Candidate[] = [];
  for (const a of scope ? docs.filter((d) => scope.has(d.id)) : docs) {
    const x = keyed.get(a.id)!;
    const near = new Set<DocInfo>();
    for (const key of [
      x.doi && 'doi ' + x.doi,
      x.k.full && 'title ' + x.k.full,
      x.k.full && 'main ' + x.k.full,
      x.k.main && 'title ' + x.k.main,
      x.k.code && 'code ' + x.k.code,
    ])
      if (key) for (const b of index.get(key) ?? []) near.add(b);
    for (const b of near) {
      if (a.id === b.id || (!scope && b.id < a.id) || (scope?.has(b.id) && b.id < a.id)) continue;
      if (a.work_id === b.work_id || !eligible(a, b)) continue;
      const by = metadataMatch(a, b);
      if (by) candidates.push({ a: a.id, b: b.id, by });
    }
  }
  return candidates;
}

type SharedTexts = z.infer<typeof SharedRow>;

/** Pairs of documents (one in scope) with the distinct normalised texts they share, counted in SQL over the whole store. */
async function sharedTextsSql(db: Db, scope: Set<string> | undefined): Promise<SharedTexts[]> {
  return parseRows(
    SharedRow,
    await db.query(
      `WITH t AS (
         SELECT DISTINCT s.document_id AS doc, s.kind, n.norm_hash AS h
         FROM statements s JOIN statement_norms n ON n.statement_id = s.id JOIN documents d ON d.id = s.document_id
         WHERE s.retired_at IS NULL AND d.retired_at IS NULL AND n.norm_hash IS NOT NULL),
       c AS (SELECT doc, count(*)::int AS n FROM t GROUP BY doc)
       SELECT a.doc AS da, b.doc AS db, count(*)::int AS shared, min(ca.n)::int AS na, min(cb.n)::int AS nb
       FROM t a JOIN t b ON a.h = b.h AND a.kind = b.kind AND a.doc < b.doc
       JOIN c ca ON ca.doc = a.doc JOIN c cb ON cb.doc = b.doc
       ${scope ? 'WHERE (a.doc = ANY($1::text[]) OR b.doc = ANY($1::text[]))' : ''}
       GROUP BY a.doc, b.doc`,
      scope ? [[...scope]] : [],
    ),
    'documents sharing statement texts',
  );
}

/**
 * What a caller knows of the texts of some documents: for each, the `${kind} ${norm hash}` of every
 * live statement it has (statements without a norm hash left out). Only for documents whose every
 * statement the caller wrote in this transaction (an import's new documents): works detection then
 * compares them with each other in memory and asks the database only for other documents holding
 * one of their texts, instead of comparing every pair of documents in the store.
 */
export type KnownTexts = ReadonlyMap<string, readonly string[]>;

const OtherTextRow = z.object({ doc: z.string(), k: z.string() });
const OtherCountRow = z.object({ doc: z.string(), n: z.number() });

/** Live statements of live documents outside `known` whose (kind, normalised text) is one of `keys`, and those documents' counts of distinct texts. */
async function otherDocumentTexts(db: Db, known: KnownTexts, keys: Iterable<string>): Promise<{ rows: z.infer<typeof OtherTextRow>[]; counts: Map<string, number> }> {
  const mine = [...known.keys()];
  const others = parseRows(z.object({ n: z.number() }), await db.query(`SELECT count(*)::int AS n FROM documents WHERE retired_at IS NULL AND NOT (id = ANY($1::text[]))`, [mine]), 'other documents');
  if (!others[0]?.n) return { rows: [], counts: new Map() };
  const hashes = [...new Set([...keys].map((k) => k.slice(k.indexOf(' ') + 1)))];
  const rows = parseRows(
    OtherTextRow,
    await db.query(
      `SELECT DISTINCT s.document_id AS doc, s.kind || ' ' || n.norm_hash AS k
       FROM statement_norms n JOIN statements s ON s.id = n.statement_id JOIN documents d ON d.id = s.document_id
       WHERE n.norm_hash = ANY($1::text[]) AND NOT (s.document_id = ANY($2::text[])) AND s.retired_at IS NULL AND d.retired_at IS NULL`,
      [hashes, mine],
    ),
    'other documents with the same texts',
  );
  if (!rows.length) return { rows, counts: new Map() };
  const counts = parseRows(
    OtherCountRow,
    await db.query(
      `SELECT s.document_id AS doc, count(DISTINCT s.kind || ' ' || n.norm_hash)::int AS n
       FROM statements s JOIN statement_norms n ON n.statement_id = s.id
       WHERE s.document_id = ANY($1::text[]) AND s.retired_at IS NULL AND n.norm_hash IS NOT NULL GROUP BY s.document_id`,
      [[...new Set(rows.map((r) => r.doc))]],
    ),
    'distinct texts of other documents',
  );
  return { rows, counts: new Map(counts.map((c) => [c.doc, c.n])) };
}

/** sharedTextsSql's rows for a scope of documents whose texts the caller knows (KnownTexts): the same pairs and counts. */
async function sharedTextsKnown(db: Db, known: KnownTexts): Promise<SharedTexts[]> {
  const keysOf = new Map([...known].map(([doc, keys]) => [doc, new Set(keys)]));
  const holders = new Map<string, string[]>();
  for (const [doc, keys] of keysOf)
    for (const k of keys) {
      const l = holders.get(k);
      if (l) l.push(doc);
      else holders.set(k, [doc]);
    }
  const pairs = new Map<string, SharedTexts>();
  const count = (x: string, y: string, nx: number, ny: number) => {
    const [da, db, na, nb] = x < y ? [x, y, nx, ny] : [y, x, ny, nx];
    const p = pairs.get(`${da} ${db}`);
    if (p) p.shared++;
    else pairs.set(`${da} ${db}`, { da, db, shared: 1, na, nb });
  };
  for (const l of holders.values())
    for (let i = 0; i < l.length; i++) for (let j = i + 1; j < l.length; j++) count(l[i]!, l[j]!, keysOf.get(l[i]!)!.size, keysOf.get(l[j]!)!.size);
  const other = await otherDocumentTexts(db, known, holders.keys());
  for (const r of other.rows) for (const d of holders.get(r.k) ?? []) count(d, r.doc, keysOf.get(d)!.size, other.counts.get(r.doc) ?? 0);
  return [...pairs.values()];
}

/** Pairs of documents that share enough statement texts to be one work. */
function sharedTextCandidates(shared: SharedTexts[], byId: Map<string, DocInfo>): Candidate[] {
  const candidates: Candidate[] = [];
  for (const r of shared) {
    const a = byId.get(r.da);
    const b = byId.get(r.db);
    if (!a || !b || a.work_id === b.work_id || !eligible(a, b)) continue;
    if (textMatch(a, b, r)) candidates.push({ a: a.id, b: b.id, by: 'statements' });
  }
  return candidates;
}

/**
 * The works among `workIds` whose canonical statements may change: all but those made only of
 * documents in `known` with no text twice among them (their statements are new, so none has a
 * same_as, and none needs one).
 */
function worksToRecompute(workIds: string[], workOf: Map<string, string>, known: KnownTexts): string[] {
  const members = new Map<string, string[]>();
  for (const [doc, w] of workOf) {
    const l = members.get(w);
    if (l) l.push(doc);
    else members.set(w, [doc]);
  }
  return workIds.filter((w) => {
    const docs = members.get(w) ?? [];
    if (!docs.every((d) => known.has(d))) return true;
    const seen = new Set<string>();
    for (const d of docs)
      for (const k of known.get(d)!) {
        if (seen.has(k)) return true;
        seen.add(k);
      }
    return false;
  });
}

/** Merge the candidates' works, strongest evidence first, respecting maintainers' "different" decisions between any members. */
async function mergeCandidates(db: Db, candidates: Candidate[]): Promise<{ joined: WorkChange[]; touched: Set<string>; workOf: Map<string, string> }> {
  const decided = await decisions(db);
  const members = new Map<string, Set<string>>();
  const workOf = new Map<string, string>();
  for (const d of parseRows(DocWorkRow, await db.query('SELECT id, work_id FROM documents'), 'documents and works')) {
    workOf.set(d.id, d.work_id);
    let m = members.get(d.work_id);
    if (!m) members.set(d.work_id, (m = new Set()));
    m.add(d.id);
  }
  const order: Record<WorkMatch, number> = { doi: 0, title: 1, statements: 2, own: 3, human: 4 };
  candidates.sort((x, y) => order[x.by] - order[y.by] || x.a.localeCompare(y.a) || x.b.localeCompare(y.b));
  const joined: WorkChange[] = [];
  const touched = new Set<string>();
  for (const c of candidates) {
    const wa = workOf.get(c.a)!;
    const wb = workOf.get(c.b)!;
    if (wa === wb) continue;
    const ma = members.get(wa)!;
    const mb = members.get(wb)!;
    let blocked = false;
    for (const x of ma) for (const y of mb) if (decided.get(pairKey(x, y)) === 'different') blocked = true;
    if (blocked) continue;
    const [keep, gone] = wa < wb ? [wa, wb] : [wb, wa];
    const anchor = keep === wa ? c.a : c.b;
    for (const d of members.get(gone)!) {
      joined.push({ document: d, joined: keep, from: gone, by: c.by, with: anchor });
      workOf.set(d, keep);
      members.get(keep)!.add(d);
    }
    members.delete(gone);
    touched.add(keep);
    await mergeInto(db, gone, keep, c.by);
  }
  return { joined, touched, workOf };
}

/**
 * Find documents that are the same work and merge their works; then recompute the canonical
 * statements of every work that changed. `documentIds` limits the search to pairs involving those
 * documents (after an import or ingest); without it every pair is considered. `known`: the texts
 * of documents the caller has just written whole (KnownTexts); used when it covers every document
 * in `documentIds`, with the same result as without it. Call inside the transaction that wrote the
 * documents.
 */
export async function detectWorks(db: Db, opts: { documentIds?: string[]; known?: KnownTexts } = {}): Promise<DetectReport> {
  const created = await ensureWorks(db);
  const scope = opts.documentIds ? new Set(opts.documentIds) : undefined;
  await refreshNorms(db, opts.documentIds);
  const known = scope && opts.known && [...scope].every((d) => opts.known!.has(d)) ? new Map([...scope].map((d) => [d, opts.known!.get(d)!])) : undefined;
  const docs = parseRows(DocInfoRow, await db.query('SELECT id, dataset, title, year, doi, work_id FROM documents WHERE retired_at IS NULL ORDER BY id'), 'live documents');
  const byId = new Map(docs.map((d) => [d.id, d]));
  const shared = known ? await sharedTextsKnown(db, known) : await sharedTextsSql(db, scope);
  const candidates = [...metadataCandidates(docs, scope), ...sharedTextCandidates(shared, byId)];
  const { joined, touched, workOf } = await mergeCandidates(db, candidates);
  let affected: string[] | undefined;
  if (scope) {
    for (const d of scope) if (workOf.get(d)) touched.add(workOf.get(d)!);
    affected = [...touched];
  }
  if (touched.size) await refreshWorkMeta(db, [...touched]);
  const canonicalChanged = await recomputeCanonical(db, known && affected ? worksToRecompute(affected, workOf, known) : affected);
  return { created, joined, canonicalChanged };
}

export function textMatch(
  a: { dataset: string },
  b: { dataset: string },
  r: { shared: number; na: number; nb: number },
): boolean {
  if (QUOTING_DATASETS.has(a.dataset) || QUOTING_DATASETS.has(b.dataset)) return false;
  return r.shared >= MIN_SHARED && r.shared >= SHARED_TEXT_SHARE * Math.min(r.na, r.nb);
}

async function mergeInto(db: Db, gone: string, keep: string, by: WorkMatch): Promise<void> {
  await db.query(`UPDATE documents SET work_id = $2, work_match = $3 WHERE work_id = $1`, [gone, keep, by]);
  await db.query(`UPDATE works SET merged_into = $2, updated_at = now() WHERE id = $1`, [gone, keep]);
  await db.query(`UPDATE works SET merged_into = $2 WHERE merged_into = $1`, [gone, keep]);
}

/** A work's title, year and DOI come from its earliest live member (DOI: any member's). */
async function refreshWorkMeta(db: Db, workIds: string[]): Promise<void> {
  await db.query(
    `UPDATE works w SET title = x.title, year = x.year, doi = x.doi, merged_into = NULL, updated_at = now()
     FROM (SELECT DISTINCT ON (d.work_id) d.work_id, d.title, d.year,
             (SELECT min(e.doi) FROM documents e WHERE e.work_id = d.work_id AND e.doi IS NOT NULL) AS doi
           FROM documents d WHERE d.work_id = ANY($1::text[])
           ORDER BY d.work_id, (d.retired_at IS NULL) DESC, d.id) x
     WHERE w.id = x.work_id`,
    [workIds],
  );
}

const CanonicalRow = z.object({
  id: z.string(),
  kind: z.string(),
  work_id: z.string(),
  h: z.string().nullable(),
  same_as: z.string().nullable(),
  retired: z.boolean(),
  human: z.boolean(),
});

/**
 * Within each work (all when undefined), statements of one kind with the same normalised text are
 * one statement: the canonical one is a statement with a human label if any, else the earliest id;
 * the others get same_as = its id. Returns how many statements changed.
 */
export async function recomputeCanonical(db: Db, workIds?: string[]): Promise<number> {
  if (workIds && !workIds.length) return 0;
  // Only the statements that can have or lose a same_as: those of a text that occurs twice or more
  // in a work, and those that have one now. Every other statement keeps same_as NULL.
  const rows = checkRows(
    CanonicalRow,
    await db.query(
      `WITH r AS (
         SELECT s.id, s.kind, d.work_id, n.norm_hash AS h, s.same_as, (s.retired_at IS NOT NULL OR d.retired_at IS NOT NULL) AS retired
         FROM statements s JOIN documents d ON d.id = s.document_id LEFT JOIN statement_norms n ON n.statement_id = s.id
         ${workIds ? 'WHERE d.work_id = ANY($1::text[])' : ''}),
       dup AS (SELECT work_id, kind, h FROM r WHERE NOT retired AND h IS NOT NULL GROUP BY 1, 2, 3 HAVING count(*) > 1)
       SELECT r.id, r.kind, r.work_id, r.h, r.same_as, r.retired,
         EXISTS (SELECT 1 FROM classifications c WHERE c.statement_id = r.id AND c.is_current AND c.human) AS human
       FROM r WHERE r.same_as IS NOT NULL OR (NOT r.retired AND (r.work_id, r.kind, r.h) IN (SELECT work_id, kind, h FROM dup))`,
      workIds ? [workIds] : [],
    ),
    'statements of works',
  );
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    if (r.retired || !r.h) continue;
    const k = `${r.work_id} ${r.kind} ${r.h}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  const want = new Map<string, string | null>();
  for (const r of rows) want.set(r.id, null);
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    g.sort((x, y) => Number(y.human) - Number(x.human) || x.id.localeCompare(y.id));
    for (const r of g.slice(1)) want.set(r.id, g[0]!.id);
  }
  const changes = rows.filter((r) => want.get(r.id) !== r.same_as).map((r) => ({ id: r.id, same_as: want.get(r.id) }));
  for (let i = 0; i < changes.length; i += 1000)
    await db.query(
      `UPDATE statements s SET same_as = x.same_as FROM jsonb_to_recordset($1::jsonb) AS x(id text, same_as text) WHERE s.id = x.id`,
      [JSON.stringify(changes.slice(i, i + 1000))],
    );
  return changes.length;
}

// ------------------------------------------------------------------ maintainers' decisions

async function requireDoc(db: Db, id: string): Promise<{ id: string; work_id: string | null }> {
  const d = await queryRow(db, tables.documents.row.pick({ id: true, work_id: true }), 'SELECT id, work_id FROM documents WHERE id = $1', [id], `document ${id}`);
  if (!d) throw new Error(`no document ${id}`);
  return d;
}

/** A maintainer confirms that two documents are the same work: b's work joins a's. */
export async function markSame(db: Db, a: string, b: string): Promise<{ work: string }> {
  if (a === b) throw new Error('give two different documents');
  return db.transaction(async (tx) => {
    await ensureWorks(tx);
    const da = await requireDoc(tx, a);
    const dbb = await requireDoc(tx, b);
    await recordDecision(tx, a, b, 'same');
    const wa = da.work_id!;
    const wb = dbb.work_id!;
    if (wa !== wb) {
      const [keep, gone] = wa < wb ? [wa, wb] : [wb, wa];
      await mergeInto(tx, gone, keep, 'human');
      await tx.query(`UPDATE documents SET work_match = 'human' WHERE id = ANY($1::text[])`, [[a, b]]);
      await refreshWorkMeta(tx, [keep]);
      await recomputeCanonical(tx, [keep]);
      return { work: keep };
    }
    return { work: wa };
  });
}

/** Undo a match: the document becomes its own work again, and auto-detection never puts it back with its former partners. */
export async function splitDocument(db: Db, id: string): Promise<{ work: string; from: string; others: string[] }> {
  return db.transaction(async (tx) => {
    await ensureWorks(tx);
    const d = await requireDoc(tx, id);
    const from = d.work_id!;
    const others = (await queryRows(tx, tables.documents.row.pick({ id: true }), 'SELECT id FROM documents WHERE work_id = $1 AND id <> $2 ORDER BY id', [from, id], `other members of ${from}`)).map((r) => r.id);
    if (!others.length) throw new Error(`${id} is already a work of its own (${from})`);
    for (const o of others) await recordDecision(tx, id, o, 'different');
    const [w] = await allocateIds(tx, 'W', 1);
    await tx.query(`INSERT INTO works (id, title, year, doi) SELECT $1, title, year, doi FROM documents WHERE id = $2`, [w, id]);
    await tx.query(`UPDATE documents SET work_id = $1, work_match = 'human' WHERE id = $2`, [w, id]);
    await refreshWorkMeta(tx, [from, w!]);
    await recomputeCanonical(tx, [from, w!]);
    return { work: w!, from, others };
  });
}

// ------------------------------------------------------------------ reading

export interface WorkMember {
  id: string;
  dataset: string;
  dataset_version: string;
  licence: string;
  attribution: string;
  title: string;
  year: number | null;
  doc_type: string;
  language: string;
  work_match: string | null;
  retired: boolean;
  /** Live statements of this document. */
  statements: number;
  /** ... of which canonical (not the same text as another statement of the work). */
  distinct: number;
}

export interface WorkInfo {
  id: string;
  title: string;
  year: number | null;
  doi: string | null;
  members: WorkMember[];
}

const WorkMemberRow = tables.documents.row
  .pick({ id: true, dataset: true, dataset_version: true, licence: true, attribution: true, title: true, year: true, doc_type: true, language: true, work_match: true })
  .extend({ retired: z.boolean(), statements: z.number().int(), distinct: z.number().int() }) satisfies z.ZodType<WorkMember>;
const WorkHeadRow = tables.works.row.pick({ id: true, title: true, year: true, doi: true, merged_into: true });

const MEMBER_COLS = `d.id, d.dataset, d.dataset_version, d.licence, d.attribution, d.title, d.year, d.doc_type, d.language, d.work_match,
  d.retired_at IS NOT NULL AS retired,
  (SELECT count(*)::int FROM statements s WHERE s.document_id = d.id AND s.retired_at IS NULL) AS statements,
  (SELECT count(*)::int FROM statements s WHERE s.document_id = d.id AND s.retired_at IS NULL AND s.same_as IS NULL) AS distinct`;

/** The work a document belongs to (id of a document or of a work; merged work ids are followed). */
export async function getWork(db: Db, id: string): Promise<WorkInfo | undefined> {
  let workId = id;
  if (!WORK_PATTERN.test(id)) {
    const d = await queryRow(db, tables.documents.row.pick({ work_id: true }), 'SELECT work_id FROM documents WHERE id = $1', [id], `work of ${id}`);
    if (!d?.work_id) return undefined;
    workId = d.work_id;
  }
  for (let i = 0; i < 20; i++) {
    const w = await queryRow(db, WorkHeadRow, 'SELECT id, title, year, doi, merged_into FROM works WHERE id = $1', [workId], `work ${workId}`);
    if (!w) return undefined;
    if (w.merged_into) {
      workId = w.merged_into;
      continue;
    }
    const members = await queryRows(db, WorkMemberRow, `SELECT ${MEMBER_COLS} FROM documents d WHERE d.work_id = $1 ORDER BY d.retired_at IS NOT NULL, d.id`, [w.id], `members of ${w.id}`);
    return { id: w.id, title: w.title, year: w.year, doi: w.doi, members };
  }
  return undefined;
}

/** Every work with more than one live member (or all works with `all`), with its members. */
export async function listWorks(db: Db, opts: { all?: boolean } = {}): Promise<WorkInfo[]> {
  const works = await queryRows(
    db,
    tables.works.row.pick({ id: true, title: true, year: true, doi: true }).extend({ n: z.number().int() }),
    `SELECT w.id, w.title, w.year, w.doi, count(d.id)::int AS n FROM works w JOIN documents d ON d.work_id = w.id AND d.retired_at IS NULL
     WHERE w.merged_into IS NULL GROUP BY w.id ${opts.all ? '' : 'HAVING count(d.id) > 1'} ORDER BY w.id`,
    [],
    'works',
  );
  if (!works.length) return [];
  const members = await queryRows(
    db,
    WorkMemberRow.extend({ work_id: z.string() }),
    `SELECT d.work_id, ${MEMBER_COLS} FROM documents d WHERE d.work_id = ANY($1::text[]) AND d.retired_at IS NULL ORDER BY d.id`,
    [works.map((w) => w.id)],
    'members of works',
  );
  return works.map((w) => ({ id: w.id, title: w.title, year: w.year, doi: w.doi, members: members.filter((m) => m.work_id === w.id).map(({ work_id: _w, ...m }) => m) }));
}

export interface SameText {
  /** The canonical statement. */
  canonical: string;
  id: string;
  document_id: string;
  dataset: string;
  dataset_version: string;
}

const SameTextRow = z.object({ canonical: z.string(), id: z.string(), document_id: z.string(), dataset: z.string(), dataset_version: z.string() }) satisfies z.ZodType<SameText>;

/** For canonical statements: the other statements with the same text in the work (their provenance). */
export async function sameTextOf(db: Db, canonicalIds: string[]): Promise<Map<string, SameText[]>> {
  const out = new Map<string, SameText[]>();
  if (!canonicalIds.length) return out;
  const rows = await queryRows(
    db,
    SameTextRow,
    `SELECT s.same_as AS canonical, s.id, s.document_id, d.dataset, d.dataset_version FROM statements s JOIN documents d ON d.id = s.document_id
     WHERE s.same_as = ANY($1::text[]) AND s.retired_at IS NULL ORDER BY s.id`,
    [canonicalIds],
    'statements with the same text',
  );
  for (const r of rows) {
    let l = out.get(r.canonical);
    if (!l) out.set(r.canonical, (l = []));
    l.push(r);
  }
  return out;
}

export interface SameTextInfo {
  /** The canonical statement when this one repeats its text, else null. */
  sameAs: string | null;
  /** For a canonical statement: the other statements of its work with the same text. */
  also: { id: string; documentId: string; dataset: string }[];
}

/** same_as and the other provenances of each statement (for lists and the API). */
export async function sameTextInfo(db: Db, ids: string[]): Promise<Map<string, SameTextInfo>> {
  const out = new Map<string, SameTextInfo>(ids.map((id) => [id, { sameAs: null, also: [] }]));
  if (!ids.length) return out;
  const rows = await queryRows(db, tables.statements.row.pick({ id: true, same_as: true }), 'SELECT id, same_as FROM statements WHERE id = ANY($1::text[])', [ids], 'same_as of statements');
  for (const r of rows) out.get(r.id)!.sameAs = r.same_as;
  for (const [canonical, list] of await sameTextOf(db, ids))
    out.get(canonical)!.also = list.map((x) => ({ id: x.id, documentId: x.document_id, dataset: x.dataset }));
  return out;
}

/** Numbers of works and distinct statements (for counts that must never double a work). */
export async function distinctCounts(db: Db): Promise<{ works: number; documents: number; statements: number; byKind: Record<string, number> }> {
  const w = await queryRow(
    db,
    z.object({ works: z.number().int(), documents: z.number().int() }),
    `SELECT count(DISTINCT coalesce(work_id, id))::int AS works, count(*)::int AS documents FROM documents WHERE retired_at IS NULL`,
    [],
    'work and document counts',
  );
  const kinds = await queryRows(
    db,
    z.object({ kind: z.string(), n: z.number().int() }),
    `SELECT s.kind, count(*)::int AS n FROM statements s JOIN documents d ON d.id = s.document_id
     WHERE s.retired_at IS NULL AND d.retired_at IS NULL AND s.same_as IS NULL GROUP BY s.kind`,
    [],
    'distinct statements by kind',
  );
  const byKind = Object.fromEntries(kinds.map((k) => [k.kind, k.n]));
  return { works: w!.works, documents: w!.documents, statements: kinds.reduce((n, k) => n + k.n, 0), byKind };
}


// ------------------------------------------------------------------ one row per work (lists)

/** The sort orders of the document list. */
export const WORK_LIST_SORTS = {
  title: 'title, id',
  year: 'year DESC NULLS LAST, title, id',
  type: 'doc_type, title, id',
  statements: 'n DESC, title, id',
} as const;
export type WorkListSort = keyof typeof WORK_LIST_SORTS;

export interface WorkListRow {
  /** The document that stands for the work (its page lists every source). */
  id: string;
  work_id: string;
  title: string;
  authors: string | null;
  organisation: string | null;
  year: number | null;
  date: string | null;
  doc_type: string;
  language: string;
  /** Live documents carrying the work. */
  sources: number;
  /** Distinct live statements of the work (a text carried by several sources counts once). */
  n: number;
  mitigation: number;
  risk: number;
  principle: number;
}

/**
 * The document that stands for each work in lists: a member not from a quoting dataset, with the
 * most live statements (the fullest source), then the lowest id. SQL fragment over `documents d` (live documents).
 */
const REPRESENTATIVE = `
  SELECT DISTINCT ON (coalesce(d.work_id, d.id)) d.id, coalesce(d.work_id, d.id) AS w
  FROM documents d
  WHERE d.retired_at IS NULL
  ORDER BY coalesce(d.work_id, d.id), (d.dataset = ANY($1::text[])),
    (SELECT count(*) FROM statements s WHERE s.document_id = d.id AND s.retired_at IS NULL) DESC, d.id`;

const WorkListRowSchema = tables.documents.row
  .pick({ id: true, title: true, authors: true, organisation: true, year: true, date: true, doc_type: true, language: true })
  .extend({ work_id: z.string(), sources: z.number().int(), n: z.number().int(), mitigation: z.number().int(), risk: z.number().int(), principle: z.number().int() }) satisfies z.ZodType<WorkListRow>;
const DocOfWorkRow = z.object({ id: z.string(), w: z.string() });

/** One row per work for the document list (/d): the representative document's metadata, the work's distinct statement counts. */
export async function listWorkRows(db: Db, sort: WorkListSort = 'title', limit = 5000): Promise<WorkListRow[]> {
  const order = WORK_LIST_SORTS[sort] ?? WORK_LIST_SORTS.title;
  return queryRows(
    db,
    WorkListRowSchema,
    `WITH rep AS (${REPRESENTATIVE}),
     agg AS (
       SELECT coalesce(d.work_id, d.id) AS w, count(DISTINCT d.id)::int AS sources, max(d.year) AS year,
         count(s.id)::int AS n,
         count(s.id) FILTER (WHERE s.kind = 'mitigation')::int AS mitigation,
         count(s.id) FILTER (WHERE s.kind = 'risk')::int AS risk,
         count(s.id) FILTER (WHERE s.kind = 'principle')::int AS principle
       FROM documents d LEFT JOIN statements s ON s.document_id = d.id AND s.retired_at IS NULL AND s.same_as IS NULL
       WHERE d.retired_at IS NULL GROUP BY 1)
     SELECT * FROM (
       SELECT d.id, rep.w AS work_id, d.title, d.authors, d.organisation, coalesce(d.year, agg.year) AS year, d.date, d.doc_type, d.language,
              agg.sources, agg.n, agg.mitigation, agg.risk, agg.principle
       FROM rep JOIN documents d ON d.id = rep.id JOIN agg ON agg.w = rep.w) x
     ORDER BY ${order} LIMIT $2`,
    [[...QUOTING_DATASETS], limit],
    'work list',
  );
}

/** For each live document: its work and the document that stands for the work in lists. */
export async function workRepresentatives(db: Db): Promise<Map<string, { work: string; representative: string }>> {
  const reps = checkRows(DocOfWorkRow, await db.query(REPRESENTATIVE, [[...QUOTING_DATASETS]]), 'representatives of works');
  const repOf = new Map(reps.map((r) => [r.w, r.id]));
  const docs = checkRows(DocOfWorkRow, await db.query('SELECT id, coalesce(work_id, id) AS w FROM documents WHERE retired_at IS NULL'), 'works of live documents');
  return new Map(docs.map((d) => [d.id, { work: d.w, representative: repOf.get(d.w) ?? d.id }]));
}
