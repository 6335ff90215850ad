// Small helpers so that no error is swallowed silently. A `catch` either handles an error it can
// name (a file that does not exist, a string that is not a URL, a table not yet created) and lets
// every other error through, or it records what was being done when it failed.

/** The Node.js system error code of `e` (ENOENT, EACCES, ECONNRESET…), if it has one. */
export function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True when `e` is a system error with one of these codes. */
export function hasCode(e: unknown, ...codes: string[]): boolean {
  const code = errorCode(e);
  return code !== undefined && codes.includes(code);
}

/** PostgreSQL SQLSTATE of a database error (42P01 undefined table, 42703 undefined column…). */
export function sqlState(e: unknown): string | undefined {
  const err = e as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = err?.code ?? err?.cause?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The message of any thrown value. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Records an error that does not change the outcome (cleanup after an earlier failure, a best-effort
 * cache write): written to standard error when GOVNAV_DEBUG is set, so it can always be traced.
 */
export function noteIgnored(context: string, e: unknown): void {
  if (process.env.GOVNAV_DEBUG) process.stderr.write(`govnav: ${context}: ${messageOf(e)} (ignored)\n`);
}

/** A `.catch()` handler for best-effort work: `await body.cancel().catch(ignoreWhile('cancelling a response'))`. */
export function ignoreWhile(context: string): (e: unknown) => void {
  return (e) => noteIgnored(context, e);
}

/** Logs an error with its context to standard error (for long-running processes such as the server). */
export function logError(context: string, e: unknown): void {
  process.stderr.write(`[${new Date().toISOString()}] ${context}: ${e instanceof Error && process.env.GOVNAV_DEBUG ? (e.stack ?? e.message) : messageOf(e)}\n`);
}
