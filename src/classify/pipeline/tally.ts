// Checking a classifier's answer, and counting outcomes into the run summary (and progress events).
import type { Taxonomy } from '../../taxonomy/index.ts';
import type { ClassifyResult } from '../types.ts';
import { answerableCodes } from '../llm/prompts.ts';
import type { Outcome, ProgressEvent, RunSummary } from './types.ts';
import type { RunCounts } from './runs.ts';

/** HTTP requests behind a result, when the classifier says (LLM classifiers add `requests` to usage). */
export function requestsOf(u: ClassifyResult['usage']): number {
  const n = (u as { requests?: unknown } | undefined)?.requests;
  return typeof n === 'number' ? n : 0;
}

/** Check a classifier's result against the taxonomy: a classifier bug must never store an invalid code. */
const allowedMemo = new WeakMap<Taxonomy, Set<string>>();
export function validateResult(r: ClassifyResult, t: Taxonomy): string | undefined {
  let allowed = allowedMemo.get(t);
  if (!allowed) allowedMemo.set(t, (allowed = new Set(answerableCodes(t))));
  if (r.taxonomy !== t.id) return `classifier answered for taxonomy "${r.taxonomy}" instead of "${t.id}"`;
  if (r.code !== null && !allowed.has(r.code)) return `classifier returned "${r.code}", which is not an assignable code of ${t.id}`;
  for (const s of r.secondary ?? []) if (!allowed.has(s)) return `classifier returned secondary code "${s}", which is not an assignable code of ${t.id}`;
  if (!(r.confidence >= 0 && r.confidence <= 1)) return `classifier returned confidence ${r.confidence}, outside [0, 1]`;
  if (typeof r.reasoning !== 'string') return 'classifier returned no reasoning';
  return undefined;
}

/** A summary with nothing done yet by this invocation. */
export function emptySummary(runId: string, resumed: boolean, before: RunCounts): RunSummary {
  return {
    runId,
    resumed,
    total: before.total,
    alreadyDone: before.labelled + before.abstained + before.failed,
    labelled: 0,
    abstained: 0,
    failed: 0,
    suggested: 0,
    unchanged: 0,
    duplicates: 0,
    cached: 0,
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    failures: [],
    remaining: 0,
    stopped: false,
    elapsedMs: 0,
    status: 'running',
  };
}

function addCost(summary: RunSummary, u: { inputTokens: number; outputTokens: number; costUsd?: number }, requests: number): void {
  summary.inputTokens += u.inputTokens;
  summary.outputTokens += u.outputTokens;
  summary.requests += requests;
  if (summary.costUsd !== undefined) {
    if (u.costUsd !== undefined) summary.costUsd += u.costUsd;
    else if (u.inputTokens + u.outputTokens > 0) summary.costUsd = undefined;
  }
}

/** Count one finished item into the summary. */
export function tally(summary: RunSummary, out: Outcome): void {
  if (out.kind === 'failed') {
    summary.failed++;
    summary.failures.push({ statementId: out.item.statementId, taxonomy: out.item.taxonomy, reason: out.reason });
    if (out.usage) addCost(summary, out.usage, out.usage.requests);
    return;
  }
  summary[out.kind]++;
  if ((out.result as { suggested?: boolean }).suggested) summary.suggested++;
  const u = out.result.usage;
  if (u?.cached) summary.cached++;
  if (u) addCost(summary, u, requestsOf(u));
}

export function progressOf(summary: RunSummary, doneNow: number): ProgressEvent {
  return {
    done: summary.alreadyDone + doneNow,
    total: summary.total,
    labelled: summary.labelled,
    abstained: summary.abstained,
    failed: summary.failed,
    cached: summary.cached,
  };
}
