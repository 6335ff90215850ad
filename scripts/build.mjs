#!/usr/bin/env node
// `npm run build`: compiles src/ to dist/ with TypeScript (imports of `.ts` files are rewritten to
// `.js`), then copies the files the code reads at run time beside their modules (SQL migrations,
// JSON weights, static web assets) and writes a stamp that bin/govnav.js checks for freshness.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');
const out = join(root, 'dist');
const started = Date.now();

rmSync(out, { recursive: true, force: true });
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const res = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (res.status !== 0) {
  console.error('build: the TypeScript compiler reported errors (above); dist/ is incomplete.');
  process.exit(res.status ?? 1);
}

const COPY = /\.(sql|json|css|svg|js|woff2?|txt|md)$/;
let copied = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (!name.endsWith('.ts') && COPY.test(name)) {
      const target = join(out, relative(src, p));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(p, target);
      copied++;
    }
  }
}
walk(src);
writeFileSync(join(out, '.build-stamp'), new Date().toISOString() + '\n');
console.log(`build: compiled src/ to dist/ and copied ${copied} asset files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
