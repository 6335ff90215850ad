// Paging cursors of search that the server signs: base64url(JSON state) "." HMAC-SHA256 tag. A
// cursor someone edited or made up is refused (400) before it reaches a query. The key comes from
// configuration (`cursorSecret`, GOVNAV_CURSOR_SECRET; set the same one on every web process of a
// deployment) or is generated once into the data directory (search-cursor.key).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class CursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CursorError';
  }
}

export interface CursorState {
  /** Offset of the next page. */
  o: number;
}

const keys = new Map<string, Buffer>();

/** The signing key: configured, else read from (or generated into) the data directory. */
export function cursorKey(opts: { secret?: string; dataDir?: string }): Buffer {
  if (opts.secret) return Buffer.from(opts.secret, 'utf8');
  const dir = opts.dataDir ?? '';
  const known = keys.get(dir);
  if (known) return known;
  let key: Buffer;
  if (!dir) key = randomBytes(32);
  else {
    const file = join(dir, 'search-cursor.key');
    if (existsSync(file)) key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
    else {
      key = randomBytes(32);
      try {
        mkdirSync(dir, { recursive: true });
        writeFileSync(file, key.toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
      } catch (e) {
        // Another process wrote it first: use theirs.
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
        else throw e;
      }
    }
    if (key.length < 16) throw new Error(`${file} holds no usable key; delete it to have a new one made`);
  }
  keys.set(dir, key);
  return key;
}

function tag(key: Buffer, payload: string, fingerprint: string): string {
  return createHmac('sha256', key).update(payload).update('\u0000').update(fingerprint).digest('base64url').slice(0, 22);
}

/** A cursor for `state`, bound to the query (`fingerprint`: route and canonical parameters). */
export function signCursor(key: Buffer, state: CursorState, fingerprint: string): string {
  const payload = Buffer.from(JSON.stringify({ o: state.o })).toString('base64url');
  return `${payload}.${tag(key, payload, fingerprint)}`;
}

/** The state of a cursor this server issued for this query; CursorError otherwise. */
export function verifyCursor(key: Buffer, raw: string, fingerprint: string, maxOffset: number): CursorState {
  const m = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{22})$/.exec(raw);
  if (!m) throw new CursorError('is not a cursor returned by this server (use the `next` value of the previous page)');
  const expected = Buffer.from(tag(key, m[1]!, fingerprint));
  const given = Buffer.from(m[2]!);
  if (!timingSafeEqual(expected, given))
    throw new CursorError('was not issued by this server for this query (keep every other parameter unchanged while paging)');
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('is damaged');
  }
  const o = (v as { o?: unknown } | null)?.o;
  if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0 || o > maxOffset) throw new CursorError('is damaged');
  return { o };
}
