// Request body limits enforced while the bytes arrive: the body is read chunk by chunk and the
// request is answered 413 as soon as it passes the limit, whatever Content-Length says (or when a
// chunked body has none). The bytes read so far are dropped and the connection is closed, so a
// client cannot make the server hold or read an unbounded body.
import type { Context } from 'hono';
import type { AppEnv } from '../web/context.ts';
import { ignoreWhile } from '../util/errors.ts';

/** Default limit for any request body (forms are small). */
export const DEFAULT_MAX_BODY = 64 * 1024;

const LIMITS: [RegExp, number][] = [
  [/^\/feedback$/, 16 * 1024],
  [/^\/(signin|signout|admin\/login|admin\/logout|admin\/setup)(\/|$)/, 8 * 1024],
];

/** The body limit of a path: small for sign-in and feedback, DEFAULT_MAX_BODY otherwise. */
export function maxBodyBytes(path: string): number {
  for (const [re, n] of LIMITS) if (re.test(path)) return n;
  return DEFAULT_MAX_BODY;
}

function tooLarge(c: Context<AppEnv>, max: number): Response {
  c.header('Connection', 'close');
  c.header('Cache-Control', 'no-store');
  return c.text(`The request body is larger than this address accepts (${Math.round(max / 1024)} KB).`, 413);
}

/**
 * Read the body with a limit. Returns a 413 response when it is too large (the caller returns it);
 * otherwise replaces the request with one holding the bytes read, and returns undefined.
 */
export async function limitBody(c: Context<AppEnv>, max: number): Promise<Response | undefined> {
  const raw = c.req.raw;
  const declared = raw.headers.get('content-length');
  if (declared !== null && !raw.headers.has('transfer-encoding')) {
    const n = Number(declared);
    if (!Number.isFinite(n) || n < 0) return c.text('Content-Length is not a number.', 400);
    if (n > max) return tooLarge(c, max);
  }
  // Already read by an earlier middleware: only possible under a declared length checked above
  // (the HTTP parser never delivers more bytes than Content-Length says).
  if (!raw.body || raw.bodyUsed) return undefined;
  const reader = raw.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      chunks.length = 0;
      // stop reading: the rest of the body is never pulled from the socket
      reader.cancel().catch(ignoreWhile('cancelling an over-limit request body'));
      return tooLarge(c, max);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    body.set(ch, at);
    at += ch.byteLength;
  }
  c.req.raw = new Request(raw, { body });
  return undefined;
}
