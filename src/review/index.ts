// Human review of machine labels. The module is split by concern; this file keeps the one import
// path the command line, the interactive loop and the tests have always used.
//   filter.ts     which labels a queue holds (validated options)
//   queue.ts      the queue as a list, one label with its statement
//   codes.ts      resolving a typed code against a taxonomy
//   decisions.ts  accept / reject / correct / undo, each one transaction
//   session.ts    one sitting's decisions, for undo
//   stats.ts      review counts, machine-vs-reviewed pairs, sibling labels
//   identity.ts   the reviewer's name on the command line
export { ReviewError } from './errors.ts';
export {
  MACHINE_SOURCES,
  QUEUE_ORDERS,
  queueFilter,
  parseWhere,
  type MachineSource,
  type QueueOrder,
  type QueueFilter,
} from './filter.ts';
export { reviewQueue, labelDetails, roundConfidence, type QueueItem } from './queue.ts';
export { resolveCode, resolveTyped, suggestCodes, typeaheadLabel } from './codes.ts';
export {
  decide,
  acceptLabels,
  rejectLabels,
  correctLabel,
  undoDecision,
  type Decision,
  type DecisionHook,
  type ReviewAction,
} from './decisions.ts';
export { ReviewSession } from './session.ts';
export { reviewStats, reviewedPairs, siblingLabels, type ReviewStatsRow, type ReviewedPair } from './stats.ts';
export { reviewerName } from './identity.ts';
