#!/usr/bin/env node
// Entry point of the `govnav` command. It runs the compiled JavaScript in dist/ (made by
// `npm run build`, which `npm install` runs). In a source checkout where a file under src/ is newer
// than the last build, it runs the sources through tsx instead and says so once, so a developer
// never runs stale code by accident (set GOVNAV_COMPILED=1 to insist on dist/).
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const stamp = new URL('dist/.build-stamp', root);
const srcDir = new URL('src/', root);

function newestSource(dirUrl) {
  let newest = 0;
  for (const e of readdirSync(dirUrl, { withFileTypes: true })) {
    const u = new URL(e.name + (e.isDirectory() ? '/' : ''), dirUrl);
    newest = Math.max(newest, e.isDirectory() ? newestSource(u) : statSync(u).mtimeMs);
  }
  return newest;
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const hasSources = existsSync(srcDir);
const useSources = hasSources && process.env.GOVNAV_COMPILED !== '1' && (!built || newestSource(srcDir) > built);

if (useSources) {
  if (built && process.stderr.isTTY) process.stderr.write('govnav: sources changed since the last `npm run build`; running them through tsx.\n');
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  await main(process.argv);
} else if (!built) {
  process.stderr.write('govnav: the compiled code is missing. Run `npm run build` in the package folder, then try again.\n');
  process.exitCode = 1;
} else {
  const { main } = await import('../dist/cli/main.js');
  await main(process.argv);
}
