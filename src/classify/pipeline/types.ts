// The options, progress events and summary of a classification run, and the items that flow through it.
import type { Db } from '../../store/db.ts';
import type { TaxonomyRegistry } from '../../taxonomy/index.ts';
import type { Classifier, ClassifyInput, ClassifyResult } from '../types.ts';
import type { RunCounts, RunRow } from './runs.ts';
import type { RunParams } from './selection.ts';

export interface ProgressEvent {
  done: number;
  total: number;
  labelled: number;
  abstained: number;
  failed: number;
  cached: number;
}

export interface RunOptions {
  db: Db;
  registry: TaxonomyRegistry;
  classifier: Classifier;
  params: RunParams;
  /** Resume this run id; `true` = the newest unfinished run with the same parameters (the default behaviour). */
  resume?: string | boolean;
  /** Start a new run even when an unfinished one with the same parameters exists. */
  fresh?: boolean;
  /** Put failed items of a resumed run back in the queue. */
  retryFailed?: boolean;
  /** Items classified at the same time (for LLM providers: the provider's concurrency). */
  concurrency?: number;
  /** Results per transaction. */
  batchSize?: number;
  /** Longest time a finished result waits before its batch is written. */
  flushMs?: number;
  /** A claim older than this is taken over by another worker (the first one died). */
  leaseSeconds?: number;
  workerId?: string;
  /** Stop taking new items; requests in flight finish and are stored (a graceful stop, e.g. the first Ctrl-C). */
  signal?: AbortSignal;
  /** Abort requests in flight too (e.g. a second Ctrl-C). Their items go back to pending. */
  hardSignal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  /** Called once the run is known (new or resumed), before any work. */
  onStart?: (info: { run: RunRow; resumed: boolean; counts: RunCounts }) => void;
}

export interface Failure {
  statementId: string;
  taxonomy: string;
  reason: string;
}

export interface RunSummary {
  runId: string;
  resumed: boolean;
  /** Items in the run. */
  total: number;
  /** Items finished by earlier invocations (skipped now). */
  alreadyDone: number;
  /** Finished by this invocation: */
  labelled: number;
  abstained: number;
  failed: number;
  /** Of the labelled: stored only as a suggestion (below the classifier's threshold; never current). */
  suggested: number;
  /** Labels equal to one already stored (same code, model and prompt), not stored twice. */
  unchanged: number;
  /** Items this worker finished after another worker had already finished them (lease taken over); not stored. */
  duplicates: number;
  /** Items answered entirely from the response cache. */
  cached: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Undefined when some tokens were spent on a model with no known price. */
  costUsd?: number;
  failures: Failure[];
  /** Items still pending (stopped early, or claimed by other workers). */
  remaining: number;
  stopped: boolean;
  elapsedMs: number;
  status: RunRow['status'];
}

/** Optional hooks a classifier may offer (the LLM classifier does): batch cache lookups, durable cache writes. */
export interface BatchAware {
  prepare?(items: { input: ClassifyInput; taxonomy: string }[]): Promise<void>;
  flush?(): Promise<void>;
}

export interface WorkItem {
  statementId: string;
  taxonomy: string;
  input: ClassifyInput;
}

export type Outcome =
  | { item: WorkItem; kind: 'labelled' | 'abstained'; result: ClassifyResult; code: string | null }
  | { item: WorkItem; kind: 'failed'; reason: string; usage?: { inputTokens: number; outputTokens: number; costUsd?: number; requests: number } };

