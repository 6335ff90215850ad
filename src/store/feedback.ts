// The feedback readers send: saving a validated message, and reading them back (the admin list).
import type { Db } from './db.ts';
import type { z } from 'zod';
import { int, queryRow, queryRows, row } from './schema/columns.ts';
import { feedback } from './schema/tables.ts';

const FeedbackItem = feedback.row.pick({ id: true, page: true, kind: true, message: true, email: true, status: true, created_at: true });
export type FeedbackRow = z.infer<typeof FeedbackItem>;

/** One page of feedback, newest first, with the total count. */
export async function listFeedback(db: Db, page: number, per: number): Promise<{ total: number; rows: FeedbackRow[] }> {
  const p = Math.max(1, Math.min(1_000_000, Math.trunc(page) || 1));
  const n = Math.max(1, Math.min(1000, Math.trunc(per) || 100));
  const counted = await queryRow(db, row({ total: int() }), 'SELECT count(*)::int AS total FROM feedback', [], 'feedback count');
  const rows = await queryRows(
    db,
    FeedbackItem,
    'SELECT id, page, kind, message, email, status, created_at FROM feedback ORDER BY id DESC LIMIT $1 OFFSET $2',
    [n, (p - 1) * n],
    'feedback',
  );
  return { total: counted?.total ?? 0, rows };
}

/** Saves one validated feedback message (the form has already checked and rate-limited it). */
export async function saveFeedback(
  db: Db,
  fb: { page: string; kind: string; message: string; email?: string | null; clientHash: string; userAgent?: string },
): Promise<void> {
  await db.query(
    `INSERT INTO feedback (page, kind, message, email, client_hash, user_agent) VALUES ($1, $2, $3, $4, $5, $6)`,
    [fb.page, fb.kind, fb.message, fb.email ?? null, fb.clientHash, (fb.userAgent ?? '').slice(0, 300) || null],
  );
}
