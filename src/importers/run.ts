// Writing a parsed dataset into the store: one transaction for the whole import, so a failure
// (or a dry run) leaves the database exactly as it was.
import type { StatementKind } from '../model/index.ts';
import {
  insertClassifications,
  retireMissingDocuments,
  upsertDataset,
  upsertDocumentsMany,
  upsertStatementsMany,
  type Db,
  type NewClassification,
  type Store,
} from '../store/index.ts';
import type { WrittenStatement } from '../store/corpus.ts';
import type { MatchCache } from '../topics/match-bulk.ts';
import { analyzeAfterBulkWrite } from '../store/bulk/copy.ts';
import { z } from 'zod';
import { parseRows } from '../store/schema/index.ts';
import { detectWorks, type KnownTexts } from '../store/works.ts';
import { ImportError, type Anomaly, type ParsedDataset, type RowIssue } from './types.ts';

export interface ImportOptions {
  dryRun?: boolean;
  skipInvalid?: boolean;
  /** Called as statements are written (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Link new and changed statements to topics in the same transaction (default true). */
  link?: boolean;
}

export interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  retired: number;
  skipped: number;
}

export interface ImportSummary {
  format: string;
  dataset: { id: string; version: string; previousVersion?: string; licence: string };
  files: string[];
  dryRun: boolean;
  documents: Counts;
  statements: Counts & { byKind: Partial<Record<StatementKind, number>> };
  labels: { inserted: number; unchanged: number; byTaxonomy: Record<string, number> };
  skipped: RowIssue[];
  /** True when rows were skipped, so nothing was retired (a skipped row is not a removed row). */
  retirementSuspended: boolean;
  anomalies: Anomaly[];
  /** Topic links written for the new and changed statements. */
  topics?: { statements: number; links: number; lexiconVersion: string };
  /** Counts reported by the importer's own extra writes (ParsedDataset.afterWrite). */
  extra?: Record<string, number>;
  /** Documents that joined a work already in the store, and statements whose canonical changed (src/store/works.ts). */
  works?: { joined: { document: string; work: string; by: string; with: string }[]; canonicalChanged: number };
  ms: number;
}

class DryRunRollback extends Error {
  constructor(readonly summary: ImportSummary) {
    super('dry run: rolled back');
  }
}

/** Labels are written in chunks: recomputing the current label is quicker for smaller sets of statements. */
const LABEL_CHUNK = Number(process.env.GOVNAV_LABEL_CHUNK ?? 1000);
/** Statements written per group of documents (each group's writes are waited for at its end). */
const STATEMENT_GROUP = 100_000;

/** Extra CPU seconds to report per phase (a bench sets it: the database server's CPU from /proc). */
let phaseProbe: (() => number) | undefined;
export function setPhaseProbe(probe: (() => number) | undefined): void {
  phaseProbe = probe;
}

/**
 * With GOVNAV_IMPORT_PHASES=1, each phase's wall and CPU time go to stderr (for profiling an
 * import: bench/_scale-import.ts); otherwise a no-op.
 */
export function phaseTimer(): (phase: string) => void {
  if (process.env.GOVNAV_IMPORT_PHASES !== '1') return () => {};
  let t = performance.now();
  let cpu = process.cpuUsage();
  let extra = phaseProbe?.() ?? 0;
  return (phase) => {
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    const more = phaseProbe?.() ?? 0;
    const server = phaseProbe ? `, server ${(more - extra).toFixed(2)} s` : '';
    process.stderr.write(`    ${phase}: ${((now - t) / 1000).toFixed(3)} s (CPU ${((used.user + used.system) / 1e6).toFixed(2)} s${server})\n`);
    t = now;
    cpu = process.cpuUsage();
    extra = more;
  };
}

const zero = (): Counts => ({ created: 0, updated: 0, unchanged: 0, retired: 0, skipped: 0 });

/** Statements written in one import from which the statistics are refreshed before linking. */
const BULK_ANALYZE = 1000;

/** A parsed dataset with rows skipped is imported only with skipInvalid, and then retires nothing. */
function checkIssues(parsed: ParsedDataset, opts: ImportOptions): void {
  if (parsed.issues.length && !opts.skipInvalid)
    throw new ImportError(
      `${parsed.issues.length} invalid row${parsed.issues.length === 1 ? '' : 's'}; nothing was imported. ` +
        'Fix the file, or run again with --skip-invalid to import the valid rows and list the others:',
      parsed.issues,
    );
}

/** The summary before writing: counts by kind and taxonomy from the parsed input. */
function emptySummary(parsed: ParsedDataset, opts: ImportOptions): ImportSummary {
  const byKind: Partial<Record<StatementKind, number>> = {};
  const byTaxonomy: Record<string, number> = {};
  for (const d of parsed.documents) {
    for (const s of d.statements) byKind[s.kind] = (byKind[s.kind] ?? 0) + 1;
    for (const l of d.labels) byTaxonomy[l.taxonomy] = (byTaxonomy[l.taxonomy] ?? 0) + 1;
  }
  const summary: ImportSummary = {
    format: parsed.format,
    dataset: { id: parsed.dataset.id, version: parsed.dataset.version, licence: parsed.dataset.licence },
    files: parsed.files,
    dryRun: !!opts.dryRun,
    documents: zero(),
    statements: { ...zero(), byKind },
    labels: { inserted: 0, unchanged: 0, byTaxonomy },
    skipped: parsed.issues,
    retirementSuspended: parsed.issues.length > 0,
    anomalies: parsed.anomalies,
    ms: 0,
  };
  summary.statements.skipped = parsed.issues.length;
  summary.documents.skipped = parsed.skippedDocumentKeys?.length ?? 0;
  return summary;
}

/** Everything one import writes, in the order it writes it (inside its transaction). */
interface WriteState {
  parsed: ParsedDataset;
  summary: ImportSummary;
  where: string;
  docIds: string[];
  /** Documents this import created (all their statements are new). */
  createdDocs: Set<string>;
  changed: string[];
  /** The new and changed statements as written (linked to topics without reading them back). */
  written: WrittenStatement[];
  labels: NewClassification[];
  /** Topic matches of new statements, filled while they are written (so matching overlaps the server's writes); see linkChanged. */
  matches?: MatchCache;
}

async function writeDataset(tx: Db, st: WriteState, total: number): Promise<void> {
  const { parsed, summary } = st;
  const prev = parseRows(z.object({ version: z.string() }), await tx.query('SELECT version FROM datasets WHERE id = $1', [parsed.dataset.id]), 'dataset version')[0];
  if (prev && prev.version !== parsed.dataset.version) summary.dataset.previousVersion = prev.version;
  await upsertDataset(tx, {
    ...parsed.dataset,
    meta: { ...(parsed.dataset.meta ?? {}), format: parsed.format, statements: total, documents: parsed.documents.length },
  });
}

/** Documents in one lookup and one multi-row insert, their ids in input order. */
async function writeDocuments(tx: Db, st: WriteState): Promise<void> {
  for (const doc of await upsertDocumentsMany(tx, st.parsed.documents.map((d) => d.input), `${st.where}: document`)) {
    st.docIds.push(doc.id);
    if (doc.status === 'created') st.createdDocs.add(doc.id);
    st.summary.documents[doc.status]++;
  }
}

/** The labels of one document, bound to the statement ids its upsert reported. */
function documentLabels(d: ParsedDataset['documents'][number], ids: Map<string, string>): NewClassification[] {
  return d.labels.map((l) => {
    const statementId = ids.get(l.statementKey);
    if (!statementId) throw new Error(`internal: label for unknown statement "${l.statementKey}" in ${d.input.sourceKey}`);
    return {
      statementId,
      taxonomy: l.taxonomy,
      code: l.code,
      source: l.source ?? 'imported',
      human: l.human,
      sourceValue: l.sourceValue,
      model: l.model,
      confidence: l.confidence,
      reasoning: l.reasoning,
      reviewer: l.reviewer,
    };
  });
}

/**
 * Statements in groups that span documents: one group holds up to STATEMENT_GROUP statements, and
 * its new rows stream to the database while they are made (a group boundary waits for the writes
 * to finish, so groups are large); progress moves as statements are prepared.
 */
async function writeStatements(tx: Db, st: WriteState, total: number, opts: ImportOptions): Promise<void> {
  const { parsed, summary } = st;
  let done = 0;
  let group: number[] = [];
  let groupSize = 0;
  const flush = async () => {
    if (!group.length) return;
    const reports = await upsertStatementsMany(
      tx,
      group.map((i) => ({ documentId: st.docIds[i]!, statements: parsed.documents[i]!.statements, where: `${st.where}: document "${parsed.documents[i]!.input.sourceKey}"` })),
      {
        retireMissing: !summary.retirementSuspended,
        onProgress: opts.onProgress && ((seen) => opts.onProgress!(done + seen, total)),
        onCreated: st.matches && ((s) => void st.matches!.links(s)),
      },
    );
    reports.forEach((rep, k) => {
      const d = parsed.documents[group[k]!]!;
      summary.statements.created += rep.created;
      summary.statements.updated += rep.updated;
      summary.statements.unchanged += rep.unchanged;
      summary.statements.retired += rep.retired;
      for (const id of rep.changedIds) st.changed.push(id);
      for (const w of rep.written) st.written.push(w);
      for (const l of documentLabels(d, rep.ids)) st.labels.push(l);
      done += d.statements.length;
    });
    opts.onProgress?.(done, total);
    group = [];
    groupSize = 0;
  };
  for (let i = 0; i < parsed.documents.length; i++) {
    group.push(i);
    groupSize += parsed.documents[i]!.statements.length;
    if (groupSize >= STATEMENT_GROUP) await flush();
  }
  await flush();
}

async function writeLabels(tx: Db, store: Store, st: WriteState): Promise<void> {
  for (let i = 0; i < st.labels.length; i += LABEL_CHUNK) {
    const r = await insertClassifications(tx, store.taxonomies, st.labels.slice(i, i + LABEL_CHUNK), { skipIdentical: true });
    st.summary.labels.inserted += r.inserted;
    st.summary.labels.unchanged += r.unchanged;
  }
}

/** Documents of the dataset that this import no longer contains are retired with their statements. */
async function retireGone(tx: Db, st: WriteState): Promise<void> {
  const [gone] = parseRows(
    z.object({ n: z.number() }),
    await tx.query(
      `SELECT count(*)::int AS n FROM statements s JOIN documents d ON d.id = s.document_id
       WHERE d.dataset = $1 AND d.retired_at IS NULL AND NOT (d.id = ANY($2::text[])) AND s.retired_at IS NULL`,
      [st.parsed.dataset.id, st.docIds],
    ),
    'statements of retired documents',
  );
  st.summary.documents.retired = await retireMissingDocuments(tx, st.parsed.dataset.id, st.docIds);
  st.summary.statements.retired += gone!.n;
}

/** The texts of the documents this import created, as works detection takes them (KnownTexts). */
function knownTexts(st: WriteState): KnownTexts {
  // A source key listed twice is one document written twice: left to the database.
  const once = new Set<string>();
  const twice = new Set<string>();
  for (const d of st.docIds) (once.has(d) ? twice : once).add(d);
  const known = new Map<string, string[]>([...st.createdDocs].filter((d) => !twice.has(d)).map((d) => [d, []]));
  for (const w of st.written) {
    if (!w.created || w.normHash == null) continue;
    known.get(w.documentId)?.push(`${w.kind} ${w.normHash}`);
  }
  return known;
}

/** Topic links for the new and changed statements, after the planner's statistics are refreshed. */
async function linkChanged(tx: Db, st: WriteState, opts: ImportOptions): Promise<void> {
  // After a bulk write the planner's statistics still describe the tables before it: refresh them in
  // this transaction, or the joins that follow (topic links, works by shared texts) can turn into
  // nested loops over every pair of new statements (minutes instead of milliseconds at 50,000).
  if (st.changed.length >= BULK_ANALYZE) await analyzeAfterBulkWrite(tx, ['classifications']);
  if (opts.link === false || !st.changed.length) return;
  const { linkWritten } = await import('../topics/match-bulk.ts');
  const r = await linkWritten(tx, st.written, { matches: st.matches });
  st.summary.topics = { statements: r.statements, links: r.links, lexiconVersion: r.lexiconVersion };
}

export async function writeParsed(store: Store, parsed: ParsedDataset, opts: ImportOptions = {}): Promise<ImportSummary> {
  const start = Date.now();
  checkIssues(parsed, opts);
  const summary = emptySummary(parsed, opts);
  const total = parsed.documents.reduce((n, d) => n + d.statements.length, 0);
  const work = async (tx: Db) => {
    const st: WriteState = { parsed, summary, where: parsed.files[0] ?? 'import', docIds: [], createdDocs: new Set(), changed: [], written: [], labels: [] };
    const phase = phaseTimer();
    await writeDataset(tx, st, total);
    await writeDocuments(tx, st);
    if (opts.link !== false) st.matches = (await import('../topics/match-bulk.ts')).matchCacheFor(tx);
    phase('dataset and documents');
    await writeStatements(tx, st, total, opts);
    phase('statements');
    await writeLabels(tx, store, st);
    if (parsed.afterWrite) summary.extra = await parsed.afterWrite(tx, store.taxonomies);
    phase('labels');
    await linkChanged(tx, st, opts);
    phase('analyze and topic links');
    if (!summary.retirementSuspended) await retireGone(tx, st);
    // One work, one document: join works already in the store (same DOI, title + year, shared texts).
    const w = await detectWorks(tx, { documentIds: st.docIds, known: knownTexts(st) });
    phase('retire and works');
    summary.works = { joined: w.joined.map((j) => ({ document: j.document, work: j.joined, by: j.by, with: j.with })), canonicalChanged: w.canonicalChanged };
    summary.ms = Date.now() - start;
    if (opts.dryRun) throw new DryRunRollback(summary);
    return summary;
  };
  try {
    return await store.db.transaction(work);
  } catch (e) {
    if (e instanceof DryRunRollback) return e.summary;
    throw e;
  }
}
