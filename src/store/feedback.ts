// The feedback readers send: saving a validated message, and reading them back (the admin list).
import type { Db } from './db.ts';

export interface FeedbackRow {
  id: number;
  page: string;
  kind: string;
  message: string;
  email: string | null;
  status: string;
  created_at: Date;
}

/** One page of feedback, newest first, with the total count. */
export async function listFeedback(db: Db, page: number, per: number): Promise<{ total: number; rows: FeedbackRow[] }> {
  const p = Math.max(1, Math.min(1_000_000, Math.trunc(page) || 1));
  const n = Math.max(1, Math.min(1000, Math.trunc(per) || 100));
  const [{ total }] = (await db.query<{ total: number }>('SELECT count(*)::int AS total FROM feedback')) as [{ total: number }];
  const rows = await db.query<FeedbackRow>(
    'SELECT id, page, kind, message, email, status, created_at FROM feedback ORDER BY id DESC LIMIT $1 OFFSET $2',
    [n, (p - 1) * n],
  );
  return { total, rows };
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
