// Small taxonomies and prompts for the LLM tests, independent of the shipped data files.
import { TaxonomyRegistry, parseTaxonomy } from '../../../src/taxonomy/index.ts';
import { Prompt, PromptSet } from '../../../src/classify/llm/prompts.ts';
import { resolveLlmSettings, type LlmSettings } from '../../../src/classify/llm/config.ts';

const src = { citation: 'test fixture' };
const node = (code: string, parent: string | null, name: string, extra: Record<string, unknown> = {}) => ({
  code,
  parent,
  level: parent === null ? 1 : code.split('.').length > 1 ? code.split('.').length : 2,
  name: { en: name },
  description: { en: `Statements about ${name.toLowerCase()}.` },
  ...extra,
});

export const TM = {
  id: 'tm',
  version: '1',
  name: { en: 'Test mitigations' },
  description: { en: 'A small mitigation taxonomy for tests.' },
  appliesTo: ['mitigation'],
  abstainCode: '99.9',
  labelLevels: 'any',
  source: src,
  nodes: [
    node('1', null, 'System'),
    node('1.1', '1', 'Model'),
    node('1.2', '1', 'Guardrails'),
    node('2', null, 'Organisation'),
    node('2.1', '2', 'Oversight'),
    node('2.2', '2', 'Testing'),
    node('99', null, 'Other', { special: 'other' }),
    node('99.9', '99', 'Other', { special: 'unable' }),
  ],
};

export const TS = {
  id: 'ts',
  version: '1',
  name: { en: 'Test stages' },
  description: { en: 'Lifecycle stages, leaves only.' },
  appliesTo: ['mitigation', 'risk'],
  abstainCode: 'U',
  labelLevels: 'leaf',
  source: src,
  nodes: [node('A', null, 'Build'), node('A1', 'A', 'Data'), node('A2', 'A', 'Train'), node('B', null, 'Deploy'), node('U', null, 'Unable', { special: 'unable' })],
};

export const TR = {
  id: 'tr',
  version: '1',
  name: { en: 'Test risks' },
  description: { en: 'Risk domains for tests.' },
  appliesTo: ['risk'],
  abstainCode: 'X',
  labelLevels: 'any',
  source: src,
  nodes: [node('7', null, 'Safety'), node('7.1', '7', 'Misaligned goals'), node('7.2', '7', 'Dangerous capabilities'), node('X', null, 'Unable', { special: 'unable' })],
};

export function testRegistry(): TaxonomyRegistry {
  return new TaxonomyRegistry([TM, TS, TR].map((t) => parseTaxonomy(JSON.stringify(t), `${t.id}.json`)));
}

export const PROMPT_TEMPLATE = {
  system:
    'You label statements against {{taxonomy_name}}. {{taxonomy_description}}\nCodes:\n{{codes}}\nAbstain with {{abstain_code}}. Reply with one JSON object: {"code", "secondary", "reasoning", "confidence"}.',
  user: 'Document: {{document}}\nSection: {{heading_path}}\nKind: {{kind}}\nTitle: {{name}}\n<statement>\n{{text}}\n</statement>',
  retry: 'That answer could not be used: {{error}}. Reply again with one JSON object.',
};

export function testPrompts(): PromptSet {
  return new PromptSet(
    ['tm', 'ts', 'tr'].map((t) => new Prompt({ id: `${t}-test`, version: 3, taxonomy: t, maxTextChars: 6000, exclude: [], ...PROMPT_TEMPLATE }, `${t}-test.json`)),
  );
}

/** Settings for a fake provider: short timeout and backoff so failures are quick. */
export function testSettings(wire: 'openai' | 'anthropic', baseUrl: string, extra: Partial<LlmSettings> = {}): LlmSettings {
  const s = resolveLlmSettings(
    { provider: wire, baseUrl, model: wire === 'openai' ? 'gpt-4o-mini' : 'claude-3-5-haiku-latest' },
    { [wire === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY']: 'test-key' },
  );
  return { ...s, timeoutMs: 1500, retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 5000 }, ...extra };
}
