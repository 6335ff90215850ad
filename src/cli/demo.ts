// The invented sample corpus (samples/demo.json), for trying govnav: `govnav serve --demo` loads it
// into a TEMPORARY data directory (never the user's), and every page says it is sample data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.ts';
import type { Store } from '../store/index.ts';

export const DEMO_FILE = fileURLToPath(new URL('../../samples/demo.json', import.meta.url));
/** The dataset id of the demo corpus (kept stable: training leaves it out by this id). */
export const DEMO_DATASET_ID = 'govnav-demo';
export const DEMO_BANNER = {
  en: 'Sample data: invented documents for trying govnav. Nothing here is a real document.',
  zh: '示例数据：为试用 govnav 而虚构的文件，均非真实文件。',
};

export interface DemoStore {
  store: Store;
  config: Config;
  /** Close the store and delete the temporary directory. */
  dispose(): Promise<void>;
}

/** A fresh PGlite store in a temporary directory with the demo corpus loaded; DATABASE_URL is ignored. */
export async function openDemoStore(config: Config, opts: { quiet?: boolean } = {}): Promise<DemoStore> {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-demo-'));
  const demoConfig: Config = { ...config, dataDir: dir, databaseUrl: undefined, banner: DEMO_BANNER };
  const { openStore } = await import('../store/index.ts');
  const { importPath } = await import('../importers/index.ts');
  const store = await openStore({ config: demoConfig, relaxedDurability: true });
  const dispose = async () => {
    try {
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    if (!opts.quiet) process.stderr.write(`Sample data (invented documents) in a temporary directory: ${dir}\n`);
    await importPath(store, DEMO_FILE);
  } catch (e) {
    await dispose();
    throw e;
  }
  return { store, config: demoConfig, dispose };
}
