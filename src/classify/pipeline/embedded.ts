// The embedded classifier for a classify run: one persisted model per taxonomy (src/classify/models),
// loaded from the data directory when its training set is unchanged, else trained once and saved.
// Training examples: labels a person made or accepted/corrected, the project's own annotation, and
// crosswalked labels (down-weighted); never demo or sample data. A taxonomy with no examples is
// learned from its own names and descriptions, and the reasoning says so.
import { loadConfig } from '../../config.ts';
import type { Db } from '../../store/db.ts';
import type { TaxonomyRegistry } from '../../taxonomy/index.ts';
import { modelsFromStore, type ModelReport, type PersistedClassifier } from '../models/index.ts';

export interface EmbeddedBuildReport extends ModelReport {}

export interface EmbeddedBuildOptions {
  /** Where models are kept (default: the configured data directory). */
  dataDir?: string;
  /** Where annotations/ and crosswalks/ are read from (default: this repository). */
  repoDir?: string;
  force?: boolean;
  onProgress?: (line: string) => void;
}

export async function embeddedFromStore(
  db: Db,
  registry: TaxonomyRegistry,
  taxonomyIds: string[],
  opts: EmbeddedBuildOptions = {},
): Promise<{ classifier: PersistedClassifier; report: EmbeddedBuildReport[] }> {
  const dataDir = opts.dataDir ?? loadConfig().dataDir;
  const { classifier, reports } = await modelsFromStore(db, registry, taxonomyIds, {
    dataDir,
    repoDir: opts.repoDir,
    force: opts.force,
    // training is the slow part (seconds to minutes): say so, once per model trained
    onProgress: opts.onProgress ?? ((line) => process.stderr.write(`${line}\n`)),
  });
  return { classifier, report: reports };
}
