// Browser tests drive Debian's Chromium through playwright-core (never a downloaded browser).
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { sharedFile } from './shared.ts';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Why browser tests cannot run here, or undefined when they can. Under CI=true a missing browser or
 * shared file is an error, not a skip. `sharedFiles` are paths under ../shared the test also needs.
 */
export function browserSkipReason(sharedFiles: readonly string[] = []): string | undefined {
  if (process.env.GOVNAV_SKIP_BROWSER_TESTS === '1') return 'browser tests skipped: GOVNAV_SKIP_BROWSER_TESTS=1';
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing; CI must install the Debian "chromium" package`);
    return `browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`;
  }
  for (const rel of sharedFiles)
    if (!sharedFile(rel)) {
      if (process.env.CI === 'true') throw new Error(`missing ../shared/${rel}`);
      return `browser tests skipped: missing ../shared/${rel} (the public datasets live beside the project)`;
    }
  return undefined;
}

/** Headless Chromium with no background network traffic (the machine's network is closed). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
