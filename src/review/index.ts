// Human review of machine labels: a queue of the current labels that no person has looked at yet,
// and the decisions a maintainer takes on them (accept, reject, correct to another code, undo).
// Pure store logic: no terminal, no process state. Every decision is one transaction that records
// who decided and when, then lets the store's rule pick the current label again (refreshCurrent):
// human labels beat machine ones, reviewed beat unreviewed, rejected labels are never current.
import { emptyQuery, parseQuery, Params, whereClause, type StatementQuery } from '../search/query.ts';
import { refreshCurrent, type ClassificationRow } from '../store/classifications.ts';
import type { Db } from '../store/db.ts';
import type { Taxonomy, TaxonomyRegistry } from '../taxonomy/index.ts';

/** Sources a review queue can hold: every label not made by a person. */
export const MACHINE_SOURCES = ['llm', 'embedded', 'imported'] as const;
export type MachineSource = (typeof MACHINE_SOURCES)[number];
export const QUEUE_ORDERS = ['confidence', 'id'] as const;
export type QueueOrder = (typeof QUEUE_ORDERS)[number];

/** A review decision the maintainer got wrong in its input (unknown label, code, filter…). */
export class ReviewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewError';
  }
}

export interface QueueFilter {
  /** Only these taxonomies. */
  taxonomies?: string[];
  /** Only labels from these sources. */
  sources?: MachineSource[];
  /** Only labels made by this model (exact match on the label's model). */
  model?: string;
  /** Only labels whose confidence is at most this (an unknown confidence counts as 0). */
  maxConfidence?: number;
  /** The shared query model's filters on the labelled statements (see src/search/query.ts). */
  where?: StatementQuery;
  /** Leave these labels out (e.g. the ones skipped in an interactive session). */
  excludeIds?: number[];
  /** Lowest confidence first (default), or label id. */
  order?: QueueOrder;
  limit?: number;
  offset?: number;
}

export interface QueueItem {
  labelId: number;
  statementId: string;
  taxonomy: string;
  code: string;
  codeName: string;
  secondary: string[];
  source: string;
  model: string | null;
  modelVersion: string | null;
  promptVersion: string | null;
  runId: string | null;
  reasoning: string | null;
  confidence: number | null;
  createdAt: Date;
  kind: string;
  statementName: string;
  text: string;
  headingPath: string[];
  page: number | null;
  locatorRef: string | null;
  documentId: string;
  documentTitle: string;
  documentOrganisation: string | null;
}

/**
 * Build a queue filter from loose options (CLI flags, API parameters): validates taxonomy ids,
 * sources, the confidence threshold and the `where` query string, naming whatever is wrong.
 */
export function queueFilter(
  registry: TaxonomyRegistry,
  opts: {
    taxonomies?: string[];
    sources?: string[];
    model?: string;
    maxConfidence?: number | string;
    where?: string;
    order?: string;
    limit?: number | string;
  },
): QueueFilter {
  const f: QueueFilter = {};
  if (opts.taxonomies?.length) {
    for (const t of opts.taxonomies)
      if (!registry.has(t))
        throw new ReviewError(`Unknown taxonomy "${t}". Known: ${registry.list().map((x) => x.id).join(', ')}.`);
    f.taxonomies = [...new Set(opts.taxonomies)];
  }
  if (opts.sources?.length) {
    for (const s of opts.sources)
      if (!(MACHINE_SOURCES as readonly string[]).includes(s))
        throw new ReviewError(`Unknown label source "${s}": review covers machine labels from ${MACHINE_SOURCES.join(', ')}.`);
    f.sources = [...new Set(opts.sources)] as MachineSource[];
  }
  if (opts.model !== undefined && opts.model !== '') f.model = opts.model;
  if (opts.maxConfidence !== undefined && opts.maxConfidence !== '') {
    const n = Number(opts.maxConfidence);
    if (!Number.isFinite(n) || n < 0 || n > 1)
      throw new ReviewError(`--max-confidence must be a number from 0 to 1, not "${opts.maxConfidence}".`);
    f.maxConfidence = n;
  }
  if (opts.where !== undefined && opts.where.trim() !== '') f.where = parseWhere(registry, opts.where);
  if (opts.order !== undefined) {
    if (!(QUEUE_ORDERS as readonly string[]).includes(opts.order))
      throw new ReviewError(`--order must be one of ${QUEUE_ORDERS.join(', ')}, not "${opts.order}".`);
    f.order = opts.order as QueueOrder;
  }
  if (opts.limit !== undefined && opts.limit !== '') {
    const n = Number(opts.limit);
    if (!Number.isInteger(n) || n < 0) throw new ReviewError(`--limit must be a whole number, not "${opts.limit}".`);
    f.limit = n;
  }
  return f;
}

/** Parse a query string such as "risk-domain=2&kind=mitigation" with the shared query model. */
export function parseWhere(registry: TaxonomyRegistry, where: string): StatementQuery {
  const { query, errors } = parseQuery(new URLSearchParams(where.trim().replace(/^\?/, '')), registry);
  if (errors.length)
    throw new ReviewError(
      `--where "${where}": ` + errors.map((e) => `${e.param}=${e.value}: ${e.message}`).join('; ') + '.',
    );
  return query;
}

const QUEUE_FROM = `FROM classifications lab
  JOIN statements s ON s.id = lab.statement_id
  JOIN documents d ON d.id = s.document_id`;

function queueWhere(registry: TaxonomyRegistry, f: QueueFilter, p: Params): string {
  const parts = ['lab.is_current', 'NOT lab.human', `lab.review_status = 'unreviewed'`];
  if (f.taxonomies?.length) parts.push(`lab.taxonomy = ANY(${p.add(f.taxonomies)}::text[])`);
  if (f.sources?.length) parts.push(`lab.source = ANY(${p.add(f.sources)}::text[])`);
  if (f.model !== undefined) parts.push(`lab.model = ${p.add(f.model)}`);
  if (f.maxConfidence !== undefined) parts.push(`coalesce(lab.confidence, 0) <= ${p.add(f.maxConfidence)}::real`);
  if (f.excludeIds?.length) parts.push(`NOT (lab.id = ANY(${p.add(f.excludeIds)}::bigint[]))`);
  parts.push(whereClause(registry, f.where ?? emptyQuery(), p));
  return parts.join(' AND ');
}

interface QueueRow {
  id: number;
  statement_id: string;
  taxonomy: string;
  code: string;
  secondary: string[];
  source: string;
  model: string | null;
  model_version: string | null;
  prompt_version: string | null;
  run_id: string | null;
  reasoning: string | null;
  confidence: number | null;
  created_at: Date;
  kind: string;
  statement_name: string;
  text: string;
  heading_path: string[];
  page: number | null;
  locator_ref: string | null;
  document_id: string;
  document_title: string;
  document_organisation: string | null;
}

/** Round a `real` confidence read back from the database (0.6 comes back as 0.6000000238…). */
export function roundConfidence(c: number | null | undefined): number | null {
  return c === null || c === undefined ? null : Math.round(Number(c) * 1e6) / 1e6;
}

function toItem(registry: TaxonomyRegistry, r: QueueRow): QueueItem {
  const t = registry.has(r.taxonomy) ? registry.get(r.taxonomy) : undefined;
  return {
    labelId: Number(r.id),
    statementId: r.statement_id,
    taxonomy: r.taxonomy,
    code: r.code,
    codeName: t?.nodes.get(r.code)?.name.en ?? r.code,
    secondary: r.secondary ?? [],
    source: r.source,
    model: r.model,
    modelVersion: r.model_version,
    promptVersion: r.prompt_version,
    runId: r.run_id,
    reasoning: r.reasoning,
    confidence: roundConfidence(r.confidence),
    createdAt: r.created_at,
    kind: r.kind,
    statementName: r.statement_name,
    text: r.text,
    headingPath: r.heading_path ?? [],
    page: r.page,
    locatorRef: r.locator_ref,
    documentId: r.document_id,
    documentTitle: r.document_title,
    documentOrganisation: r.document_organisation,
  };
}

const QUEUE_COLUMNS = `lab.id, lab.statement_id, lab.taxonomy, lab.code, lab.secondary, lab.source, lab.model,
  lab.model_version, lab.prompt_version, lab.run_id, lab.reasoning, lab.confidence, lab.created_at, s.kind,
  s.name AS statement_name, s.text, s.heading_path, s.page, s.locator_ref, d.id AS document_id,
  d.title AS document_title, d.organisation AS document_organisation`;

/**
 * The review queue: current labels that are neither human nor reviewed, on live statements, that
 * match the filter; lowest confidence first (unknown confidence first of all), then label id.
 */
export async function reviewQueue(
  db: Db,
  registry: TaxonomyRegistry,
  filter: QueueFilter = {},
): Promise<{ total: number; items: QueueItem[] }> {
  const p = new Params();
  const where = queueWhere(registry, filter, p);
  const [{ n }] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n ${QUEUE_FROM} WHERE ${where}`, p.values)) as [
    { n: number },
  ];
  const limit = filter.limit ?? 50;
  if (n === 0 || limit === 0) return { total: n, items: [] };
  const order = filter.order === 'id' ? 'lab.id' : 'coalesce(lab.confidence, 0), lab.id';
  const rows = await db.query<QueueRow>(
    `SELECT ${QUEUE_COLUMNS} ${QUEUE_FROM} WHERE ${where} ORDER BY ${order}
     LIMIT ${Math.max(0, Math.floor(limit))} OFFSET ${Math.max(0, Math.floor(filter.offset ?? 0))}`,
    p.values,
  );
  return { total: n, items: rows.map((r) => toItem(registry, r)) };
}

/** One label with its statement, in the queue's shape (whatever its review state). */
export async function labelDetails(db: Db, registry: TaxonomyRegistry, labelId: number): Promise<QueueItem | undefined> {
  const [row] = await db.query<QueueRow>(`SELECT ${QUEUE_COLUMNS} ${QUEUE_FROM} WHERE lab.id = $1`, [labelId]);
  return row ? toItem(registry, row) : undefined;
}

// ------------------------------------------------------------------ decisions

export type ReviewAction = 'accept' | 'reject' | 'correct';

/** What a decision changed, with what is needed to take it back (`undoDecision`). */
export interface Decision {
  action: ReviewAction;
  labelId: number;
  statementId: string;
  taxonomy: string;
  /** The machine label's code. */
  code: string;
  /** For corrections: the new code and the id of the human label that carries it. */
  newCode?: string;
  humanLabelId?: number;
  reviewer: string;
  /** The machine label's review state before the decision. */
  previous: { status: ClassificationRow['review_status']; reviewer: string | null; reviewedAt: string | null };
  /** Which label is current for this statement and taxonomy after the decision (undefined: none). */
  currentAfter?: { labelId: number; code: string };
}

interface LockedLabel {
  id: number;
  statement_id: string;
  taxonomy: string;
  code: string;
  source: string;
  human: boolean;
  review_status: ClassificationRow['review_status'];
  reviewer: string | null;
  reviewed_at_text: string | null;
}

async function lockLabel(tx: Db, id: number): Promise<LockedLabel> {
  if (!Number.isSafeInteger(id) || id <= 0) throw new ReviewError(`"${id}" is not a label id (a positive whole number).`);
  const [row] = await tx.query<LockedLabel>(
    `SELECT id, statement_id, taxonomy, code, source, human, review_status, reviewer, reviewed_at::text AS reviewed_at_text
     FROM classifications WHERE id = $1 FOR UPDATE`,
    [id],
  );
  if (!row) throw new ReviewError(`No label with id ${id}.`);
  row.id = Number(row.id);
  if (row.human)
    throw new ReviewError(
      `Label ${id} is a human label (source ${row.source}); review applies to machine labels. ` +
        'To change it, correct the machine label it replaced, or add a new human label.',
    );
  return row;
}

function checkReviewable(row: LockedLabel, force: boolean): void {
  if (row.review_status === 'unreviewed' || force) return;
  throw new ReviewError(
    `Label ${row.id} was already ${row.review_status}${row.reviewer ? ` by ${row.reviewer}` : ''}` +
      `${row.reviewed_at_text ? ` at ${row.reviewed_at_text}` : ''}; pass --force to decide again.`,
  );
}

function checkReviewer(reviewer: string): string {
  const r = reviewer.trim();
  if (!r) throw new ReviewError('A reviewer name is required (--reviewer, $GOVNAV_REVIEWER or the OS user name).');
  if (r.length > 200) throw new ReviewError('The reviewer name is longer than 200 characters.');
  return r;
}

async function currentOf(tx: Db, statementId: string, taxonomy: string): Promise<{ labelId: number; code: string } | undefined> {
  const [c] = await tx.query<{ id: number; code: string }>(
    'SELECT id, code FROM classifications WHERE statement_id = $1 AND taxonomy = $2 AND is_current',
    [statementId, taxonomy],
  );
  return c ? { labelId: Number(c.id), code: c.code } : undefined;
}

/**
 * Accept or reject machine labels, all in one transaction (one unknown or already reviewed label
 * and nothing changes). A rejected label stops being current; the next best label takes its place.
 */
export async function decide(
  db: Db,
  action: 'accept' | 'reject',
  labelIds: number[],
  reviewer: string,
  opts: { force?: boolean } = {},
): Promise<Decision[]> {
  const who = checkReviewer(reviewer);
  const ids = [...new Set(labelIds)];
  if (!ids.length) throw new ReviewError('No label ids given.');
  const status = action === 'accept' ? 'accepted' : 'rejected';
  return db.transaction(async (tx) => {
    const out: Decision[] = [];
    for (const id of ids) {
      const row = await lockLabel(tx, id);
      checkReviewable(row, !!opts.force);
      await tx.query(`UPDATE classifications SET review_status = $2, reviewer = $3, reviewed_at = now() WHERE id = $1`, [
        id,
        status,
        who,
      ]);
      out.push({
        action,
        labelId: id,
        statementId: row.statement_id,
        taxonomy: row.taxonomy,
        code: row.code,
        reviewer: who,
        previous: { status: row.review_status, reviewer: row.reviewer, reviewedAt: row.reviewed_at_text },
      });
    }
    await refreshCurrent(tx, [...new Set(out.map((d) => d.statementId))]);
    for (const d of out) d.currentAfter = await currentOf(tx, d.statementId, d.taxonomy);
    return out;
  });
}

export const acceptLabels = (db: Db, ids: number[], reviewer: string, opts?: { force?: boolean }) =>
  decide(db, 'accept', ids, reviewer, opts);
export const rejectLabels = (db: Db, ids: number[], reviewer: string, opts?: { force?: boolean }) =>
  decide(db, 'reject', ids, reviewer, opts);

/**
 * Resolve what a reviewer typed as a code of this taxonomy: the code itself, or a name or alias the
 * taxonomy knows. Unknown or non-assignable codes are an error that lists a few valid codes.
 */
export function resolveCode(t: Taxonomy, typed: string): string {
  const raw = typed.trim();
  const code = t.has(raw) ? raw : t.resolve(raw);
  const assignable = t.assignableCodes();
  if (!code) {
    throw new ReviewError(
      `"${raw}" is not a code of taxonomy "${t.id}". Valid codes include: ${suggestCodes(t, raw)}` +
        ` (${assignable.length} in all; \`govnav taxonomy show ${t.id}\` lists them).`,
    );
  }
  if (!assignable.includes(code)) {
    const kids = t.node(code).children.map((c) => `${c} ${t.name(c)}`);
    throw new ReviewError(
      `"${code}" is a category of taxonomy "${t.id}" that is labelled through its sub-codes: ${kids.slice(0, 8).join(', ')}` +
        `${kids.length > 8 ? ', …' : ''}.`,
    );
  }
  return code;
}

/** A few codes close to what was typed: same prefix, then a name containing it, else the first ones. */
export function suggestCodes(t: Taxonomy, typed: string, max = 6): string {
  const assignable = t.assignableCodes();
  const lower = typed.toLowerCase();
  let picks: string[] = [];
  for (let cut = typed.length; cut > 0 && !picks.length; cut--) {
    const prefix = typed.slice(0, cut);
    picks = assignable.filter((c) => c.startsWith(prefix));
  }
  if (!picks.length && lower.length >= 3) picks = assignable.filter((c) => t.name(c).toLowerCase().includes(lower));
  if (!picks.length) picks = assignable;
  const shown = picks.slice(0, max).map((c) => `${c} ${t.name(c)}`);
  return shown.join(', ') + (picks.length > max ? ', …' : '');
}

/**
 * Correct a machine label to another code: a new human label (source "human", review status
 * "corrected", the reason as its reasoning) becomes current, and the machine label is marked
 * rejected, both with the same reviewer and time. One transaction; a bad code changes nothing.
 */
export async function correctLabel(
  db: Db,
  registry: TaxonomyRegistry,
  labelId: number,
  typedCode: string,
  reviewer: string,
  opts: { reason?: string; force?: boolean } = {},
): Promise<Decision> {
  const who = checkReviewer(reviewer);
  const reason = opts.reason?.trim() || null;
  if (reason && reason.length > 500) throw new ReviewError(`The reason is ${reason.length} characters long; at most 500 are kept with a label.`);
  return db.transaction(async (tx) => {
    const row = await lockLabel(tx, labelId);
    checkReviewable(row, !!opts.force);
    if (!registry.has(row.taxonomy)) throw new ReviewError(`Label ${labelId} belongs to taxonomy "${row.taxonomy}", which is no longer shipped.`);
    const t = registry.get(row.taxonomy);
    const code = resolveCode(t, typedCode);
    if (code === row.code)
      throw new ReviewError(`Label ${labelId} already has code ${code} (${t.name(code)}); accept it instead of correcting it.`);
    await tx.query(`UPDATE classifications SET review_status = 'rejected', reviewer = $2, reviewed_at = now() WHERE id = $1`, [
      labelId,
      who,
    ]);
    const [ins] = await tx.query<{ id: number }>(
      `INSERT INTO classifications (statement_id, taxonomy, taxonomy_version, code, source, human, reasoning,
         review_status, reviewer, reviewed_at)
       VALUES ($1, $2, $3, $4, 'human', true, $5, 'corrected', $6, now()) RETURNING id`,
      [row.statement_id, row.taxonomy, t.version, code, reason, who],
    );
    await refreshCurrent(tx, [row.statement_id]);
    return {
      action: 'correct' as const,
      labelId,
      statementId: row.statement_id,
      taxonomy: row.taxonomy,
      code: row.code,
      newCode: code,
      humanLabelId: Number(ins!.id),
      reviewer: who,
      previous: { status: row.review_status, reviewer: row.reviewer, reviewedAt: row.reviewed_at_text },
      currentAfter: await currentOf(tx, row.statement_id, row.taxonomy),
    };
  });
}

/**
 * Take a decision back: the machine label gets its earlier review state, a correction's human label
 * is deleted, and the current label is recomputed. Refused when the label was decided again since.
 */
export async function undoDecision(db: Db, d: Decision): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.query<{ review_status: string; reviewer: string | null }>(
      'SELECT review_status, reviewer FROM classifications WHERE id = $1 FOR UPDATE',
      [d.labelId],
    );
    const expected = d.action === 'accept' ? 'accepted' : 'rejected';
    if (!row || row.review_status !== expected || row.reviewer !== d.reviewer)
      throw new ReviewError(`Label ${d.labelId} has changed since this decision; it cannot be undone.`);
    if (d.humanLabelId !== undefined) {
      const gone = await tx.query('DELETE FROM classifications WHERE id = $1 AND human AND source = $2 RETURNING id', [
        d.humanLabelId,
        'human',
      ]);
      if (!gone.length) throw new ReviewError(`The correction (label ${d.humanLabelId}) is gone; label ${d.labelId} was not restored.`);
    }
    await tx.query('UPDATE classifications SET review_status = $2, reviewer = $3, reviewed_at = $4::timestamptz WHERE id = $1', [
      d.labelId,
      d.previous.status,
      d.previous.reviewer,
      d.previous.reviewedAt,
    ]);
    await refreshCurrent(tx, [d.statementId]);
  });
}

/** A reviewer's decisions in one sitting, so that the last ones can be undone. */
export class ReviewSession {
  readonly decisions: Decision[] = [];
  constructor(
    readonly db: Db,
    readonly registry: TaxonomyRegistry,
    readonly reviewer: string,
  ) {}
  async accept(labelId: number): Promise<Decision> {
    const [d] = await decide(this.db, 'accept', [labelId], this.reviewer);
    this.decisions.push(d!);
    return d!;
  }
  async reject(labelId: number): Promise<Decision> {
    const [d] = await decide(this.db, 'reject', [labelId], this.reviewer);
    this.decisions.push(d!);
    return d!;
  }
  async correct(labelId: number, code: string, reason?: string): Promise<Decision> {
    const d = await correctLabel(this.db, this.registry, labelId, code, this.reviewer, { reason });
    this.decisions.push(d);
    return d;
  }
  /** Undo the last decision of this session; undefined when there is none. */
  async undo(): Promise<Decision | undefined> {
    const d = this.decisions.at(-1);
    if (!d) return undefined;
    await undoDecision(this.db, d);
    this.decisions.pop();
    return d;
  }
}

// ------------------------------------------------------------------ bookkeeping

/** The human correction made in the same decision as a rejected machine label (same time and reviewer). */
const CORRECTION_JOIN = `LEFT JOIN LATERAL (
    SELECT h.id, h.code FROM classifications h
    WHERE h.statement_id = m.statement_id AND h.taxonomy = m.taxonomy AND h.source = 'human'
      AND h.review_status = 'corrected' AND h.reviewed_at = m.reviewed_at AND h.reviewer IS NOT DISTINCT FROM m.reviewer
    ORDER BY h.id LIMIT 1) corr ON m.review_status = 'rejected'`;

export interface ReviewStatsRow {
  taxonomy: string;
  source: string;
  /** Machine labels from this source (all, current or not). */
  machine: number;
  /** Current, unreviewed labels on live statements: what the queue holds. */
  pending: number;
  reviewed: number;
  accepted: number;
  corrected: number;
  /** Rejected without a correction. */
  rejected: number;
  /** accepted / reviewed; null when nothing was reviewed. */
  acceptanceRate: number | null;
}

/** Per taxonomy and source: how many machine labels there are, how many were reviewed and how. */
export async function reviewStats(db: Db, opts: { taxonomies?: string[] } = {}): Promise<ReviewStatsRow[]> {
  const params: unknown[] = [];
  let extra = '';
  if (opts.taxonomies?.length) {
    params.push(opts.taxonomies);
    extra = ' AND m.taxonomy = ANY($1::text[])';
  }
  const rows = await db.query<Omit<ReviewStatsRow, 'reviewed' | 'acceptanceRate'>>(
    `SELECT m.taxonomy, m.source, count(*)::int AS machine,
       count(*) FILTER (WHERE m.is_current AND m.review_status = 'unreviewed'
         AND s.retired_at IS NULL AND d.retired_at IS NULL)::int AS pending,
       count(*) FILTER (WHERE m.review_status = 'accepted')::int AS accepted,
       count(*) FILTER (WHERE m.review_status = 'rejected' AND corr.id IS NOT NULL)::int AS corrected,
       count(*) FILTER (WHERE m.review_status = 'rejected' AND corr.id IS NULL)::int AS rejected
     FROM classifications m JOIN statements s ON s.id = m.statement_id JOIN documents d ON d.id = s.document_id
     ${CORRECTION_JOIN}
     WHERE NOT m.human${extra}
     GROUP BY m.taxonomy, m.source ORDER BY m.taxonomy, m.source`,
    params,
  );
  return rows.map((r) => {
    const reviewed = r.accepted + r.corrected + r.rejected;
    return { ...r, reviewed, acceptanceRate: reviewed ? Math.round((r.accepted / reviewed) * 10000) / 10000 : null };
  });
}

export interface ReviewedPair {
  labelId: number;
  statementId: string;
  taxonomy: string;
  source: string;
  model: string | null;
  confidence: number | null;
  /** What the machine said. */
  machineCode: string;
  /** What the reviewer settled on: the same code (accepted), the correction, or null (rejected without one). */
  reviewedCode: string | null;
  outcome: 'accepted' | 'corrected' | 'rejected';
  reviewer: string | null;
  reviewedAt: Date | null;
}

/** Every reviewed machine label paired with the reviewer's verdict: the input for machine-vs-reviewed agreement. */
export async function reviewedPairs(
  db: Db,
  opts: { taxonomies?: string[]; sources?: string[] } = {},
): Promise<ReviewedPair[]> {
  const p = new Params();
  const parts = ['NOT m.human', `m.review_status IN ('accepted', 'rejected')`];
  if (opts.taxonomies?.length) parts.push(`m.taxonomy = ANY(${p.add(opts.taxonomies)}::text[])`);
  if (opts.sources?.length) parts.push(`m.source = ANY(${p.add(opts.sources)}::text[])`);
  const rows = await db.query<{
    id: number;
    statement_id: string;
    taxonomy: string;
    source: string;
    model: string | null;
    confidence: number | null;
    code: string;
    review_status: string;
    corr_code: string | null;
    reviewer: string | null;
    reviewed_at: Date | null;
  }>(
    `SELECT m.id, m.statement_id, m.taxonomy, m.source, m.model, m.confidence, m.code, m.review_status,
       corr.code AS corr_code, m.reviewer, m.reviewed_at
     FROM classifications m ${CORRECTION_JOIN}
     WHERE ${parts.join(' AND ')} ORDER BY m.taxonomy, m.id`,
    p.values,
  );
  return rows.map((r) => ({
    labelId: Number(r.id),
    statementId: r.statement_id,
    taxonomy: r.taxonomy,
    source: r.source,
    model: r.model,
    confidence: roundConfidence(r.confidence),
    machineCode: r.code,
    reviewedCode: r.review_status === 'accepted' ? r.code : r.corr_code,
    outcome: r.review_status === 'accepted' ? 'accepted' : r.corr_code !== null ? 'corrected' : 'rejected',
    reviewer: r.reviewer,
    reviewedAt: r.reviewed_at,
  }));
}

/** Other labels of the same statement and taxonomy (for context while reviewing), newest first. */
export async function siblingLabels(db: Db, labelId: number): Promise<ClassificationRow[]> {
  return db.query<ClassificationRow>(
    `SELECT o.* FROM classifications o JOIN classifications l ON l.statement_id = o.statement_id AND l.taxonomy = o.taxonomy
     WHERE l.id = $1 AND o.id <> $1 ORDER BY o.is_current DESC, o.created_at DESC, o.id DESC`,
    [labelId],
  );
}

/** The reviewer's name: the explicit one, else $GOVNAV_REVIEWER, else the given OS user name. */
export function reviewerName(explicit: string | undefined, env: NodeJS.ProcessEnv, osUser: () => string): string {
  const pick = explicit?.trim() || env.GOVNAV_REVIEWER?.trim();
  if (pick) return pick;
  try {
    return osUser().trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}
