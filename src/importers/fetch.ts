// Downloading a public dataset: each file goes to <data dir>/datasets/<name>/<version>/, with a
// size limit, a timeout, a content-type sanity check and sha256 verification. A mirror (a base URL
// laid out like ../shared/data: <base>/<mirrorDir>/<file>) can stand in for the public homes.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetEntry } from './datasets.ts';

export const DEFAULT_MAX_BYTES = 200 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 120_000;

export class FetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchError';
  }
}

export interface FetchOptions {
  dataDir: string;
  /** Base URL of a mirror; defaults to $GOVNAV_DATASET_MIRROR, else the public URLs. */
  mirror?: string;
  maxBytes?: number;
  timeoutMs?: number;
  /** Download again even when a verified copy is present. */
  force?: boolean;
  onStart?: (file: string, total: number | undefined) => void;
  onData?: (bytes: number) => void;
  onDone?: (file: string) => void;
}

export interface FetchedFile {
  name: string;
  path: string;
  url: string;
  bytes: number;
  sha256: string;
  cached: boolean;
  verified: boolean;
}

export function datasetDir(dataDir: string, entry: DatasetEntry): string {
  const v = entry.version.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '');
  return join(dataDir, 'datasets', entry.name, v);
}

export function fileUrl(entry: DatasetEntry, name: string, url: string, mirror?: string): string {
  if (!mirror) return url;
  return `${mirror.replace(/\/+$/, '')}/${encodeURIComponent(entry.mirrorDir)}/${encodeURIComponent(name)}`;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Why a fetch() failed, in words: the system error code (ENOTFOUND, ECONNREFUSED, …) explained. */
export function networkReason(e: unknown, url: string): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? '';
  let host = url;
  try {
    host = new URL(url).host;
  } catch (e) {
    if (!(e instanceof TypeError)) throw e; // not a URL: name it as given
  }
  const WHY: Record<string, string> = {
    ENOTFOUND: `the name ${host} does not resolve (offline, or no DNS)`,
    EAI_AGAIN: `the name ${host} could not be looked up just now (offline, or DNS unavailable)`,
    ECONNREFUSED: `${host} refused the connection`,
    ECONNRESET: `${host} closed the connection`,
    ETIMEDOUT: `${host} did not answer in time`,
    ENETUNREACH: 'the network is unreachable (offline?)',
    EHOSTUNREACH: `${host} is unreachable`,
  };
  if (WHY[code]) return `${WHY[code]} [${code}]`;
  return [err.message, err.cause?.message].filter(Boolean).join(': ') || String(e);
}

/** What to do when a dataset cannot be downloaded from here: fetch it by hand, or use a mirror. */
export function nextStep(entry: DatasetEntry): string {
  const files = entry.files;
  const what =
    files.length === 1
      ? `download it from ${files[0]!.url} and run \`govnav import <file>\``
      : `download its files (${files.map((f) => f.url).join(', ')}) into one folder and run \`govnav import <folder>\``;
  return (
    `What to do: ${what}, or use --mirror <url> (or GOVNAV_DATASET_MIRROR) pointing at a copy laid out as <url>/${entry.mirrorDir}/<file>.` +
    (entry.source === 'copy' && entry.copyReason ? ` Note: ${entry.copyReason}` : ` The dataset's home: ${entry.home}`)
  );
}

export async function fetchDataset(entry: DatasetEntry, opts: FetchOptions): Promise<{ dir: string; files: FetchedFile[] }> {
  if (entry.manual || !entry.files.length) throw new FetchError(`${entry.name} cannot be downloaded automatically. ${entry.manual ?? ''}`.trim());
  const mirror = opts.mirror ?? (process.env.GOVNAV_DATASET_MIRROR || undefined);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const dir = datasetDir(opts.dataDir, entry);
  mkdirSync(dir, { recursive: true });
  const out: FetchedFile[] = [];
  for (const f of entry.files) {
    const path = join(dir, f.name);
    const url = fileUrl(entry, f.name, f.url, mirror);
    if (!opts.force && existsSync(path) && f.sha256 && (await sha256File(path)) === f.sha256) {
      out.push({ name: f.name, path, url, bytes: f.size ?? 0, sha256: f.sha256, cached: true, verified: true });
      continue;
    }
    out.push(await download(url, path, f, { maxBytes, timeoutMs, opts, entry }));
  }
  return { dir, files: out };
}

async function download(
  url: string,
  path: string,
  f: DatasetEntry['files'][number],
  { maxBytes, timeoutMs, opts, entry }: { maxBytes: number; timeoutMs: number; opts: FetchOptions; entry: DatasetEntry },
): Promise<FetchedFile> {
  const part = `${path}.part`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const fail = (msg: string): never => {
    throw new FetchError(`${f.name} (${url}): ${msg}`);
  };
  // A download that could not happen (offline, refused, timed out, not found): say what to do next.
  const unreachable = (msg: string): never => {
    throw new FetchError(`${f.name} (${url}): ${msg}.\n${nextStep(entry)}`);
  };
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: controller.signal, redirect: 'follow', headers: { 'user-agent': 'govnav dataset fetch' } });
    } catch (e) {
      if (controller.signal.aborted) unreachable(`timed out after ${Math.round(timeoutMs / 1000)} s`);
      unreachable(`download failed: ${networkReason(e, url)}`);
    }
    if (!res!.ok) unreachable(`HTTP ${res!.status} ${res!.statusText}`.trim());
    const type = (res!.headers.get('content-type') ?? '').toLowerCase();
    if (type.includes('text/html')) unreachable(`the server sent an HTML page (content-type ${type}), not the data file; the link may have moved or need a login`);
    if (/\.xlsx$/i.test(f.name) && type.startsWith('text/')) fail(`expected a workbook, got content-type ${type}`);
    const declared = Number(res!.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) fail(`is ${declared} bytes, larger than the limit of ${maxBytes} bytes`);
    opts.onStart?.(f.name, Number.isFinite(declared) ? declared : f.size);
    const hash = createHash('sha256');
    let bytes = 0;
    const ws = createWriteStream(part);
    try {
      const reader = res!.body!.getReader();
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (e) {
          if (controller.signal.aborted) fail(`timed out after ${Math.round(timeoutMs / 1000)} s`);
          throw e;
        }
        if (chunk.done) break;
        bytes += chunk.value.byteLength;
        if (bytes > maxBytes) {
          controller.abort();
          fail(`larger than the limit of ${maxBytes} bytes`);
        }
        hash.update(chunk.value);
        if (!ws.write(chunk.value)) await new Promise<void>((r) => ws.once('drain', () => r()));
        opts.onData?.(chunk.value.byteLength);
      }
    } finally {
      await new Promise<void>((r) => ws.end(r));
    }
    const sha = hash.digest('hex');
    if (f.sha256 && sha !== f.sha256) fail(`checksum mismatch: expected sha256 ${f.sha256}, got ${sha} (${bytes} bytes); the file was not kept`);
    renameSync(part, path);
    opts.onDone?.(f.name);
    return { name: f.name, path, url, bytes, sha256: sha, cached: false, verified: !!f.sha256 };
  } finally {
    clearTimeout(timer);
    if (existsSync(part)) rmSync(part, { force: true });
  }
}
