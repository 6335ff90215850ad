// Quick checks that let a bulk write skip a zod parse for values the parse would accept and return
// unchanged (plain objects and arrays, every field valid, nothing to default or strip). Whatever
// fails a check is parsed as before, so errors and defaults stay the schema's.

/** An object literal (or JSON.parse's object): its prototype is Object.prototype. */
export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** A safe integer of at least `min` (z.number().int().min(min)). */
export const isCount = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;

/** An array literal of strings only (z.array(z.string())). */
export function isStringArray(v: unknown): v is string[] {
  if (!Array.isArray(v) || Object.getPrototypeOf(v) !== Array.prototype) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}

/** A record with string keys and any values (z.record(z.string(), z.unknown())) that the parse copies as it is. */
export function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return isPlainObject(v) && Object.getOwnPropertySymbols(v).length === 0 && !Object.prototype.hasOwnProperty.call(v, '__proto__');
}

const LOCATOR_KEYS: ReadonlySet<string> = new Set(['page', 'pageEnd', 'charStart', 'charEnd', 'ref']);

/** A locator (the model's Locator) with only its own fields, each valid or undefined. */
export function isPlainLocator(l: unknown): boolean {
  if (!isPlainObject(l)) return false;
  for (const k in l) {
    const v = l[k];
    if (!LOCATOR_KEYS.has(k)) return false;
    if (v === undefined) continue;
    if (k === 'ref' ? typeof v !== 'string' : !isCount(v, k === 'page' || k === 'pageEnd' ? 1 : 0)) return false;
  }
  return true;
}
