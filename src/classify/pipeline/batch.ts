// Writing finished items: each batch in one transaction that stores the labels and marks the run's
// items finished together, so a batch is either wholly written or not at all. An item another
// worker already finished (its lease was taken over) is skipped, and a label equal to one already
// stored is not stored twice: a retried or duplicated batch never duplicates labels.
import { z } from 'zod';
import type { Db } from '../../store/db.ts';
import { checkRows, tables } from '../../store/schema/index.ts';
import { insertClassifications, type NewClassification } from '../../store/classifications.ts';
import type { TaxonomyRegistry } from '../../taxonomy/index.ts';
import { clampReasoning, MAX_REASONING, type Classifier } from '../types.ts';
import { requestsOf } from './tally.ts';
import type { BatchAware, Outcome } from './types.ts';

const keyRow = z.object({ k: z.string() });

type Done = Extract<Outcome, { kind: 'labelled' | 'abstained' }>;

export interface BatchTarget {
  db: Db;
  registry: TaxonomyRegistry;
  runId: string;
  worker: string;
}

/** Lock this batch's items; return the keys of those already finished (by another worker). */
async function lockFinished(tx: Db, runId: string, input: Outcome[]): Promise<Set<string>> {
  const q = await tx.query(
    `SELECT i.statement_id || ' ' || i.taxonomy AS k, i.status FROM classify_run_items i
     JOIN unnest($2::text[], $3::text[]) AS x(s, t) ON i.statement_id = x.s AND i.taxonomy = x.t
     WHERE i.run_id = $1
     FOR UPDATE OF i`,
    [runId, input.map((b) => b.item.statementId), input.map((b) => b.item.taxonomy)],
  );
  const locked = checkRows(z.object({ k: z.string(), status: tables.classifyRunItems.columns.status.schema }), q, 'locked run items');
  return new Set(locked.filter((r) => r.status !== 'pending' && r.status !== 'claimed').map((r) => r.k));
}

/** Keys of the machine labels already stored for these statements (statement|taxonomy|source|code|model|prompt|model version). */
async function existingLabelKeys(tx: Db, ok: Done[]): Promise<Set<string>> {
  if (!ok.length) return new Set();
  const q = await tx.query(
    `SELECT statement_id || '|' || taxonomy || '|' || source || '|' || code || '|' || coalesce(model, '') || '|' ||
       coalesce(prompt_version, '') || '|' || coalesce(model_version, '') AS k
     FROM classifications WHERE statement_id = ANY($1::text[]) AND source IN ('llm', 'embedded')`,
    [[...new Set(ok.map((b) => b.item.statementId))]],
  );
  const rows = checkRows(keyRow, q, 'stored label keys');
  return new Set(rows.map((r) => r.k));
}

/** The labels to store for the finished items, leaving out those equal to one already stored. */
function newLabels(registry: TaxonomyRegistry, runId: string, ok: Done[], existing: Set<string>): { labels: NewClassification[]; unchanged: number } {
  const labels: NewClassification[] = [];
  let unchanged = 0;
  for (const b of ok) {
    const t = registry.get(b.item.taxonomy);
    const code = b.code ?? t.data.abstainCode;
    if (code === undefined) continue; // a taxonomy without an abstain code: the run item records the abstention
    const p = b.result.provenance;
    const key = [b.item.statementId, t.id, p.source, code, p.model ?? '', p.promptVersion ?? '', p.modelVersion ?? ''].join('|');
    if (existing.has(key)) {
      unchanged++;
      continue;
    }
    existing.add(key);
    labels.push({
      statementId: b.item.statementId,
      taxonomy: t.id,
      code,
      secondary: b.result.secondary ?? [],
      source: p.source === 'llm' || p.source === 'embedded' ? p.source : 'embedded',
      human: false,
      model: p.model,
      modelVersion: p.modelVersion,
      promptVersion: p.promptVersion,
      reasoning: clampReasoning(b.result.reasoning || (b.code === null ? 'Abstained.' : '')).slice(0, MAX_REASONING) || undefined,
      confidence: b.result.confidence,
      runId,
      // persisted embedded models (src/classify/models) mark labels below their threshold, and add Chinese reasoning
      suggested: (b.result as { suggested?: boolean }).suggested === true,
      reasoningZh: (b.result as { reasoningZh?: string }).reasoningZh || undefined,
    });
  }
  return { labels, unchanged };
}

/** The new state of each run item of the batch (status, code or error, usage). */
function itemRows(registry: TaxonomyRegistry, batch: Outcome[]) {
  return batch.map((b) => {
    const base = { s: b.item.statementId, t: b.item.taxonomy };
    if (b.kind === 'failed')
      return {
        ...base,
        status: 'failed',
        code: null,
        error: b.reason.slice(0, 1000),
        cached: false,
        requests: b.usage?.requests ?? 0,
        input_tokens: b.usage?.inputTokens ?? 0,
        output_tokens: b.usage?.outputTokens ?? 0,
        cost_usd: b.usage ? (b.usage.costUsd ?? null) : 0,
      };
    const u = b.result.usage;
    return {
      ...base,
      status: b.kind,
      code: b.code ?? registry.get(b.item.taxonomy).data.abstainCode ?? null,
      error: null,
      cached: !!u?.cached,
      requests: requestsOf(u),
      input_tokens: u?.inputTokens ?? 0,
      output_tokens: u?.outputTokens ?? 0,
      cost_usd: u ? (u.costUsd ?? null) : 0,
    };
  });
}

/** Write one batch in one transaction; returns how many were duplicates (skipped) and unchanged labels. */
export async function writeBatch(t: BatchTarget, input: Outcome[]): Promise<{ duplicates: number; unchanged: number }> {
  if (!input.length) return { duplicates: 0, unchanged: 0 };
  return t.db.transaction(async (tx) => {
    // One already finished was taken over by another worker after our lease expired, and finished there.
    const finished = await lockFinished(tx, t.runId, input);
    const batch = input.filter((b) => !finished.has(`${b.item.statementId} ${b.item.taxonomy}`));
    const duplicates = input.length - batch.length;
    if (!batch.length) return { duplicates, unchanged: 0 };
    const ok = batch.filter((b): b is Done => b.kind !== 'failed');
    const { labels, unchanged } = newLabels(t.registry, t.runId, ok, await existingLabelKeys(tx, ok));
    if (labels.length) await insertClassifications(tx, t.registry, labels);
    await tx.query(
      `UPDATE classify_run_items i SET status = x.status, code = x.code, error = x.error, cached = x.cached,
         requests = x.requests, input_tokens = x.input_tokens, output_tokens = x.output_tokens, cost_usd = x.cost_usd,
         finished_at = now(), worker = $2
       FROM jsonb_to_recordset($3::jsonb) AS x(s text, t text, status text, code text, error text, cached boolean,
         requests int, input_tokens int, output_tokens int, cost_usd double precision)
       WHERE i.run_id = $1 AND i.statement_id = x.s AND i.taxonomy = x.t`,
      [t.runId, t.worker, JSON.stringify(itemRows(t.registry, batch))],
    );
    return { duplicates, unchanged };
  });
}

/**
 * Finished results wait here until their batch is written: when a batch is full, when the oldest
 * has waited `flushMs`, and at the end. Writes run one after another; the first failure stops the run.
 */
export class BatchWriter {
  private outcomes: Outcome[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setInterval>;
  error: unknown;
  duplicates = 0;
  unchanged = 0;

  constructor(
    private readonly target: BatchTarget,
    private readonly classifier: Classifier,
    private readonly batchSize: number,
    flushMs: number,
    private readonly onError: (e: unknown) => void,
  ) {
    this.timer = setInterval(() => {
      if (this.outcomes.length) void this.flush(true);
    }, flushMs);
    this.timer.unref?.();
  }

  add(out: Outcome): void {
    this.outcomes.push(out);
    if (this.outcomes.length >= this.batchSize) void this.flush();
  }

  flush(all = false): Promise<void> {
    this.chain = this.chain.then(async () => {
      while (this.outcomes.length && (all || this.outcomes.length >= this.batchSize)) {
        const batch = this.outcomes.splice(0, this.batchSize);
        try {
          // The answers behind these results are made durable in the cache first.
          await (this.classifier as BatchAware).flush?.();
          const r = await writeBatch(this.target, batch);
          this.duplicates += r.duplicates;
          this.unchanged += r.unchanged;
        } catch (e) {
          this.error ??= e;
          this.onError(e);
          return;
        }
      }
    });
    return this.chain;
  }

  /** Stop the timer and write whatever is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush(true);
  }
}
