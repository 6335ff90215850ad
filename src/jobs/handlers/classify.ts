// A classify job: one classification run (src/classify/pipeline), created on the first attempt in
// the same transaction as the job's checkpoint, and resumed by every later attempt. Labels are
// written in batches whose transaction also marks the run's items finished, so an attempt killed
// mid-way leaves whole batches only, and the retry labels exactly the items still open.
import { loadConfig } from '../../config.ts';
import type { Classifier } from '../../classify/types.ts';
import type { Selection } from '../../classify/pipeline.ts';
import type { Store } from '../../store/index.ts';
import type { JobContext } from '../types.ts';
import { ignoreWhile } from '../../util/errors.ts';

export interface ClassifyJobParams {
  provider: 'embedded' | 'openai' | 'anthropic';
  model?: string;
  baseUrl?: string;
  concurrency?: number;
  rpm?: number;
  timeoutMs?: number;
  selection: Selection;
  /** Continue this existing run instead of making a new one. */
  runId?: string;
  retryFailed?: boolean;
  batchSize?: number;
  /** false: do not answer LLM requests from the response cache. */
  cache?: boolean;
}

interface Built {
  classifier: Classifier;
  model?: string;
  versions?: Record<string, string>;
  concurrency: number;
  finish?: () => Promise<void>;
}

async function buildClassifier(store: Store, p: ClassifyJobParams): Promise<Built> {
  const reg = store.taxonomies;
  const wanted = (p.selection.taxonomies?.length ? p.selection.taxonomies : reg.list().map((t) => t.id)).filter(
    (id) => reg.has(id) && reg.get(id).data.appliesTo.length > 0,
  );
  if (p.provider === 'embedded') {
    const { embeddedFromStore } = await import('../../classify/pipeline/embedded.ts');
    const built = await embeddedFromStore(store.db, reg, wanted, { onProgress: () => {} });
    const versions = Object.fromEntries(built.report.map((r) => [r.taxonomy, r.modelVersion]));
    return { classifier: built.classifier, model: 'govnav-embedded', versions, concurrency: 1 };
  }
  const { resolveLlmSettings } = await import('../../classify/llm/config.ts');
  const { LlmClassifier } = await import('../../classify/llm/classifier.ts');
  const { loadPrompts } = await import('../../classify/llm/prompts.ts');
  const { DbCache, WriteOnlyCache } = await import('../../classify/llm/cache.ts');
  const settings = resolveLlmSettings(
    { provider: p.provider, model: p.model, baseUrl: p.baseUrl, concurrency: p.concurrency, rpm: p.rpm, timeoutMs: p.timeoutMs },
    process.env,
    loadConfig().llm,
  );
  const prompts = loadPrompts(undefined, reg);
  const dbCache = new DbCache(store.db);
  const classifier = new LlmClassifier({ settings, registry: reg, prompts, cache: p.cache === false ? new WriteOnlyCache(dbCache) : dbCache });
  const versions = Object.fromEntries(wanted.filter((t) => prompts.has(t)).map((t) => [t, prompts.get(t).version]));
  return { classifier, model: settings.model, versions, concurrency: settings.concurrency, finish: () => dbCache.flushHits() };
}

export async function classifyJob(ctx: JobContext): Promise<unknown> {
  const pipeline = await import('../../classify/pipeline.ts');
  const p = ctx.job.params as unknown as ClassifyJobParams;
  const { db, taxonomies: registry } = ctx.store;
  const built = await buildClassifier(ctx.store, p);
  const params = { provider: p.provider, model: built.model, versions: built.versions, ...p.selection };
  let runId = (ctx.job.checkpoint.runId as string | undefined) ?? p.runId;
  if (!runId) {
    const supports = (t: string) => built.classifier.supports(t);
    pipeline.checkSelection(registry, params, supports);
    const items = await pipeline.planItems(db, registry, params, supports);
    runId = await db.transaction(async (tx) => {
      const run = await pipeline.createRun(tx, params, items);
      await ctx.saveCheckpoint(tx, { runId: run.id });
      return run.id;
    });
  } else if (ctx.attempt > 1) {
    // An earlier attempt of this job died holding claims: they are this job's, so they go back now.
    await db.query(`UPDATE classify_run_items SET status = 'pending', worker = NULL, claimed_at = NULL WHERE run_id = $1 AND status = 'claimed'`, [runId]);
  }
  try {
    const s = await pipeline.runClassification({
      db,
      registry,
      classifier: built.classifier,
      params,
      resume: runId,
      retryFailed: ctx.attempt === 1 && !!p.retryFailed,
      concurrency: built.concurrency,
      batchSize: p.batchSize,
      workerId: ctx.workerId,
      signal: ctx.signal,
      onStart: ({ counts }) => ctx.progress({ done: counts.total - counts.pending - counts.claimed, total: counts.total, message: `run ${runId}` }),
      onProgress: (e) => ctx.progress({ done: e.done, total: e.total, message: `${e.labelled} labelled · ${e.abstained} abstained · ${e.failed} failed` }),
    });
    if (s.remaining > 0 && s.stopped) throw new Error(`stopped with ${s.remaining} items of run ${runId} open (the job was cancelled or its worker is shutting down)`);
    ctx.progress({ done: s.total - s.remaining, total: s.total, message: `${s.labelled} labelled · ${s.abstained} abstained · ${s.failed} failed` });
    const { failures, ...rest } = s;
    return { ...rest, failures: failures.slice(0, 20) };
  } finally {
    await built.finish?.().catch(ignoreWhile('closing the classifier after the job'));
  }
}
