// Loading the real public datasets (from ../shared/data, never copied) into a store through the
// importers, for the browser tests and the web benchmark. Datasets whose importer is missing or
// fails are reported and skipped; the caller decides whether what loaded is enough.
import { existsSync } from 'node:fs';
import type { Store } from '../../src/store/index.ts';
import { sharedFile } from '../helpers/shared.ts';

/** Dataset paths under ../shared, most important first. */
export const REAL_DATASETS = [
  'data/mit-airi-risk-db-v4/ai_risk_database_v4.csv',
  'data/mit-airi-mitigations-v1',
  'data/finos-aigf/finos_aigf_risks_mitigations.json',
  'data/mitre-atlas/ATLAS.yaml',
];

export interface RealLoad {
  loaded: string[];
  skipped: { path: string; reason: string }[];
}

export async function loadRealDatasets(store: Store, paths: string[] = REAL_DATASETS): Promise<RealLoad> {
  const out: RealLoad = { loaded: [], skipped: [] };
  let mod: { importPath?: (s: Store, p: string, o?: Record<string, unknown>) => Promise<unknown> } | undefined;
  try {
    mod = await import('../../src/importers/index.ts');
  } catch (e) {
    for (const p of paths) out.skipped.push({ path: p, reason: `importers not available: ${(e as Error).message}` });
    return out;
  }
  for (const rel of paths) {
    const abs = sharedFile(rel);
    if (!abs || !existsSync(abs)) {
      out.skipped.push({ path: rel, reason: 'missing under ../shared' });
      continue;
    }
    try {
      await mod.importPath!(store, abs, { quiet: true, skipInvalid: true });
      out.loaded.push(rel);
    } catch (e) {
      out.skipped.push({ path: rel, reason: (e as Error).message.split('\n')[0]!.slice(0, 300) });
    }
  }
  return out;
}
