// Decisions taken by a signed-in account (the web queue): the same decisions as the command line,
// each with its audit record written in the same transaction, against the statement (so the
// statement's history shows it) with the label's state before and after.
import { recordAudit } from '../store/audit.ts';
import { refreshCurrent } from '../store/classifications.ts';
import type { Db } from '../store/db.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import { correctLabel, decide, type Decision, type DecisionHook } from './decisions.ts';
import { queryRow } from '../store/schema/columns.ts';
import { classifications } from '../store/schema/tables.ts';

/** An account acting in review. */
export interface Account {
  id: number;
  username: string;
}

function auditHook(who: Account, extra: Record<string, unknown> = {}): DecisionHook {
  return async (tx, d) => {
    await recordAudit(tx, {
      actorId: who.id,
      actorName: who.username,
      action: `review.${d.action}`,
      targetType: 'statement',
      targetId: d.statementId,
      before: { labelId: d.labelId, taxonomy: d.taxonomy, code: d.code, reviewStatus: d.previous.status },
      after: { ...extra, taxonomy: d.taxonomy, code: d.newCode ?? d.code, humanLabelId: d.humanLabelId, current: d.currentAfter },
      detail: d.action === 'correct' ? `label ${d.labelId}: ${d.code} → ${d.newCode}` : `label ${d.labelId} (${d.taxonomy} ${d.code})`,
    });
  };
}

/** Accept or reject labels as this account; one transaction, one audit record per label. */
export function decideAs(db: Db, who: Account, action: 'accept' | 'reject', labelIds: number[], extra?: Record<string, unknown>): Promise<Decision[]> {
  return decide(db, action, labelIds, who.username, { onDecided: auditHook(who, extra) });
}

/** Correct a label to another code as this account (a new human label), audited. */
export function correctAs(db: Db, registry: TaxonomyRegistry, who: Account, labelId: number, code: string, reason?: string): Promise<Decision> {
  return correctLabel(db, registry, labelId, code, who.username, { reason, onDecided: auditHook(who) });
}

/**
 * Write a human label for a statement and taxonomy decided outside the machine queue (an accepted
 * proposal, an agreed double coding, an adjudication). Unreviewed machine labels of the pair are
 * settled by it (accepted when they carry the same code, rejected otherwise), earlier human labels
 * that would outrank it are marked rejected (the audit log keeps them), and the current label is
 * recomputed. Runs inside the caller's transaction.
 */
export async function writeHumanLabel(
  tx: Db,
  registry: TaxonomyRegistry,
  opts: { statementId: string; taxonomy: string; code: string; reviewer: string; status: 'corrected' | 'accepted' | 'adjudicated'; reasoning?: string | null },
): Promise<number> {
  const t = registry.get(opts.taxonomy);
  await tx.query(
    `UPDATE classifications SET review_status = CASE WHEN code = $3 THEN 'accepted' ELSE 'rejected' END,
       reviewer = $4, reviewed_at = now()
     WHERE statement_id = $1 AND taxonomy = $2 AND NOT human AND review_status = 'unreviewed'`,
    [opts.statementId, opts.taxonomy, opts.code, opts.reviewer],
  );
  await tx.query(
    `UPDATE classifications SET review_status = 'rejected', reviewer = $3, reviewed_at = now()
     WHERE statement_id = $1 AND taxonomy = $2 AND human AND source = 'human' AND review_status <> 'rejected'`,
    [opts.statementId, opts.taxonomy, opts.reviewer],
  );
  const ins = await queryRow(
    tx,
    classifications.row.pick({ id: true }),
    `INSERT INTO classifications (statement_id, taxonomy, taxonomy_version, code, source, human, reasoning,
       review_status, reviewer, reviewed_at)
     VALUES ($1, $2, $3, $4, 'human', true, $5, $6, $7, now()) RETURNING id`,
    [opts.statementId, opts.taxonomy, t.version, opts.code, opts.reasoning ? opts.reasoning.slice(0, 500) : null, opts.status, opts.reviewer],
    'human label',
  );
  await refreshCurrent(tx, [opts.statementId]);
  return ins!.id;
}
