// Errors raised by the LLM providers. Two families matter to the pipeline:
// - ClassificationFailure: this one item could not be labelled (recorded as a failure, the run goes on);
// - errors with `fatal = true`: every further call would fail the same way (missing key, wrong
//   credentials, unknown model), so the run stops and the remaining items stay pending.

export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  /** Unknown when the model has no price in the table. */
  costUsd?: number;
  /** Requests answered from the response cache. */
  cachedRequests: number;
  /** Requests sent to the provider (after retries: one per HTTP attempt that got an answer). */
  requests: number;
}

export function emptyUsage(): UsageTotals {
  return { inputTokens: 0, outputTokens: 0, costUsd: 0, cachedRequests: 0, requests: 0 };
}

export function addUsage(into: UsageTotals, u: Partial<UsageTotals> & { costUsd?: number }): void {
  into.inputTokens += u.inputTokens ?? 0;
  into.outputTokens += u.outputTokens ?? 0;
  into.cachedRequests += u.cachedRequests ?? 0;
  into.requests += u.requests ?? 0;
  if (into.costUsd === undefined) return; // already unknown
  if (u.costUsd !== undefined) into.costUsd += u.costUsd;
  else if ((u.inputTokens ?? 0) + (u.outputTokens ?? 0) > 0) into.costUsd = undefined; // tokens with no price
}

/** A configuration problem found before any request (e.g. no API key): names what to set. */
export class LlmConfigError extends Error {
  readonly fatal = true;
  constructor(message: string) {
    super(message);
    this.name = 'LlmConfigError';
  }
}

/** An HTTP-level error from the provider. */
export class LlmHttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
    /** 401, 403 and 404 mean every request will fail: the run stops. */
    readonly fatal: boolean,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'LlmHttpError';
  }
}

/** The request did not complete: timeout, refused or reset connection. Retryable. */
export class LlmTransportError extends Error {
  readonly retryable = true;
  readonly fatal = false;
  constructor(
    message: string,
    readonly kind: 'timeout' | 'connection',
  ) {
    super(message);
    this.name = 'LlmTransportError';
  }
}

/** The provider answered 200 but the body is not the provider's documented shape. */
export class LlmProtocolError extends Error {
  readonly retryable = false;
  readonly fatal = false;
  constructor(message: string) {
    super(message);
    this.name = 'LlmProtocolError';
  }
}

/** One statement could not be labelled on one taxonomy; `reason` is shown in the run summary. */
export class ClassificationFailure extends Error {
  readonly fatal = false;
  constructor(
    readonly reason: string,
    readonly usage: UsageTotals,
  ) {
    super(reason);
    this.name = 'ClassificationFailure';
  }
}

export function isFatal(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { fatal?: unknown }).fatal === true;
}

export function isAbort(e: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  return e instanceof Error && (e.name === 'AbortError' || (e as { code?: string }).code === 'ABORT_ERR');
}
