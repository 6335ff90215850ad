// Double coding: an admin assigns a sample of statements on one taxonomy to two reviewers, who
// each code every item without seeing the other's code (nor the machine label's confidence: see
// docs/review.md). When both have coded: the same code becomes the statement's human label
// ('agreed'); different codes wait for adjudication by a third reviewer, whose code is the gold
// (source human, review state 'adjudicated'). Every step is audited in its own transaction.
import { recordAudit } from '../store/audit.ts';
import type { Db } from '../store/db.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import { writeHumanLabel, type Account } from './audited.ts';
import { resolveTyped } from './codes.ts';
import { ReviewError } from './errors.ts';
import type { z } from 'zod';
import { bool, int, queryRow, queryRows, row, text } from '../store/schema/columns.ts';
import { reviewAssignments, reviewCodings, statements, users } from '../store/schema/tables.ts';

const Count = row({ n: int() });
const LockedAssignment = reviewAssignments.row.pick({ statement_id: true, taxonomy: true, coder_a: true, coder_b: true, status: true });

async function lockAssignment(tx: Db, id: number) {
  return queryRow(tx, LockedAssignment, 'SELECT statement_id, taxonomy, coder_a, coder_b, status FROM review_assignments WHERE id = $1 FOR UPDATE', [id], 'assignment');
}

export interface SampleRequest {
  taxonomy: string;
  /** Share of the eligible statements, 0 < fraction ≤ 1. */
  fraction: number;
  coderA: number;
  coderB: number;
  /** Only statements added in the last n days ("new statements"); all when undefined. */
  sinceDays?: number;
  dataset?: string;
  /** At most this many assignments (default 500). */
  max?: number;
  /** Fixes the random sample (default: the current time). */
  seed?: string;
}

const ELIGIBLE = `FROM statements s JOIN documents d ON d.id = s.document_id
  WHERE s.retired_at IS NULL AND d.retired_at IS NULL AND s.same_as IS NULL AND s.kind = ANY($1::text[])
    AND ($2::int IS NULL OR s.created_at >= now() - make_interval(days => $2::int))
    AND ($3::text IS NULL OR d.dataset = $3)
    AND NOT EXISTS (SELECT 1 FROM review_assignments ra WHERE ra.statement_id = s.id AND ra.taxonomy = $4)`;

/** Assign a random sample to two reviewers; returns how many statements were assigned. */
export async function assignSample(db: Db, registry: TaxonomyRegistry, r: SampleRequest, admin: Account): Promise<number> {
  if (!registry.has(r.taxonomy)) throw new ReviewError(`Unknown taxonomy "${r.taxonomy}".`);
  if (!(r.fraction > 0 && r.fraction <= 1)) throw new ReviewError('The sample share must be more than 0% and at most 100%.');
  if (r.coderA === r.coderB) throw new ReviewError('Choose two different reviewers.');
  const kinds = registry.get(r.taxonomy).data.appliesTo;
  return db.transaction(async (tx) => {
    const coders = await queryRows(
      tx,
      users.row.pick({ id: true, role: true }).extend({ disabled: bool().schema }),
      'SELECT id, role, disabled_at IS NOT NULL AS disabled FROM users WHERE id = ANY($1::int[])',
      [[r.coderA, r.coderB]],
      'coders',
    );
    if (coders.length !== 2 || coders.some((c) => c.disabled || !['reviewer', 'admin'].includes(c.role)))
      throw new ReviewError('Both coders must be active accounts with the reviewer (or admin) role.');
    const params = [kinds, r.sinceDays ?? null, r.dataset || null, r.taxonomy];
    const n = (await queryRow(tx, Count, `SELECT count(*)::int AS n ${ELIGIBLE}`, params, 'eligible statements'))?.n ?? 0;
    const take = Math.min(r.max ?? 500, Math.ceil(n * r.fraction));
    if (take === 0) return 0;
    const rows = await queryRows(
      tx,
      reviewAssignments.row.pick({ id: true }),
      `INSERT INTO review_assignments (statement_id, taxonomy, coder_a, coder_b, assigned_by)
       SELECT s.id, $4, $5, $6, $7 ${ELIGIBLE} ORDER BY md5(s.id || $8), s.id LIMIT ${take} RETURNING id`,
      [...params, r.coderA, r.coderB, admin.id, r.seed ?? new Date().toISOString()],
      'new assignments',
    );
    await recordAudit(tx, {
      actorId: admin.id,
      actorName: admin.username,
      action: 'review.assign',
      targetType: 'taxonomy',
      targetId: r.taxonomy,
      after: { assignments: rows.length, coders: [r.coderA, r.coderB], fraction: r.fraction, sinceDays: r.sinceDays ?? null, dataset: r.dataset ?? null },
      detail: `${rows.length} of ${n} eligible statements to two coders`,
    });
    return rows.length;
  });
}

export interface AssignmentItem {
  id: number;
  statementId: string;
  taxonomy: string;
  status: string;
  name: string;
  text: string;
  headingPath: string[];
  documentTitle: string;
  codes?: { username: string; code: string; reason: string | null }[];
}

const ITEM_SQL = `SELECT ra.id, ra.statement_id, ra.taxonomy, ra.status, s.name, left(s.text, 2000) AS text, s.heading_path,
    d.title AS document_title
  FROM review_assignments ra JOIN statements s ON s.id = ra.statement_id JOIN documents d ON d.id = s.document_id`;

const ItemRow = reviewAssignments.row
  .pick({ id: true, statement_id: true, taxonomy: true, status: true })
  .extend(statements.row.pick({ name: true, text: true, heading_path: true }).shape)
  .extend({ document_title: text().schema });

function toItem(r: z.infer<typeof ItemRow>): AssignmentItem {
  return {
    id: r.id,
    statementId: r.statement_id,
    taxonomy: r.taxonomy,
    status: r.status,
    name: r.name,
    text: r.text,
    headingPath: r.heading_path,
    documentTitle: r.document_title,
  };
}

/** The items this reviewer still has to code (blind: nothing about the other coder). */
export async function myAssignments(db: Db, userId: number, limit = 20): Promise<{ items: AssignmentItem[]; remaining: number }> {
  const where = `ra.status = 'open' AND (ra.coder_a = $1 OR ra.coder_b = $1)
    AND NOT EXISTS (SELECT 1 FROM review_codings rc WHERE rc.assignment_id = ra.id AND rc.user_id = $1)`;
  const [rows, [count]] = await Promise.all([
    queryRows(db, ItemRow, `${ITEM_SQL} WHERE ${where} ORDER BY ra.id LIMIT ${limit}`, [userId], 'assignments'),
    queryRows(db, Count, `SELECT count(*)::int AS n FROM review_assignments ra WHERE ${where}`, [userId], 'assignments left'),
  ]);
  return { items: rows.map(toItem), remaining: count?.n ?? 0 };
}

/** Disputed items this account may adjudicate (it coded neither side), with both codes. */
export async function adjudicationQueue(db: Db, userId: number, limit = 20): Promise<AssignmentItem[]> {
  const rows = await queryRows(
    db,
    ItemRow,
    `${ITEM_SQL} WHERE ra.status = 'disputed' AND ra.coder_a <> $1 AND ra.coder_b <> $1 ORDER BY ra.id LIMIT ${limit}`,
    [userId],
    'adjudication queue',
  );
  const items = rows.map(toItem);
  if (!items.length) return items;
  const codes = await queryRows(
    db,
    reviewCodings.row.pick({ assignment_id: true, username: true, code: true, reason: true }),
    'SELECT assignment_id, username, code, reason FROM review_codings WHERE assignment_id = ANY($1::bigint[]) ORDER BY assignment_id, username',
    [items.map((i) => i.id)],
    'codes of disputed items',
  );
  for (const i of items) i.codes = codes.filter((c) => c.assignment_id === i.id);
  return items;
}

/** One coder's code for an assignment; settles the item when the second code arrives. */
export async function codeAssignment(db: Db, registry: TaxonomyRegistry, id: number, who: Account, typed: string, reason?: string): Promise<string> {
  return db.transaction(async (tx) => {
    const a = await lockAssignment(tx, id);
    if (!a) throw new ReviewError(`No assignment ${id}.`);
    if (a.coder_a !== who.id && a.coder_b !== who.id) throw new ReviewError(`Assignment ${id} is not yours to code.`);
    if (a.status !== 'open') throw new ReviewError(`Assignment ${id} is already ${a.status}.`);
    const code = resolveTyped(registry.get(a.taxonomy), typed);
    const done = await tx.query('SELECT 1 FROM review_codings WHERE assignment_id = $1 AND user_id = $2', [id, who.id]);
    if (done.length) throw new ReviewError(`You have already coded assignment ${id}.`);
    await tx.query('INSERT INTO review_codings (assignment_id, user_id, username, code, reason) VALUES ($1, $2, $3, $4, $5)', [
      id, who.id, who.username, code, reason?.trim().slice(0, 500) || null,
    ]);
    const codes = await queryRows(
      tx,
      reviewCodings.row.pick({ username: true, code: true }),
      'SELECT username, code FROM review_codings WHERE assignment_id = $1 ORDER BY username',
      [id],
      'codes of an assignment',
    );
    let status = 'open';
    if (codes.length === 2) {
      status = codes[0]!.code === codes[1]!.code ? 'agreed' : 'disputed';
      let gold: number | null = null;
      if (status === 'agreed')
        gold = await writeHumanLabel(tx, registry, {
          statementId: a.statement_id, taxonomy: a.taxonomy, code, status: 'accepted',
          reviewer: codes.map((c) => c.username).join(' + '), reasoning: 'Double coding: both coders chose this code.',
        });
      await tx.query('UPDATE review_assignments SET status = $2, gold_label_id = $3 WHERE id = $1', [id, status, gold]);
    }
    await recordAudit(tx, {
      actorId: who.id, actorName: who.username, action: 'review.code', targetType: 'statement', targetId: a.statement_id,
      after: { assignment: id, taxonomy: a.taxonomy, code, status }, detail: `double coding ${id}`,
    });
    return status;
  });
}

/** Settle a disputed item: the adjudicator's code becomes the gold label. */
export async function adjudicate(db: Db, registry: TaxonomyRegistry, id: number, who: Account, typed: string, reason?: string): Promise<number> {
  return db.transaction(async (tx) => {
    const a = await lockAssignment(tx, id);
    if (!a) throw new ReviewError(`No assignment ${id}.`);
    if (a.status !== 'disputed') throw new ReviewError(`Assignment ${id} is ${a.status}, not waiting for adjudication.`);
    if (a.coder_a === who.id || a.coder_b === who.id) throw new ReviewError('A coder of this item cannot adjudicate it.');
    const code = resolveTyped(registry.get(a.taxonomy), typed);
    const gold = await writeHumanLabel(tx, registry, {
      statementId: a.statement_id, taxonomy: a.taxonomy, code, status: 'adjudicated', reviewer: who.username,
      reasoning: reason?.trim() || 'Adjudicated after the two coders disagreed.',
    });
    await tx.query(`UPDATE review_assignments SET status = 'adjudicated', gold_label_id = $2, adjudicator = $3 WHERE id = $1`, [id, gold, who.username]);
    await recordAudit(tx, {
      actorId: who.id, actorName: who.username, action: 'review.adjudicate', targetType: 'statement', targetId: a.statement_id,
      after: { assignment: id, taxonomy: a.taxonomy, code, labelId: gold }, detail: `adjudicated double coding ${id}`,
    });
    return gold;
  });
}
