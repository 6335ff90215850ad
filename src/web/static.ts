// Static assets (CSS, icons, the optional enhancement script) are read once at start-up and served
// from memory with a content hash in the URL, so browsers may cache them for a year.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('./static/', import.meta.url));
const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  js: 'text/javascript; charset=utf-8',
  png: 'image/png',
  txt: 'text/plain; charset=utf-8',
};

export interface Asset {
  body: Buffer;
  type: string;
  hash: string;
}

const assets = new Map<string, Asset>();
for (const f of readdirSync(DIR)) {
  const body = readFileSync(DIR + f);
  const ext = f.split('.').pop() ?? '';
  assets.set(f, { body, type: TYPES[ext] ?? 'application/octet-stream', hash: createHash('sha256').update(body).digest('hex').slice(0, 12) });
}

export function asset(name: string): Asset | undefined {
  return assets.get(name);
}

export function assetUrl(name: string): string {
  const a = assets.get(name);
  return a ? `/static/${name}?v=${a.hash}` : `/static/${name}`;
}
