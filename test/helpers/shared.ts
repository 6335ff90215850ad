// Access to the public datasets in ../shared/data for tests and benchmarks.
// They are never copied into the project. When a file is missing, a test is skipped with a clear
// message, except under CI=true, where a missing file fails the test.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

export const SHARED_DIR = resolve(
  process.env.GOVNAV_SHARED_DIR ?? fileURLToPath(new URL('../../../shared', import.meta.url)),
);

/** Absolute path of a file under ../shared (e.g. "data/mitre-atlas/ATLAS.yaml"), or undefined. */
export function sharedFile(rel: string): string | undefined {
  const p = resolve(SHARED_DIR, rel);
  return existsSync(p) ? p : undefined;
}

/**
 * The path of a shared file a test needs. If it is missing: under CI=true the test fails;
 * elsewhere the test is skipped with a message naming the file. Returns undefined when skipped.
 */
export function requireShared(t: TestContext, rel: string): string | undefined {
  const p = sharedFile(rel);
  if (p) return p;
  const msg = `missing ../shared/${rel} (the public datasets live beside the project; see README "Public datasets")`;
  if (process.env.CI === 'true') throw new Error(msg);
  t.skip(msg);
  return undefined;
}
