// Server-side sessions. The browser holds a random id; the table holds only its SHA-256, the
// account, when it started, when it was last used and when it must end. A session ends at its
// absolute expiry, after the idle limit without use, at sign-out, or when its account is
// disabled or its password reset (see users.ts).
import { createHash, randomBytes } from 'node:crypto';
import type { SessionUser } from '../auth/roles.ts';
import type { Db } from './db.ts';
import { bool, int, queryRow, row } from './schema/columns.ts';
import { serverSecrets, sessions, users } from './schema/tables.ts';

const LiveSession = users.row
  .pick({ id: true, username: true, display_name: true, role: true })
  .extend({ expires_at: sessions.columns.expires_at.schema, stale: bool().schema });

export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

export interface SessionLimits {
  /** Minutes without a request after which the session ends. */
  idleMinutes: number;
  /** Hours after sign-in at which the session ends whatever happens. */
  absoluteHours: number;
}

export interface NewSession {
  /** The cookie value (never stored). */
  id: string;
  expiresAt: Date;
}

/** Start a session for an account; returns the id for the cookie. */
export async function createSession(
  db: Db,
  userId: number,
  limits: SessionLimits,
  meta: { clientHash?: string; userAgent?: string } = {},
): Promise<NewSession> {
  const id = randomBytes(32).toString('base64url');
  const r = await queryRow(
    db,
    sessions.row.pick({ expires_at: true }),
    `INSERT INTO sessions (id_hash, user_id, expires_at, client_hash, user_agent)
     VALUES ($1, $2, now() + make_interval(mins => $3::int), $4, $5) RETURNING expires_at`,
    [hashSessionId(id), userId, Math.round(limits.absoluteHours * 60), meta.clientHash ?? null, meta.userAgent?.slice(0, 300) ?? null],
    'new session',
  );
  return { id, expiresAt: r!.expires_at };
}

export interface LoadedSession {
  user: SessionUser;
  idHash: string;
  expiresAt: Date;
}

/**
 * The account of a live session, or null (unknown id, expired, idle too long, account disabled).
 * Refreshes last_seen_at at most once a minute so reads do not write on every request.
 */
export async function loadSession(db: Db, id: string, limits: SessionLimits): Promise<LoadedSession | null> {
  if (!id || id.length > 200) return null;
  const idHash = hashSessionId(id);
  const r = await queryRow(
    db,
    LiveSession,
    `SELECT u.id, u.username, u.display_name, u.role, s.expires_at, s.last_seen_at < now() - interval '1 minute' AS stale
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL
        AND s.last_seen_at > now() - make_interval(mins => $2::int)`,
    [idHash, Math.round(limits.idleMinutes)],
    'session',
  );
  if (!r) return null;
  if (r.stale) await db.query('UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1', [idHash]);
  return { user: { id: r.id, username: r.username, displayName: r.display_name, role: r.role }, idHash, expiresAt: r.expires_at };
}

/** End one session (sign-out); true when it existed. */
export async function deleteSession(db: Db, id: string): Promise<boolean> {
  const r = await db.query('DELETE FROM sessions WHERE id_hash = $1 RETURNING user_id', [hashSessionId(id)]);
  return r.length > 0;
}

export async function deleteUserSessions(db: Db, userId: number): Promise<number> {
  return (await db.query('DELETE FROM sessions WHERE user_id = $1 RETURNING 1', [userId])).length;
}

/** Remove sessions past their absolute or idle end (housekeeping; they are refused anyway). */
export async function purgeExpiredSessions(db: Db, limits: SessionLimits): Promise<number> {
  const r = await db.query(
    `DELETE FROM sessions WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(mins => $1::int) RETURNING 1`,
    [Math.round(limits.idleMinutes)],
  );
  return r.length;
}

export async function countSessions(db: Db, userId: number): Promise<number> {
  const r = await queryRow(db, row({ n: int() }), 'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1', [userId], 'sessions of a user');
  return r?.n ?? 0;
}

/** A random server key by name, made on first use and shared by every process on this database. */
export async function serverSecret(db: Db, name: string): Promise<string> {
  await db.query('INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, randomBytes(32).toString('base64url')]);
  const r = await queryRow(db, serverSecrets.row.pick({ value: true }), 'SELECT value FROM server_secrets WHERE name = $1', [name], 'server secret');
  return r!.value;
}
