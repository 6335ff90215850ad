// The classification pipeline: choose (statement, taxonomy) items, record them as a run, label them
// with any Classifier, and store the labels in batches (one transaction per batch).
//
// Runs are resumable and shareable. The items of a run are written before any work starts; a worker
// claims pending items with FOR UPDATE SKIP LOCKED, so several workers (processes or machines, on
// PostgreSQL) can share one run without doing an item twice; an item claimed by a worker that died
// is taken over when its lease expires. An interrupted run continues with --resume (or simply by
// running the same command again): finished items are skipped, and requests already answered by a
// provider are served from the response cache, so no call is repeated.
//
// The parts live in ./pipeline/: selection (what a run covers), runs (run rows), claims (the items a
// worker holds), batch (transactional writes), tally (checks and counts), run (the loop), dry-run.
export { paramsHash, taxonomiesFor, checkSelection, planItems, type Selection, type RunParams, type PlannedItem } from './pipeline/selection.ts';
export { getRun, findResumableRun, createRun, runCounts, listRuns, releaseDeadClaims, type RunRow, type RunCounts } from './pipeline/runs.ts';
export type { ProgressEvent, RunOptions, Failure, RunSummary } from './pipeline/types.ts';
export { runClassification } from './pipeline/run.ts';
export { dryRun, estimateTokens, type DryRunReport, type DryRunHooks } from './pipeline/dry-run.ts';
