// Fetching a document from a URL with Node's fetch: http(s) only, a byte limit (checked against
// Content-Length first, then while streaming), a timeout over the whole transfer, a redirect limit
// and a content-type check before the body is read.
import { FORMAT_BY_CONTENT_TYPE } from './detect.ts';
import { IngestError } from './types.ts';
import { ignoreWhile } from '../util/errors.ts';

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { maxBytes: 25 * 1024 * 1024, timeoutMs: 30_000, maxRedirects: 5 };

export interface Fetched {
  bytes: Uint8Array;
  contentType?: string;
  charset?: string;
  finalUrl: string;
}

export function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}

export async function fetchDocument(url: string, limits: Partial<FetchLimits> = {}): Promise<Fetched> {
  const lim: FetchLimits = {
    maxBytes: limits.maxBytes ?? DEFAULT_FETCH_LIMITS.maxBytes,
    timeoutMs: limits.timeoutMs ?? DEFAULT_FETCH_LIMITS.timeoutMs,
    maxRedirects: limits.maxRedirects ?? DEFAULT_FETCH_LIMITS.maxRedirects,
  };
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), lim.timeoutMs);
  const timedOut = () =>
    new IngestError(url, `did not finish downloading within ${lim.timeoutMs < 1000 ? `${lim.timeoutMs} ms` : `${Math.round(lim.timeoutMs / 1000)} s`}.`, 'Try again later, raise --timeout, or download the file and ingest it from disk.');
  try {
    let current = url;
    let res: Response | undefined;
    for (let hop = 0; ; hop++) {
      let u: URL;
      try {
        u = new URL(current);
      } catch {
        throw new IngestError(url, `is not a valid URL (${current}).`);
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new IngestError(url, `redirects to a ${u.protocol} URL, which is not fetched.`);
      try {
        res = await fetch(u, { redirect: 'manual', signal: ctl.signal, headers: { accept: 'application/pdf, text/html, application/vnd.openxmlformats-officedocument.wordprocessingml.document, text/markdown, text/plain;q=0.9, */*;q=0.1', 'user-agent': 'govnav-ingest' } });
      } catch (e) {
        if (ctl.signal.aborted) throw timedOut();
        throw new IngestError(url, `could not be fetched (${(e as Error).cause ? String((e as { cause: Error }).cause.message ?? (e as Error).cause) : (e as Error).message}).`, 'Check the address and your network connection.');
      }
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        await res.body?.cancel().catch(ignoreWhile('cancelling a response body that is not read'));
        if (hop >= lim.maxRedirects) throw new IngestError(url, `redirected more than ${lim.maxRedirects} times.`, 'Ingest the final address directly.');
        current = new URL(res.headers.get('location')!, u).toString();
        continue;
      }
      break;
    }
    if (!res!.ok) {
      await res!.body?.cancel().catch(ignoreWhile('cancelling a response body that is not read'));
      throw new IngestError(url, `answered HTTP ${res!.status} ${res!.statusText}.`.replace(' .', '.'), 'Check the address.');
    }
    const ctypeHeader = res!.headers.get('content-type') ?? undefined;
    const ctype = ctypeHeader?.split(';')[0]!.trim().toLowerCase();
    if (ctype && !FORMAT_BY_CONTENT_TYPE[ctype] && ctype !== 'application/octet-stream' && ctype !== 'binary/octet-stream') {
      await res!.body?.cancel().catch(ignoreWhile('cancelling a response body that is not read'));
      throw new IngestError(url, `has content type "${ctype}", which cannot be ingested.`, 'Supported: PDF, HTML, DOCX, Markdown and plain text.');
    }
    const declared = Number(res!.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > lim.maxBytes) {
      await res!.body?.cancel().catch(ignoreWhile('cancelling a response body that is not read'));
      throw tooBig(url, declared, lim.maxBytes);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res!.body) {
      const reader = res!.body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          size += value.byteLength;
          if (size > lim.maxBytes) {
            await reader.cancel().catch(ignoreWhile('cancelling a response body that is not read'));
            throw tooBig(url, size, lim.maxBytes, true);
          }
          chunks.push(value);
        }
      } catch (e) {
        if (e instanceof IngestError) throw e;
        if (ctl.signal.aborted) throw timedOut();
        throw new IngestError(url, `download failed (${(e as Error).message}).`);
      }
    }
    const bytes = Buffer.concat(chunks);
    const charset = /charset\s*=\s*"?([\w:.-]+)/i.exec(ctypeHeader ?? '')?.[1];
    return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), contentType: ctypeHeader, charset, finalUrl: current };
  } finally {
    clearTimeout(timer);
  }
}

function tooBig(source: string, size: number, max: number, streaming = false): IngestError {
  return new IngestError(
    source,
    `is larger than the ${formatBytes(max)} limit (${streaming ? 'more than ' : ''}${formatBytes(size)}).`,
    'Raise the limit with --max-bytes if you trust the source.',
  );
}
