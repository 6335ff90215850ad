// Token prices for cost accounting, in US dollars per million tokens. A small, overridable table:
// prices change, so `llm.prices` in the config file or GOVNAV_LLM_PRICES (JSON) replace or add
// entries. A model with no entry still has its tokens counted; its cost is reported as unknown.

export interface Price {
  /** USD per million input (prompt) tokens. */
  input: number;
  /** USD per million output (completion) tokens. */
  output: number;
}
export type PriceTable = Record<string, Price>;

/** List prices as published by the vendors at the time of writing; check before relying on them. */
export const DEFAULT_PRICES: PriceTable = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-3-7-sonnet': { input: 3, output: 15 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-haiku-4-5': { input: 1, output: 5 },
  'claude-opus-4': { input: 15, output: 75 },
};

/**
 * The price of a model: an exact entry, else the longest entry that is a prefix of the name followed by
 * "-" (dated snapshots such as "gpt-4o-mini-2024-07-18"), also after dropping a router's vendor prefix
 * ("openai/gpt-4o-mini" on OpenRouter).
 */
export function priceOf(model: string, table: PriceTable): Price | undefined {
  const names = [model];
  const slash = model.lastIndexOf('/');
  if (slash >= 0) names.push(model.slice(slash + 1));
  for (const name of names) {
    if (table[name]) return table[name];
    let best: string | undefined;
    for (const key of Object.keys(table))
      if (name.startsWith(key + '-') && (!best || key.length > best.length)) best = key;
    if (best) return table[best];
  }
  return undefined;
}

/** Cost in USD, or undefined when the model has no price. */
export function costOf(model: string, table: PriceTable, inputTokens: number, outputTokens: number): number | undefined {
  const p = priceOf(model, table);
  if (!p) return undefined;
  return (inputTokens * p.input + outputTokens * p.output) / 1_000_000;
}

/** Validate a price table given by the user (config file or env); errors name where it came from. */
export function parsePriceTable(value: unknown, where: string): PriceTable {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`${where}: expected an object like {"my-model": {"input": 0.5, "output": 1.5}} (USD per million tokens)`);
  const out: PriceTable = {};
  for (const [model, p] of Object.entries(value as Record<string, unknown>)) {
    const o = p as { input?: unknown; output?: unknown } | null;
    if (!o || typeof o.input !== 'number' || typeof o.output !== 'number' || o.input < 0 || o.output < 0)
      throw new Error(`${where}: price of "${model}" must be {"input": <number ≥ 0>, "output": <number ≥ 0>} in USD per million tokens`);
    out[model] = { input: o.input, output: o.output };
  }
  return out;
}
