// Signing in and out: password checks with lockouts (per account in the database, per address
// and per unknown name in memory), session start with a new id every time (no session fixation),
// and the audit entries for each.
import { createHash, randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppContext, AppEnv } from '../web/context.ts';
import { clientAddress } from '../web/client-address.ts';
import { FailureLockout } from '../web/rate-limit.ts';
import { recordAudit } from '../store/audit.ts';
import { createSession, deleteSession, purgeExpiredSessions } from '../store/sessions.ts';
import { findUserByName, noteFailedSignin, noteSuccessfulSignin, normaliseUsername, sessionUser, updatePasswordHash } from '../store/users.ts';
import { currentUser, rotateCsrf, secureCookies, SESSION_COOKIE } from './index.ts';
import { hashPassword, needsRehash, verifyPassword } from './password.ts';
import type { SessionUser } from './roles.ts';
import { authSettings, type AuthSettings } from './settings.ts';

export type SigninOutcome =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; until: Date; scope: 'account' | 'address' };

/** The client's address: the TCP peer, or the address behind trusted proxies (config trustProxy). */
export function remoteAddress(c: Context<AppEnv>): string {
  return clientAddress(c);
}

export class Signin {
  readonly settings: AuthSettings;
  /** Failures per address: a larger budget than per account, since an address may be shared (NAT). */
  readonly byAddress: FailureLockout;
  /** Failures per account name that has no account (so unknown names behave like real ones). */
  readonly byUnknownName: FailureLockout;
  private readonly salt = randomBytes(16).toString('hex');

  constructor(private readonly ctx: AppContext) {
    this.settings = authSettings(ctx.config);
    const lockMs = this.settings.lockMinutes * 60_000;
    this.byAddress = new FailureLockout(this.settings.maxFailedSignins * 4, lockMs);
    this.byUnknownName = new FailureLockout(this.settings.maxFailedSignins, lockMs);
  }

  /** A stable, non-reversible key for the client's address (raw addresses are never stored). */
  clientKey(c: Context<AppEnv>): string {
    return createHash('sha256').update(this.salt + '|' + remoteAddress(c)).digest('hex').slice(0, 24);
  }

  /** Check a username and password, counting failures and honouring lockouts. */
  async checkPassword(c: Context<AppEnv>, username: string, password: string): Promise<SigninOutcome> {
    const db = this.ctx.store.db;
    const addr = 'addr:' + this.clientKey(c);
    const name = normaliseUsername(username).slice(0, 100);
    const addrLock = this.byAddress.lockedUntil(addr);
    if (addrLock) return { ok: false, reason: 'locked', until: new Date(addrLock), scope: 'address' };
    const user = name ? await findUserByName(db, name) : null;
    const nameLock = user ? (user.lockedUntil && user.lockedUntil > new Date() ? user.lockedUntil.getTime() : 0) : this.byUnknownName.lockedUntil(name);
    if (nameLock) return { ok: false, reason: 'locked', until: new Date(nameLock), scope: 'account' };
    const good = await verifyPassword(password, user && !user.disabledAt ? user.passwordHash : null);
    if (!good || !user || user.disabledAt) {
      const a = this.byAddress.fail(addr);
      let locked = 0;
      if (user) {
        locked = await db.transaction(async (tx) => {
          const until = await noteFailedSignin(tx, user.id, this.settings.maxFailedSignins, this.settings.lockMinutes);
          const lock = until && until > new Date() ? until.getTime() : 0;
          await recordAudit(tx, {
            actorId: null,
            actorName: 'anonymous',
            action: lock ? 'signin.locked' : 'signin.fail',
            targetType: 'user',
            targetId: user.username,
            clientHash: this.clientKey(c),
          });
          return lock;
        });
      } else locked = this.byUnknownName.fail(name);
      if (locked) return { ok: false, reason: 'locked', until: new Date(locked), scope: 'account' };
      if (a) return { ok: false, reason: 'locked', until: new Date(a), scope: 'address' };
      return { ok: false, reason: 'invalid' };
    }
    if (needsRehash(user.passwordHash!)) await updatePasswordHash(db, user.id, await hashPassword(password));
    return { ok: true, user: sessionUser(user) };
  }

  /**
   * Sign the browser in as `user`: any session it had is ended, a new random id is issued (so an id
   * known before sign-in is worthless after it), the CSRF seed is renewed, and the sign-in audited.
   */
  async startSession(c: Context<AppEnv>, user: SessionUser, method: 'password' | 'oidc' | 'bootstrap'): Promise<void> {
    const db = this.ctx.store.db;
    const old = getCookie(c, SESSION_COOKIE);
    if (old) await deleteSession(db, old);
    await purgeExpiredSessions(db, this.settings); // housekeeping: expired rows are refused anyway
    const s = await createSession(db, user.id, this.settings, { clientHash: this.clientKey(c), userAgent: c.req.header('user-agent') });
    setCookie(c, SESSION_COOKIE, s.id, {
      path: '/',
      httpOnly: true,
      secure: secureCookies(c),
      sameSite: 'Lax',
      maxAge: Math.round(this.settings.absoluteHours * 3600),
    });
    rotateCsrf(c);
    this.byAddress.clear('addr:' + this.clientKey(c));
    await db.transaction(async (tx) => {
      await noteSuccessfulSignin(tx, user.id);
      await recordAudit(tx, { actorId: user.id, action: 'signin.ok', targetType: 'user', targetId: user.username, detail: method, clientHash: this.clientKey(c) });
    });
    c.set('user', user);
    c.set('sessionId', s.id);
  }

  /** End this browser's session (the row is deleted: the cookie is worthless even if kept). */
  async signOut(c: Context<AppEnv>): Promise<void> {
    const db = this.ctx.store.db;
    const sid = getCookie(c, SESSION_COOKIE);
    const user = currentUser(c);
    if (sid) await deleteSession(db, sid);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureCookies(c) });
    rotateCsrf(c);
    if (user) await recordAudit(db, { actorId: user.id, action: 'signout', targetType: 'user', targetId: user.username });
    c.set('user', null);
  }
}
