// Reading the feedback readers sent (the admin list). Writing stays with the feedback form.
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
