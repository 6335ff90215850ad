// "Suggest a different label": proposals from readers (anonymous, marked as such) and contributors
// (attributed to their account). A proposal waits in the review queue until a reviewer accepts it
// (it becomes the statement's human label) or rejects it. Every step is audited in its transaction.
import { recordAudit } from '../store/audit.ts';
import type { Db } from '../store/db.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import { writeHumanLabel, type Account } from './audited.ts';
import { resolveTyped } from './codes.ts';
import { ReviewError } from './errors.ts';
import type { z } from 'zod';
import { bool, nullable, queryRow, queryRows, row, text } from '../store/schema/columns.ts';
import { classifications, reviewProposals, statements } from '../store/schema/tables.ts';

export type ProposalOrigin = 'reader' | 'contributor' | 'reviewer';

export interface NewProposal {
  statementId: string;
  taxonomy: string;
  /** What the reader picked or typed: a code, or a name the taxonomy knows. */
  code: string;
  reason: string;
  /** The account, when signed in; null for an anonymous reader. */
  account: (Account & { role: string }) | null;
  clientHash?: string;
}

export interface ProposalRow {
  id: number;
  statementId: string;
  taxonomy: string;
  code: string;
  reason: string;
  origin: ProposalOrigin;
  username: string | null;
  status: 'open' | 'accepted' | 'rejected';
  decidedBy: string | null;
  labelId: number | null;
  createdAt: Date;
  statementName: string;
  currentCode: string | null;
}

/** Check a proposal against the statement and the taxonomy; returns the resolved code. */
async function validate(db: Db, registry: TaxonomyRegistry, p: NewProposal): Promise<{ code: string; kind: string; current: { id: number; code: string } | undefined }> {
  const reason = p.reason.trim();
  if (reason.length < 3 || reason.length > 2000) throw new ReviewError('Give a reason of 3 to 2,000 characters.');
  const st = await queryRow(
    db,
    statements.row.pick({ kind: true }).extend({ retired: bool().schema }),
    'SELECT kind, retired_at IS NOT NULL AS retired FROM statements WHERE id = $1',
    [p.statementId],
    'statement',
  );
  if (!st) throw new ReviewError(`No statement ${p.statementId}.`);
  if (st.retired) throw new ReviewError(`Statement ${p.statementId} is retired; its labels are no longer reviewed.`);
  if (!registry.has(p.taxonomy)) throw new ReviewError(`Unknown taxonomy "${p.taxonomy}".`);
  const t = registry.get(p.taxonomy);
  if (!t.data.appliesTo.includes(st.kind)) throw new ReviewError(`Taxonomy "${t.id}" does not label ${st.kind} statements.`);
  const code = resolveTyped(t, p.code);
  const cur = await queryRow(
    db,
    classifications.row.pick({ id: true, code: true }),
    'SELECT id, code FROM classifications WHERE statement_id = $1 AND taxonomy = $2 AND is_current',
    [p.statementId, p.taxonomy],
    'current label',
  );
  return { code, kind: st.kind, current: cur ? { id: cur.id, code: cur.code } : undefined };
}

/** Record a proposal (one transaction with its audit record); returns its id. */
export async function createProposal(db: Db, registry: TaxonomyRegistry, p: NewProposal): Promise<number> {
  return db.transaction(async (tx) => {
    const v = await validate(tx, registry, p);
    const origin: ProposalOrigin = !p.account ? 'reader' : p.account.role === 'contributor' ? 'contributor' : 'reviewer';
    const row = await queryRow(
      tx,
      reviewProposals.row.pick({ id: true }),
      `INSERT INTO review_proposals (statement_id, taxonomy, code, contested_label_id, reason, origin, user_id, username, client_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [p.statementId, p.taxonomy, v.code, v.current?.id ?? null, p.reason.trim(), origin, p.account?.id ?? null, p.account?.username ?? null, p.clientHash ?? null],
      'new proposal',
    );
    const id = row!.id;
    await recordAudit(tx, {
      actorId: p.account?.id ?? null,
      actorName: p.account?.username ?? 'anonymous reader',
      action: 'review.propose',
      targetType: 'statement',
      targetId: p.statementId,
      before: v.current ? { taxonomy: p.taxonomy, code: v.current.code } : undefined,
      after: { proposal: id, taxonomy: p.taxonomy, code: v.code, origin },
      detail: p.reason.trim().slice(0, 500),
      clientHash: p.clientHash,
    });
    return id;
  });
}

const LIST_SQL = `SELECT p.id, p.statement_id, p.taxonomy, p.code, p.reason, p.origin, p.username, p.status, p.decided_by,
    p.label_id, p.created_at, s.name AS statement_name,
    (SELECT c.code FROM classifications c WHERE c.statement_id = p.statement_id AND c.taxonomy = p.taxonomy AND c.is_current) AS current_code
  FROM review_proposals p JOIN statements s ON s.id = p.statement_id`;

const ListedProposal = reviewProposals.row
  .pick({ id: true, statement_id: true, taxonomy: true, code: true, reason: true, origin: true, username: true, status: true, decided_by: true, label_id: true, created_at: true })
  .extend(row({ statement_name: text(), current_code: nullable(text()) }).shape);

function toProposal(r: z.infer<typeof ListedProposal>): ProposalRow {
  return {
    id: r.id,
    statementId: r.statement_id,
    taxonomy: r.taxonomy,
    code: r.code,
    reason: r.reason,
    origin: r.origin,
    username: r.username,
    status: r.status,
    decidedBy: r.decided_by,
    labelId: r.label_id,
    createdAt: r.created_at,
    statementName: r.statement_name,
    currentCode: r.current_code,
  };
}

/** Proposals, newest first: open ones for reviewers, or one account's own. */
export async function listProposals(db: Db, q: { status?: 'open' | 'accepted' | 'rejected'; userId?: number; taxonomy?: string; limit?: number } = {}): Promise<ProposalRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.status) where.push(`p.status = $${params.push(q.status)}`);
  if (q.userId !== undefined) where.push(`p.user_id = $${params.push(q.userId)}`);
  if (q.taxonomy) where.push(`p.taxonomy = $${params.push(q.taxonomy)}`);
  const rows = await queryRows(
    db,
    ListedProposal,
    `${LIST_SQL} ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY p.id DESC LIMIT ${Math.min(500, q.limit ?? 50)}`,
    params,
    'proposals',
  );
  return rows.map(toProposal);
}

/**
 * Accept (the proposed code becomes the statement's human label, reviewed by this account) or
 * reject an open proposal. One transaction with its audit record.
 */
export async function decideProposal(db: Db, registry: TaxonomyRegistry, id: number, action: 'accept' | 'reject', who: Account): Promise<ProposalRow> {
  return db.transaction(async (tx) => {
    const p = await queryRow(tx, reviewProposals.row, `SELECT * FROM review_proposals WHERE id = $1 FOR UPDATE`, [id], 'proposal');
    if (!p) throw new ReviewError(`No proposal ${id}.`);
    if (p.status !== 'open') throw new ReviewError(`Proposal ${id} was already ${p.status} by ${String(p.decided_by)}.`);
    const statementId = p.statement_id;
    const taxonomy = p.taxonomy;
    const cur = await queryRow(
      tx,
      classifications.row.pick({ code: true }),
      'SELECT code FROM classifications WHERE statement_id = $1 AND taxonomy = $2 AND is_current',
      [statementId, taxonomy],
      'current label',
    );
    let labelId: number | null = null;
    if (action === 'accept') {
      const by = p.username ? `proposed by ${p.username}` : 'proposed by a reader';
      labelId = await writeHumanLabel(tx, registry, {
        statementId,
        taxonomy,
        code: p.code,
        reviewer: who.username,
        status: 'corrected',
        reasoning: `${p.reason} (${by})`,
      });
    }
    await tx.query(`UPDATE review_proposals SET status = $2, decided_by = $3, decided_at = now(), label_id = $4 WHERE id = $1`, [
      id,
      action === 'accept' ? 'accepted' : 'rejected',
      who.username,
      labelId,
    ]);
    await recordAudit(tx, {
      actorId: who.id,
      actorName: who.username,
      action: `review.proposal.${action}`,
      targetType: 'statement',
      targetId: statementId,
      before: { taxonomy, code: cur?.code ?? null, proposal: id },
      after: action === 'accept' ? { taxonomy, code: p.code, labelId } : { taxonomy, code: cur?.code ?? null },
      detail: `proposal ${id} (${p.origin}${p.username ? ' ' + p.username : ''}): ${p.code}`,
    });
    const row = await queryRow(tx, ListedProposal, `${LIST_SQL} WHERE p.id = $1`, [id], 'proposal');
    return toProposal(row!);
  });
}

/** What the suggestion form shows about a statement: its kind, title and current codes. */
export async function statementForSuggest(
  db: Db,
  id: string,
): Promise<{ id: string; kind: string; title: string; retired: boolean; current: Map<string, string> } | undefined> {
  const st = await queryRow(
    db,
    statements.row.pick({ id: true, kind: true, name: true, text: true }).extend({ retired: bool().schema }),
    'SELECT id, kind, name, left(text, 300) AS text, retired_at IS NOT NULL AS retired FROM statements WHERE id = $1',
    [id],
    'statement',
  );
  if (!st) return undefined;
  const labels = await queryRows(
    db,
    classifications.row.pick({ taxonomy: true, code: true }),
    'SELECT taxonomy, code FROM classifications WHERE statement_id = $1 AND is_current',
    [id],
    'current labels',
  );
  return { id: st.id, kind: st.kind, title: st.name || st.text, retired: st.retired, current: new Map(labels.map((l) => [l.taxonomy, l.code])) };
}
