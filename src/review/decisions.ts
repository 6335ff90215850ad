// Decisions on machine labels: accept, reject, correct to another code, undo. Every decision is one
// transaction that records who decided and when, then lets the store's rule pick the current label
// again (refreshCurrent): human labels beat machine ones, reviewed beat unreviewed, rejected labels
// are never current. An optional `onDecided` hook runs inside the same transaction (the web process
// writes its audit record there).
import { refreshCurrent, type ClassificationRow } from '../store/classifications.ts';
import type { Db } from '../store/db.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import { resolveTyped } from './codes.ts';
import { ReviewError } from './errors.ts';
import type { z } from 'zod';
import { nullable, queryRow, text } from '../store/schema/columns.ts';
import { classifications } from '../store/schema/tables.ts';

export type ReviewAction = 'accept' | 'reject' | 'correct';

/** Runs inside a decision's transaction, once per decided label (e.g. to write the audit record). */
export type DecisionHook = (tx: Db, d: Decision) => Promise<void>;

export interface DecideOptions {
  /** Decide again on a label that was already reviewed. */
  force?: boolean;
  onDecided?: DecisionHook;
}

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

const LockedLabelRow = classifications.row
  .pick({ id: true, statement_id: true, taxonomy: true, code: true, source: true, human: true, review_status: true, reviewer: true })
  .extend({ reviewed_at_text: nullable(text()).schema });
type LockedLabel = z.infer<typeof LockedLabelRow>;
const LabelIdCode = classifications.row.pick({ id: true, code: true });

async function lockLabel(tx: Db, id: number): Promise<LockedLabel> {
  if (!Number.isSafeInteger(id) || id <= 0) throw new ReviewError(`"${id}" is not a label id (a positive whole number).`);
  const row = await queryRow(
    tx,
    LockedLabelRow,
    `SELECT id, statement_id, taxonomy, code, source, human, review_status, reviewer, reviewed_at::text AS reviewed_at_text
     FROM classifications WHERE id = $1 FOR UPDATE`,
    [id],
    'label',
  );
  if (!row) throw new ReviewError(`No label with id ${id}.`);
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
  const c = await queryRow(
    tx,
    LabelIdCode,
    'SELECT id, code FROM classifications WHERE statement_id = $1 AND taxonomy = $2 AND is_current',
    [statementId, taxonomy],
    'current label',
  );
  return c ? { labelId: c.id, code: c.code } : undefined;
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
  opts: DecideOptions = {},
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
    for (const d of out) {
      d.currentAfter = await currentOf(tx, d.statementId, d.taxonomy);
      if (opts.onDecided) await opts.onDecided(tx, d);
    }
    return out;
  });
}

export const acceptLabels = (db: Db, ids: number[], reviewer: string, opts?: DecideOptions) =>
  decide(db, 'accept', ids, reviewer, opts);
export const rejectLabels = (db: Db, ids: number[], reviewer: string, opts?: DecideOptions) =>
  decide(db, 'reject', ids, reviewer, opts);

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
  opts: DecideOptions & { reason?: string } = {},
): Promise<Decision> {
  const who = checkReviewer(reviewer);
  const reason = opts.reason?.trim() || null;
  if (reason && reason.length > 500) throw new ReviewError(`The reason is ${reason.length} characters long; at most 500 are kept with a label.`);
  return db.transaction(async (tx) => {
    const row = await lockLabel(tx, labelId);
    checkReviewable(row, !!opts.force);
    if (!registry.has(row.taxonomy)) throw new ReviewError(`Label ${labelId} belongs to taxonomy "${row.taxonomy}", which is no longer shipped.`);
    const t = registry.get(row.taxonomy);
    const code = resolveTyped(t, typedCode);
    if (code === row.code)
      throw new ReviewError(`Label ${labelId} already has code ${code} (${t.name(code)}); accept it instead of correcting it.`);
    await tx.query(`UPDATE classifications SET review_status = 'rejected', reviewer = $2, reviewed_at = now() WHERE id = $1`, [
      labelId,
      who,
    ]);
    const ins = await queryRow(
      tx,
      classifications.row.pick({ id: true }),
      `INSERT INTO classifications (statement_id, taxonomy, taxonomy_version, code, source, human, reasoning,
         review_status, reviewer, reviewed_at)
       VALUES ($1, $2, $3, $4, 'human', true, $5, 'corrected', $6, now()) RETURNING id`,
      [row.statement_id, row.taxonomy, t.version, code, reason, who],
      'correction',
    );
    await refreshCurrent(tx, [row.statement_id]);
    const d: Decision = {
      action: 'correct' as const,
      labelId,
      statementId: row.statement_id,
      taxonomy: row.taxonomy,
      code: row.code,
      newCode: code,
      humanLabelId: ins!.id,
      reviewer: who,
      previous: { status: row.review_status, reviewer: row.reviewer, reviewedAt: row.reviewed_at_text },
      currentAfter: await currentOf(tx, row.statement_id, row.taxonomy),
    };
    if (opts.onDecided) await opts.onDecided(tx, d);
    return d;
  });
}

/**
 * Take a decision back: the machine label gets its earlier review state, a correction's human label
 * is deleted, and the current label is recomputed. Refused when the label was decided again since.
 */
export async function undoDecision(db: Db, d: Decision): Promise<void> {
  await db.transaction(async (tx) => {
    const row = await queryRow(
      tx,
      classifications.row.pick({ review_status: true, reviewer: true }),
      'SELECT review_status, reviewer FROM classifications WHERE id = $1 FOR UPDATE',
      [d.labelId],
      'label',
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
