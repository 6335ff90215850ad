// What a run would do, without calling any classifier or writing anything.
import { queryRows, tables } from '../../store/schema/index.ts';
import type { ClassifyInput } from '../types.ts';
import { loadInputs } from './inputs.ts';
import { findResumableRun, getRun, type RunRow } from './runs.ts';
import { checkSelection, planItems, type PlannedItem } from './selection.ts';
import type { RunOptions } from './types.ts';

export interface DryRunReport {
  /** The unfinished run that would be resumed, if any. */
  resumeRunId?: string;
  items: number;
  statements: number;
  perTaxonomy: Record<string, number>;
  /** Requests already in the response cache (LLM providers). */
  cachedRequests: number;
  estInputTokens: number;
  estOutputTokens: number;
  /** Undefined when the model has no price. */
  estCostUsd?: number;
}

/** Rough token count: one token per CJK character, about four characters per token otherwise. */
export function estimateTokens(text: string): number {
  const cjk = (text.match(/[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]/g) ?? []).length;
  return cjk + Math.ceil((text.length - cjk) / 4);
}

export interface DryRunHooks {
  /** For LLM classifiers: the first request of an item, to estimate tokens and look it up in the cache. */
  estimate?: (input: ClassifyInput, taxonomy: string) => Promise<{ inputTokens: number; outputTokens: number; cached: boolean }>;
  price?: (inputTokens: number, outputTokens: number) => number | undefined;
}

/** What a run with these parameters would do, without calling any classifier or writing anything. */
export async function dryRun(
  o: Pick<RunOptions, 'db' | 'registry' | 'classifier' | 'params' | 'resume' | 'fresh'>,
  hooks: DryRunHooks = {},
): Promise<DryRunReport> {
  const supports = (t: string) => o.classifier.supports(t);
  checkSelection(o.registry, o.params, supports);
  let run: RunRow | undefined;
  if (typeof o.resume === 'string') {
    run = await getRun(o.db, o.resume);
    if (!run) throw new Error(`No classification run "${o.resume}".`);
  } else if (!o.fresh && o.resume !== false) run = await findResumableRun(o.db, o.params);
  const items: PlannedItem[] = run
    ? (
        await queryRows(
          o.db,
          tables.classifyRunItems.row.pick({ statement_id: true, taxonomy: true }),
          `SELECT statement_id, taxonomy FROM classify_run_items WHERE run_id = $1 AND status IN ('pending', 'claimed') ORDER BY ord`,
          [run.id],
          'open run items',
        )
      ).map((r) => ({ statementId: r.statement_id, taxonomy: r.taxonomy }))
    : await planItems(o.db, o.registry, o.params, supports);
  const report: DryRunReport = {
    resumeRunId: run?.id,
    items: items.length,
    statements: new Set(items.map((i) => i.statementId)).size,
    perTaxonomy: {},
    cachedRequests: 0,
    estInputTokens: 0,
    estOutputTokens: 0,
    estCostUsd: 0,
  };
  for (const it of items) report.perTaxonomy[it.taxonomy] = (report.perTaxonomy[it.taxonomy] ?? 0) + 1;
  if (hooks.estimate) {
    for (let i = 0; i < items.length; i += 500) {
      const work = await loadInputs(o.db, items.slice(i, i + 500).map((x) => ({ statement_id: x.statementId, taxonomy: x.taxonomy })));
      for (const w of work) {
        const e = await hooks.estimate(w.input, w.taxonomy);
        if (e.cached) report.cachedRequests++;
        else {
          report.estInputTokens += e.inputTokens;
          report.estOutputTokens += e.outputTokens;
        }
      }
    }
    report.estCostUsd = hooks.price ? hooks.price(report.estInputTokens, report.estOutputTokens) : undefined;
  }
  return report;
}
