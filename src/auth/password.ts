// Password hashing with scrypt from node:crypto. Each hash records its own parameters
// (scrypt$<log2 N>$<r>$<p>$<salt>$<key>, salt and key in base64url), so the defaults can be raised
// later: a hash made with weaker parameters still verifies, and `needsRehash` tells the sign-in
// to store a new one. Passwords are never logged or stored in clear.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

/** The current parameters: N = 2^15, r = 8, p = 1 (32 MiB of memory per hash). */
export const DEFAULT_SCRYPT: ScryptParams = { logN: 15, r: 8, p: 1 };
const KEY_BYTES = 32;
const SALT_BYTES = 16;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

function scrypt(password: string, salt: Buffer, keylen: number, o: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, o, (e, k) => (e ? reject(e) : resolve(k))));
}

function options(p: ScryptParams): ScryptOptions {
  const N = 2 ** p.logN;
  // scrypt needs about 128 * N * r bytes; allow that plus headroom
  return { N, r: p.r, p: p.p, maxmem: 128 * N * p.r * 2 + 1024 * 1024 };
}

/** A password we accept: long enough, not absurdly long (scrypt time), no NUL. */
export function checkPasswordPolicy(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `The password must have at most ${MAX_PASSWORD_LENGTH} characters.`;
  if (password.includes('\0')) return 'The password must not contain NUL characters.';
  return null;
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password.normalize('NFC'), salt, KEY_BYTES, options(params));
  return ['scrypt', params.logN, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export interface ParsedHash extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

export function parseHash(stored: string): ParsedHash | null {
  const m = /^scrypt\$(\d{1,2})\$(\d{1,3})\$(\d{1,3})\$([\w-]{16,})\$([\w-]{16,})$/.exec(stored);
  if (!m) return null;
  const logN = Number(m[1]);
  const r = Number(m[2]);
  const p = Number(m[3]);
  if (logN < 10 || logN > 22 || r < 1 || r > 32 || p < 1 || p > 16) return null;
  return { logN, r, p, salt: Buffer.from(m[4]!, 'base64url'), key: Buffer.from(m[5]!, 'base64url') };
}

/** True when the password matches the stored hash (constant-time comparison of the keys). */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const h = stored ? parseHash(stored) : null;
  if (!h) {
    // Spend the same time as a real check, so unknown accounts cannot be told apart by timing.
    await scrypt(password.normalize('NFC'), DUMMY_SALT, KEY_BYTES, options(DEFAULT_SCRYPT));
    return false;
  }
  const key = await scrypt(password.normalize('NFC'), h.salt, h.key.length, options(h));
  return key.length === h.key.length && timingSafeEqual(key, h.key);
}
const DUMMY_SALT = randomBytes(SALT_BYTES);

/** True when the hash was made with weaker parameters than `current` (store a new one at sign-in). */
export function needsRehash(stored: string, current: ScryptParams = DEFAULT_SCRYPT): boolean {
  const h = parseHash(stored);
  if (!h) return true;
  return h.logN < current.logN || h.r < current.r || h.p < current.p || h.key.length < KEY_BYTES;
}
