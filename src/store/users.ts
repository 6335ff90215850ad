// Accounts: create, find, change role, disable, reset passwords, and the per-account sign-in
// throttle. Every change that matters is written to the audit log in the same transaction.
import type { z } from 'zod';
import { hashPassword, checkPasswordPolicy, DEFAULT_SCRYPT, type ScryptParams } from '../auth/password.ts';
import { isRole, ROLES, type Role, type SessionUser } from '../auth/roles.ts';
import { recordAudit, type Actor } from './audit.ts';
import type { Db } from './db.ts';
import { queryRow, queryRows } from './schema/columns.ts';
import { users } from './schema/tables.ts';

export type { Role, SessionUser };

export interface UserRow extends SessionUser {
  passwordHash: string | null;
  disabledAt: Date | null;
  failedSignins: number;
  lockedUntil: Date | null;
  oidcIssuer: string | null;
  oidcSubject: string | null;
  createdAt: Date;
  lastSigninAt: Date | null;
}

export class UserError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

const COLS = `id, username, display_name, role, password_hash, disabled_at, failed_signins, locked_until,
  oidc_issuer, oidc_subject, created_at, last_signin_at`;

const RawUser = users.row.pick({
  id: true,
  username: true,
  display_name: true,
  role: true,
  password_hash: true,
  disabled_at: true,
  failed_signins: true,
  locked_until: true,
  oidc_issuer: true,
  oidc_subject: true,
  created_at: true,
  last_signin_at: true,
});
type RawRow = z.infer<typeof RawUser>;

function toUser(r: RawRow): UserRow {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    passwordHash: r.password_hash,
    disabledAt: r.disabled_at ? new Date(r.disabled_at) : null,
    failedSignins: r.failed_signins,
    lockedUntil: r.locked_until ? new Date(r.locked_until) : null,
    oidcIssuer: r.oidc_issuer,
    oidcSubject: r.oidc_subject,
    createdAt: new Date(r.created_at),
    lastSigninAt: r.last_signin_at ? new Date(r.last_signin_at) : null,
  };
}

export function sessionUser(u: UserRow): SessionUser {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role };
}

/** Usernames are compared case-insensitively: stored in lower case. */
export function normaliseUsername(name: string): string {
  return name.trim().toLowerCase();
}

export function checkUsername(name: string): string {
  const u = normaliseUsername(name);
  if (!/^[a-z0-9][a-z0-9._@-]{1,99}$/.test(u))
    throw new UserError(
      `Username "${name.slice(0, 40)}" is not valid: use 2 to 100 letters, digits and . _ @ - (starting with a letter or digit).`,
      'username',
    );
  return u;
}

function checkRole(role: unknown): Role {
  if (!isRole(role)) throw new UserError(`Role "${String(role)}" is not one of: ${ROLES.join(', ')}.`, 'role');
  return role;
}

export interface NewUser {
  username: string;
  /** Omit for accounts that sign in only through OpenID Connect. */
  password?: string;
  role: Role;
  displayName?: string;
  oidcIssuer?: string;
  oidcSubject?: string;
}

/** Create an account (recorded in the audit log). Throws UserError on bad input or a taken name. */
export async function createUser(
  db: Db,
  input: NewUser,
  actor: Actor = { id: null, name: 'system' },
  opts: { scrypt?: ScryptParams } = {},
): Promise<SessionUser> {
  const username = checkUsername(input.username);
  const role = checkRole(input.role);
  let hash: string | null = null;
  if (input.password !== undefined) {
    const bad = checkPasswordPolicy(input.password);
    if (bad) throw new UserError(bad, 'password');
    hash = await hashPassword(input.password, opts.scrypt ?? DEFAULT_SCRYPT);
  } else if (!input.oidcSubject) throw new UserError('An account needs a password or an OpenID Connect subject.', 'password');
  const displayName = (input.displayName ?? '').trim().slice(0, 200) || username;
  return db.transaction(async (tx) => {
    const taken = await tx.query('SELECT 1 FROM users WHERE username = $1', [username]);
    if (taken.length) throw new UserError(`The username "${username}" is already taken.`, 'username');
    const row = await queryRow(
      tx,
      RawUser,
      `INSERT INTO users (username, display_name, role, password_hash, password_changed_at, oidc_issuer, oidc_subject)
       VALUES ($1, $2, $3, $4, CASE WHEN $4::text IS NULL THEN NULL ELSE now() END, $5, $6) RETURNING ${COLS}`,
      [username, displayName, role, hash, input.oidcIssuer ?? null, input.oidcSubject ?? null],
      'new user',
    );
    const u = toUser(row!);
    await recordAudit(tx, {
      actorId: actor.id,
      actorName: actor.name,
      action: 'user.create',
      targetType: 'user',
      targetId: username,
      after: { username, displayName, role, oidc: !!input.oidcSubject },
    });
    return sessionUser(u);
  });
}

export async function findUserByName(db: Db, username: string): Promise<UserRow | null> {
  const r = await queryRow(db, RawUser, `SELECT ${COLS} FROM users WHERE username = $1`, [normaliseUsername(username)], 'user by name');
  return r ? toUser(r) : null;
}

export async function findUserById(db: Db, id: number): Promise<UserRow | null> {
  const r = await queryRow(db, RawUser, `SELECT ${COLS} FROM users WHERE id = $1`, [id], 'user by id');
  return r ? toUser(r) : null;
}

export async function findUserByOidc(db: Db, issuer: string, subject: string): Promise<UserRow | null> {
  const r = await queryRow(db, RawUser, `SELECT ${COLS} FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2`, [issuer, subject], 'user by OpenID subject');
  return r ? toUser(r) : null;
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return (await queryRows(db, RawUser, `SELECT ${COLS} FROM users ORDER BY username`, [], 'users')).map(toUser);
}

/** Is there at least one enabled admin? (When not, the admin secret may create the first one.) */
export async function hasActiveAdmin(db: Db): Promise<boolean> {
  const r = await db.query(`SELECT 1 FROM users WHERE role = 'admin' AND disabled_at IS NULL LIMIT 1`);
  return r.length > 0;
}

async function mustFind(tx: Db, username: string): Promise<UserRow> {
  const r = await queryRow(tx, RawUser, `SELECT ${COLS} FROM users WHERE username = $1 FOR UPDATE`, [normaliseUsername(username)], 'user by name');
  if (!r) throw new UserError(`No account is called "${username.slice(0, 100)}".`, 'username');
  return toUser(r);
}

/** Change an account's role; returns the role before. */
export async function setRole(db: Db, username: string, role: Role, actor: Actor): Promise<Role> {
  const next = checkRole(role);
  return db.transaction(async (tx) => {
    const u = await mustFind(tx, username);
    if (u.role === 'admin' && next !== 'admin' && !u.disabledAt) await keepOneAdmin(tx, u.id);
    await tx.query('UPDATE users SET role = $2, updated_at = now() WHERE id = $1', [u.id, next]);
    await recordAudit(tx, {
      actorId: actor.id,
      actorName: actor.name,
      action: 'user.set-role',
      targetType: 'user',
      targetId: u.username,
      before: { role: u.role },
      after: { role: next },
    });
    return u.role;
  });
}

async function keepOneAdmin(tx: Db, exceptId: number): Promise<void> {
  const r = await tx.query(`SELECT 1 FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1 LIMIT 1`, [exceptId]);
  if (!r.length) throw new UserError('This is the last enabled admin account; make another admin first.', 'role');
}

/** Disable (or enable again) an account. Disabling ends all its sessions at once. */
export async function setDisabled(db: Db, username: string, disabled: boolean, actor: Actor): Promise<void> {
  await db.transaction(async (tx) => {
    const u = await mustFind(tx, username);
    if (disabled && u.role === 'admin' && !u.disabledAt) await keepOneAdmin(tx, u.id);
    await tx.query(`UPDATE users SET disabled_at = ${disabled ? 'coalesce(disabled_at, now())' : 'NULL'}, updated_at = now() WHERE id = $1`, [u.id]);
    if (disabled) await tx.query('DELETE FROM sessions WHERE user_id = $1', [u.id]);
    await recordAudit(tx, {
      actorId: actor.id,
      actorName: actor.name,
      action: disabled ? 'user.disable' : 'user.enable',
      targetType: 'user',
      targetId: u.username,
      before: { disabled: !!u.disabledAt },
      after: { disabled },
    });
  });
}

/** Set a new password; ends every session of the account and clears its lockout. */
export async function resetPassword(db: Db, username: string, password: string, actor: Actor, opts: { scrypt?: ScryptParams } = {}): Promise<void> {
  const bad = checkPasswordPolicy(password);
  if (bad) throw new UserError(bad, 'password');
  const hash = await hashPassword(password, opts.scrypt ?? DEFAULT_SCRYPT);
  await db.transaction(async (tx) => {
    const u = await mustFind(tx, username);
    await tx.query(
      `UPDATE users SET password_hash = $2, password_changed_at = now(), failed_signins = 0, locked_until = NULL, updated_at = now() WHERE id = $1`,
      [u.id, hash],
    );
    await tx.query('DELETE FROM sessions WHERE user_id = $1', [u.id]);
    await recordAudit(tx, { actorId: actor.id, actorName: actor.name, action: 'user.reset-password', targetType: 'user', targetId: u.username });
  });
}

/** Replace the stored hash (stronger parameters at sign-in); not audited, the password is the same. */
export async function updatePasswordHash(db: Db, userId: number, hash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, hash]);
}

/** Count a failed sign-in; after `max` in a row the account is locked for `lockMinutes`. Returns the lock end, if any. */
export async function noteFailedSignin(db: Db, userId: number, max: number, lockMinutes: number): Promise<Date | null> {
  // a lockout that has run out starts the count afresh
  await db.query('UPDATE users SET failed_signins = 0, locked_until = NULL WHERE id = $1 AND locked_until <= now()', [userId]);
  const r = await queryRow(
    db,
    users.row.pick({ locked_until: true }),
    `UPDATE users SET failed_signins = failed_signins + 1,
       locked_until = CASE WHEN failed_signins + 1 >= $2 THEN now() + make_interval(mins => $3::int) ELSE locked_until END
     WHERE id = $1 RETURNING locked_until`,
    [userId, max, lockMinutes],
    'failed sign-in',
  );
  return r?.locked_until ? new Date(r.locked_until) : null;
}

export async function noteSuccessfulSignin(db: Db, userId: number): Promise<void> {
  await db.query('UPDATE users SET failed_signins = 0, locked_until = NULL, last_signin_at = now() WHERE id = $1', [userId]);
}
