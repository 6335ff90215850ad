// Input checks shared by every route, run before any handler: bad input is a clear 400 (or a 403
// for a write from another origin), never a crash deeper down that becomes a 500.
//
// - NUL bytes in the path, in any query parameter (name or value) or in a URL-encoded form field:
//   PostgreSQL text cannot hold them, so they would fail in the database.
// - An `Origin` header on a write that is not a parseable http(s) origin (`Origin: null` from a
//   sandboxed frame or a file:// page) is refused like any other foreign origin.
// - Numbers in the parameters that pages read as integers (page, year, limit, …) must be whole
//   numbers in a sane range; `page=1e20` is a 400 naming the parameter.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';

/** Integer parameters and their allowed range, for every route that reads them. */
export const INTEGER_PARAMS: Record<string, [number, number]> = {
  page: [1, 100_000],
  year: [0, 9999],
  year_from: [0, 9999],
  year_to: [0, 9999],
  limit: [1, 100_000],
};

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/** Forms read in the middleware only when small and declared (bigger bodies are the route's and its limit's business). */
const MAX_CHECKED_FORM_BYTES = 64 * 1024;

export class BadInput extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'BadInput';
  }
}

/** The problem with one query or form parameter, or undefined when it is acceptable. */
export function paramProblem(name: string, value: string): string | undefined {
  if (name.includes('\u0000')) return 'a parameter name contains a NUL byte';
  if (value.includes('\u0000')) return 'contains a NUL byte';
  const range = Object.hasOwn(INTEGER_PARAMS, name) ? INTEGER_PARAMS[name] : undefined;
  // Only numbers are checked here: a number out of range (1e20, 99999999999999999999) would fail in
  // the database. Other text is the route's business (`page` on /feedback is a path, not a number).
  if (range && NUMBER.test(value)) {
    const n = Number(value);
    if (!Number.isInteger(n) || n < range[0] || n > range[1]) return `must be a whole number from ${range[0]} to ${range[1]}`;
  }
  return undefined;
}

/** Throws BadInput for the first bad parameter of a parsed query string or form. */
export function checkParams(params: URLSearchParams): void {
  for (const [k, v] of params) {
    const p = paramProblem(k, v);
    if (p) throw new BadInput(k.replace(/\u0000/g, '\\0'), `Parameter "${k.replace(/\u0000/g, '\\0').slice(0, 40)}": ${p}.`);
  }
}

/** The request's own origin is acceptable; anything unparseable (including the literal "null") is not. */
export function originAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  if (!host) return false;
  let u: URL;
  try {
    u = new URL(origin);
  } catch (e) {
    if (e instanceof TypeError) return false; // "null" or another non-URL origin
    throw e;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return false;
  return u.host === host;
}

function bad(c: Context<AppEnv>, field: string, message: string): Response {
  c.header('Cache-Control', 'no-store');
  if (c.req.path.startsWith('/api/') || /\.json$/.test(c.req.path) || (c.req.header('accept') ?? '').includes('application/json'))
    return c.json({ error: 'bad_parameter', message, field }, 400);
  return c.text(message, 400);
}

export function validateInput(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const url = c.req.url;
    const q = url.indexOf('?');
    const rawPath = q >= 0 ? url.slice(0, q) : url;
    if (/%00/i.test(rawPath) || rawPath.includes('\u0000')) return bad(c, 'path', 'The path contains a NUL byte.');
    const method = c.req.method;
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      if (c.req.header('sec-fetch-site') === 'cross-site' || !originAllowed(c.req.header('origin'), c.req.header('host') ?? new URL(url).host))
        return c.text('Cross-site requests are not accepted.', 403);
    }
    try {
      if (q >= 0) checkParams(new URLSearchParams(url.slice(q + 1)));
      const type = (c.req.header('content-type') ?? '').toLowerCase();
      const declared = Number(c.req.header('content-length') ?? NaN);
      if (type.startsWith('application/x-www-form-urlencoded') && Number.isFinite(declared) && declared <= MAX_CHECKED_FORM_BYTES) {
        // Read once; Hono keeps the text, so the route's own body reading still works.
        checkFormFields(new URLSearchParams(await c.req.text()));
      }
    } catch (e) {
      if (e instanceof BadInput) return bad(c, e.field, e.message);
      throw e;
    }
    return next();
  };
}

/** Form fields: only NUL bytes are refused here (forms have their own field checks). */
function checkFormFields(form: URLSearchParams): void {
  for (const [k, v] of form)
    if (k.includes('\u0000') || v.includes('\u0000')) throw new BadInput(k.replace(/\u0000/g, '\\0'), `Form field "${k.replace(/\u0000/g, '\\0').slice(0, 40)}" contains a NUL byte.`);
}
