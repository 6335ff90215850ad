// HTTP plumbing of the JSON API: errors, limits, opaque cursors and conditional GETs (ETag).
import { createHash } from 'node:crypto';
import type { Context } from 'hono';

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 404 | 500,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badParam = (field: string, message: string) => new ApiError(400, 'bad_parameter', `Parameter "${field}": ${message}`, field);
export const notFound = (what: string) => new ApiError(404, 'not_found', what);

export function errorResponse(c: Context, e: ApiError): Response {
  c.header('Cache-Control', 'no-store');
  return c.json({ error: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) }, e.status);
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export function parseLimit(params: URLSearchParams): number {
  const raw = params.get('limit');
  if (raw === null || raw === '') return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw badParam('limit', `must be a whole number from 1 to ${MAX_LIMIT}, not "${raw}"`);
  return n;
}

/** Parameters a route accepts besides its own: the interface language is ignored everywhere. */
export function checkAllowed(params: URLSearchParams, allowed: Iterable<string>): void {
  const ok = new Set([...allowed, 'lang']);
  for (const k of params.keys()) if (!ok.has(k)) throw badParam(k, 'unknown parameter');
}

/** A short fingerprint of what a cursor was made for (route and filters), so that it cannot be replayed elsewhere. */
export function fingerprint(...parts: string[]): string {
  return createHash('sha1').update(parts.join('\u0000')).digest('base64url').slice(0, 10);
}

export interface CursorState {
  /** Keyset: the last key returned. */
  k?: string | number;
  /** Offset pagination (relevance order): where the next page starts. */
  o?: number;
}

export function encodeCursor(state: CursorState, fp: string): string {
  return Buffer.from(JSON.stringify({ ...state, f: fp })).toString('base64url');
}

export function decodeCursor(params: URLSearchParams, fp: string): CursorState | undefined {
  const raw = params.get('cursor');
  if (raw === null || raw === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw badParam('cursor', 'is not a cursor returned by this API (use the `next` value of the previous page)');
  }
  const s = v as CursorState & { f?: string };
  if (!s || typeof s !== 'object' || (s.k === undefined && s.o === undefined))
    throw badParam('cursor', 'is not a cursor returned by this API (use the `next` value of the previous page)');
  if (s.f !== fp) throw badParam('cursor', 'belongs to another query; keep the other parameters unchanged while paging');
  if (s.o !== undefined && (!Number.isInteger(s.o) || s.o < 0)) throw badParam('cursor', 'is damaged');
  return { k: s.k, o: s.o };
}

export const CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=300';

/** Weak ETag of a response: the data version and the full request URL (path and query). */
export function etagFor(dataVersion: string, url: string): string {
  const u = new URL(url);
  return `W/"${createHash('sha1').update(dataVersion + '\u0000' + u.pathname + u.search).digest('base64url').slice(0, 22)}"`;
}

export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const strip = (s: string) => s.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => t.trim() === '*' || strip(t) === strip(etag));
}
