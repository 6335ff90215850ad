// The audit log: every decision, role change, proposal and sign-in, with who, when, what, and the
// state before and after. Append-only (a database trigger refuses UPDATE and DELETE). Writers call
// recordAudit inside the same transaction as the change they record.
import type { Db } from './db.ts';
import { queryRows } from './schema/columns.ts';
import { auditLog } from './schema/tables.ts';

/** Who did it: an account (id and username) or a named non-account actor ('system', 'cli:<user>'). */
export interface Actor {
  id: number | null;
  name: string;
}

export interface AuditInput {
  actorId: number | null;
  /** The actor's name at the time; looked up from actorId when omitted ('system' without one). */
  actorName?: string;
  /** Dotted verb, e.g. 'user.create', 'signin.ok', 'signin.fail', 'review.accept'. */
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  detail?: string;
  clientHash?: string;
}

export interface AuditEntry {
  id: number;
  at: Date;
  actorId: number | null;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  detail: string | null;
}

export async function recordAudit(db: Db, e: AuditInput): Promise<void> {
  if (!e.action || !e.targetType || e.targetId === undefined || e.targetId === null)
    throw new Error('recordAudit needs an action, a target type and a target id.');
  const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
  await db.query(
    `INSERT INTO audit_log (actor_id, actor, action, target_type, target_id, before, after, detail, client_hash)
     VALUES ($1, coalesce($2, (SELECT username FROM users WHERE id = $1), 'system'), $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9)`,
    [e.actorId, e.actorName ?? null, e.action, e.targetType, String(e.targetId), json(e.before), json(e.after), e.detail ?? null, e.clientHash ?? null],
  );
}

export interface AuditQuery {
  targetType?: string;
  targetId?: string;
  actorId?: number;
  action?: string;
  /** Entries with an id greater than this (paging forward, exports). */
  after?: number;
  /** Entries with an id lower than this (paging backward, newest first). */
  before?: number;
  /** Default 100, at most 10,000. */
  limit?: number;
  /** 'asc' (oldest first, default) or 'desc'. */
  order?: 'asc' | 'desc';
}

const AuditRow = auditLog.row.omit({ client_hash: true });

export async function listAudit(db: Db, q: AuditQuery = {}): Promise<AuditEntry[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.targetType !== undefined) add('target_type = ?', q.targetType);
  if (q.targetId !== undefined) add('target_id = ?', q.targetId);
  if (q.actorId !== undefined) add('actor_id = ?', q.actorId);
  if (q.action !== undefined) add('action = ?', q.action);
  if (q.after !== undefined) add('id > ?', q.after);
  if (q.before !== undefined) add('id < ?', q.before);
  const limit = Math.max(1, Math.min(10_000, Math.trunc(q.limit ?? 100) || 100));
  const rows = await queryRows(
    db,
    AuditRow,
    `SELECT id, at, actor_id, actor, action, target_type, target_id, before, after, detail FROM audit_log
     ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id ${q.order === 'desc' ? 'DESC' : 'ASC'} LIMIT ${limit}`,
    params,
    'audit log',
  );
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actorId: r.actor_id,
    actor: r.actor,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    before: r.before ?? null,
    after: r.after ?? null,
    detail: r.detail,
  }));
}

/** The history of one statement (every audited change to it and its labels), oldest first. */
export async function statementHistory(db: Db, statementId: string): Promise<AuditEntry[]> {
  return listAudit(db, { targetType: 'statement', targetId: statementId, limit: 10_000 });
}

/** Every entry in id order, in pages (exports never hold the whole log in memory). */
export async function* iterateAudit(db: Db, pageSize = 1000): AsyncGenerator<AuditEntry> {
  let after = 0;
  for (;;) {
    const page = await listAudit(db, { after, limit: pageSize });
    for (const e of page) yield e;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.id;
  }
}
