// LLM provider settings: command-line options > environment > config file (`llm` section) > defaults.
// API keys are read from the environment only, never from the config file.
import { DEFAULT_RETRY, type RetryPolicy } from './limits.ts';
import { DEFAULT_PRICES, parsePriceTable, type PriceTable } from './pricing.ts';
import { LlmConfigError } from './errors.ts';

export const LLM_PROVIDERS = ['openai', 'anthropic'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

export interface LlmSettings {
  provider: LlmProvider;
  model: string;
  /** OpenAI-compatible: the URL that ends before /chat/completions (e.g. https://api.openai.com/v1). Anthropic: before /v1/messages. */
  baseUrl: string;
  apiKey?: string;
  /** The environment variable the key came from (or should come from), for messages. */
  apiKeyVar: string;
  concurrency: number;
  /** Requests per minute; 0 = no limit. */
  rpm: number;
  timeoutMs: number;
  retry: RetryPolicy;
  maxOutputTokens: number;
  temperature: number;
  /** OpenAI-compatible only: send response_format json_object ("auto": send it, and stop if the server rejects it). */
  jsonMode: 'auto' | 'on' | 'off';
  anthropicVersion: string;
  prices: PriceTable;
}

/** Options that override everything else (from the command line or a caller). */
export interface LlmOverrides {
  provider?: string;
  model?: string;
  baseUrl?: string;
  concurrency?: number;
  rpm?: number;
  timeoutMs?: number;
  maxRetries?: number;
}

export const OPENAI_DEFAULT_BASE = 'https://api.openai.com/v1';
export const ANTHROPIC_DEFAULT_BASE = 'https://api.anthropic.com';
export const DEFAULT_MODELS: Record<LlmProvider, string> = { openai: 'gpt-4o-mini', anthropic: 'claude-3-5-haiku-latest' };

type FileLlm = Record<string, unknown>;

function fileSection(file: FileLlm, provider: LlmProvider): FileLlm {
  const s = file[provider];
  return typeof s === 'object' && s !== null && !Array.isArray(s) ? (s as FileLlm) : {};
}

function num(name: string, raw: unknown, opts: { min: number; integer?: boolean }): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isFinite(n) || n < opts.min || (opts.integer && !Number.isInteger(n)))
    throw new LlmConfigError(`${name} must be ${opts.integer ? 'an integer' : 'a number'} ≥ ${opts.min}, not "${String(raw)}".`);
  return n;
}

function str(raw: unknown): string | undefined {
  return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
}

/** Hosts that always need a key (local servers such as Ollama or llama.cpp usually do not). */
function keyRequired(provider: LlmProvider, baseUrl: string): boolean {
  if (provider === 'anthropic') return true;
  try {
    const host = new URL(baseUrl).hostname;
    return host === 'api.openai.com' || host.endsWith('openrouter.ai');
  } catch (e) {
    if (e instanceof TypeError) return false; // not a URL: the configuration check reports it
    throw e;
  }
}

export function resolveLlmSettings(
  overrides: LlmOverrides = {},
  env: NodeJS.ProcessEnv = process.env,
  file: FileLlm = {},
): LlmSettings {
  const providerRaw = overrides.provider ?? str(env.GOVNAV_LLM_PROVIDER) ?? str(file.provider) ?? 'openai';
  if (!(LLM_PROVIDERS as readonly string[]).includes(providerRaw))
    throw new LlmConfigError(`Unknown LLM provider "${providerRaw}". Use one of: ${LLM_PROVIDERS.join(', ')} (GOVNAV_LLM_PROVIDER or --provider).`);
  const provider = providerRaw as LlmProvider;
  const sec = fileSection(file, provider);

  const baseRaw =
    overrides.baseUrl ??
    str(env.GOVNAV_LLM_BASE_URL) ??
    (provider === 'openai' ? str(env.OPENAI_BASE_URL) : str(env.ANTHROPIC_BASE_URL)) ??
    str(sec.baseUrl) ??
    str(file.baseUrl) ??
    (provider === 'openai' ? OPENAI_DEFAULT_BASE : ANTHROPIC_DEFAULT_BASE);
  try {
    const u = new URL(baseRaw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new LlmConfigError(`The LLM base URL "${baseRaw}" is not an http(s) URL (set ${provider === 'openai' ? 'OPENAI_BASE_URL' : 'ANTHROPIC_BASE_URL'}).`);
  }
  const baseUrl = baseRaw.replace(/\/+$/, '');
  const isDefaultBase = baseUrl === (provider === 'openai' ? OPENAI_DEFAULT_BASE : ANTHROPIC_DEFAULT_BASE);

  let apiKeyVar = provider === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY';
  if (provider === 'openai' && /openrouter\.ai/.test(baseUrl) && str(env.OPENROUTER_API_KEY)) apiKeyVar = 'OPENROUTER_API_KEY';
  if (str(env.GOVNAV_LLM_API_KEY)) apiKeyVar = 'GOVNAV_LLM_API_KEY';
  const apiKey = str(env[apiKeyVar]);

  const model = overrides.model ?? str(env.GOVNAV_LLM_MODEL) ?? str(sec.model) ?? str(file.model) ?? (isDefaultBase ? DEFAULT_MODELS[provider] : undefined);
  if (!model)
    throw new LlmConfigError(
      `No model given for the ${provider} provider at ${baseUrl}. Set GOVNAV_LLM_MODEL (or pass --model), e.g. GOVNAV_LLM_MODEL=llama3.1:8b for Ollama.`,
    );

  const jsonRaw = str(env.GOVNAV_LLM_JSON_MODE) ?? str(sec.jsonMode) ?? str(file.jsonMode) ?? 'auto';
  if (!['auto', 'on', 'off'].includes(jsonRaw)) throw new LlmConfigError(`GOVNAV_LLM_JSON_MODE must be auto, on or off, not "${jsonRaw}".`);

  let prices: PriceTable = { ...DEFAULT_PRICES };
  if (file.prices !== undefined) prices = { ...prices, ...wrapConfig(() => parsePriceTable(file.prices, 'config file llm.prices')) };
  if (str(env.GOVNAV_LLM_PRICES)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(env.GOVNAV_LLM_PRICES!);
    } catch (e) {
      throw new LlmConfigError(`GOVNAV_LLM_PRICES is not valid JSON: ${(e as Error).message}`);
    }
    prices = { ...prices, ...wrapConfig(() => parsePriceTable(parsed, 'GOVNAV_LLM_PRICES')) };
  }

  const pick = (name: string, key: string, fromOverride: number | undefined, o: { min: number; integer?: boolean }) =>
    fromOverride !== undefined
      ? num(`--${key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`, fromOverride, o)
      : (num(name, env[name], o) ?? num(`config file llm.${key}`, sec[key] ?? file[key], o));

  const settings: LlmSettings = {
    provider,
    model,
    baseUrl,
    apiKey,
    apiKeyVar,
    concurrency: pick('GOVNAV_LLM_CONCURRENCY', 'concurrency', overrides.concurrency, { min: 1, integer: true }) ?? 4,
    rpm: pick('GOVNAV_LLM_RPM', 'rpm', overrides.rpm, { min: 0 }) ?? 0,
    timeoutMs: pick('GOVNAV_LLM_TIMEOUT_MS', 'timeoutMs', overrides.timeoutMs, { min: 1, integer: true }) ?? 60_000,
    retry: {
      ...DEFAULT_RETRY,
      maxRetries: pick('GOVNAV_LLM_MAX_RETRIES', 'maxRetries', overrides.maxRetries, { min: 0, integer: true }) ?? DEFAULT_RETRY.maxRetries,
    },
    maxOutputTokens: pick('GOVNAV_LLM_MAX_OUTPUT_TOKENS', 'maxOutputTokens', undefined, { min: 16, integer: true }) ?? 400,
    temperature: pick('GOVNAV_LLM_TEMPERATURE', 'temperature', undefined, { min: 0 }) ?? 0,
    jsonMode: jsonRaw as LlmSettings['jsonMode'],
    anthropicVersion: str(env.ANTHROPIC_VERSION) ?? str(sec.anthropicVersion) ?? '2023-06-01',
    prices,
  };
  if (!settings.apiKey && keyRequired(provider, baseUrl)) throw missingKey(settings);
  return settings;
}

export function missingKey(s: Pick<LlmSettings, 'provider' | 'baseUrl' | 'apiKeyVar'>): LlmConfigError {
  return new LlmConfigError(
    `No API key for the ${s.provider} provider at ${s.baseUrl}: set the environment variable ${s.apiKeyVar}` +
      (s.provider === 'openai' ? ' (or GOVNAV_LLM_API_KEY; local servers such as Ollama need none when OPENAI_BASE_URL points at them).' : '.'),
  );
}

function wrapConfig<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new LlmConfigError((e as Error).message);
  }
}

/** A short, key-free description for logs and summaries. */
export function describeSettings(s: LlmSettings): string {
  return `${s.provider} ${s.model} at ${s.baseUrl} (concurrency ${s.concurrency}, ${s.rpm > 0 ? `${s.rpm} requests/min` : 'no rate limit'}, timeout ${s.timeoutMs} ms)`;
}
