// Prompts are versioned data files (prompts/*.json), one per taxonomy. A file holds templates;
// the taxonomy's codes, names and descriptions are filled in from taxonomies/*.json at render time,
// so the prompt always offers exactly the codes the taxonomy allows. Changing a template's wording
// means raising `version`: provenance records "<id>@<version>" and the cache key includes it.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Taxonomy, TaxonomyRegistry } from '../../taxonomy/index.ts';
import type { ClassifyInput } from '../types.ts';
import type { ChatMessage, ChatRequest } from './transport.ts';

export const DEFAULT_PROMPT_DIR = resolve(fileURLToPath(new URL('../../../prompts', import.meta.url)));

/** Placeholders a template may use; anything else in {{ }} is an error when the file is loaded. */
export const PROMPT_VARIABLES = {
  taxonomy_name: 'the taxonomy name',
  taxonomy_description: 'the taxonomy description',
  codes: 'the list of codes the model may answer with (with names and descriptions)',
  abstain_code: 'the code for "cannot classify" (or "null" when the taxonomy has none)',
  kind: 'the statement kind: mitigation, principle or risk',
  name: 'the statement name or title ("(none)" when empty)',
  text: 'the statement text',
  heading_path: 'the headings above the statement in its document, joined with " > "',
  document: 'one line about the document: title, organisation, type, year',
  language: 'the statement language (BCP 47)',
  examples: 'the nearest annotated examples with their codes (few-shot), or a note that there are none',
  error: 'retry template only: what was wrong with the previous answer',
} as const;
type Var = keyof typeof PROMPT_VARIABLES;

export const PromptFileSchema = z
  .object({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'prompt ids are lower-case slugs'),
    version: z.number().int().positive(),
    taxonomy: z.string().min(1),
    description: z.string().optional(),
    system: z.string().min(1),
    user: z.string().min(1),
    /** Sent after an invalid answer, with {{error}}. */
    retry: z.string().min(1),
    maxOutputTokens: z.number().int().min(16).optional(),
    temperature: z.number().min(0).max(2).optional(),
    /** Codes of the taxonomy neither offered nor accepted (e.g. data-coding artefacts such as "1.0 no subdomain given"). */
    exclude: z.array(z.string().min(1)).default([]),
    /** How many characters of statement text to send at most (long texts are cut with a note). */
    maxTextChars: z.number().int().min(200).default(6000),
    /** At most this many few-shot examples are shown ({{examples}}), each cut to `exampleChars` characters. */
    maxExamples: z.number().int().min(0).max(50).default(6),
    exampleChars: z.number().int().min(80).default(400),
  })
  .strict();
export type PromptFile = z.output<typeof PromptFileSchema>;

export class PromptError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'PromptError';
  }
}

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

function checkTemplate(file: string, field: string, tpl: string, allowed: Var[]): void {
  for (const m of tpl.matchAll(PLACEHOLDER)) {
    const v = m[1] as Var;
    if (!(v in PROMPT_VARIABLES)) throw new PromptError(file, `${field}: unknown placeholder {{${m[1]}}}; known: ${Object.keys(PROMPT_VARIABLES).join(', ')}`);
    if (!allowed.includes(v)) throw new PromptError(file, `${field}: placeholder {{${v}}} cannot be used here`);
  }
}

function fill(tpl: string, vars: Partial<Record<Var, string>>): string {
  return tpl.replace(PLACEHOLDER, (_, v: Var) => vars[v] ?? '');
}

export class Prompt {
  /** Rendered code lists and allowed codes per taxonomy (taxonomies are immutable once loaded). */
  private readonly memo = new WeakMap<Taxonomy, { codes: string; allowed: string[] }>();

  readonly data: PromptFile;

  constructor(
    data: Omit<PromptFile, 'maxExamples' | 'exampleChars'> & Partial<Pick<PromptFile, 'maxExamples' | 'exampleChars'>>,
    readonly file: string,
  ) {
    this.data = { maxExamples: 6, exampleChars: 400, ...data };
    const general: Var[] = ['taxonomy_name', 'taxonomy_description', 'codes', 'abstain_code', 'kind', 'name', 'text', 'heading_path', 'document', 'language', 'examples'];
    checkTemplate(file, 'system', data.system, general);
    checkTemplate(file, 'user', data.user, general);
    checkTemplate(file, 'retry', data.retry, [...general, 'error']);
    if (!/\{\{\s*text\s*\}\}/.test(data.user)) throw new PromptError(file, 'user: the template must contain {{text}}');
    if (!/\{\{\s*codes\s*\}\}/.test(data.system + data.user)) throw new PromptError(file, 'the system or user template must contain {{codes}}');
    if (!/\{\{\s*error\s*\}\}/.test(data.retry)) throw new PromptError(file, 'retry: the template must contain {{error}}');
  }

  get id(): string {
    return this.data.id;
  }
  /** "<id>@<version>", recorded as the prompt version of every label made with it. */
  get version(): string {
    return `${this.data.id}@${this.data.version}`;
  }

  private vars(input: ClassifyInput, t: Taxonomy): Record<Exclude<Var, 'error'>, string> {
    const d = input.document;
    const docLine = d
      ? [`"${d.title}"`, d.organisation, d.docType, d.year !== undefined ? String(d.year) : undefined].filter(Boolean).join(', ')
      : '(unknown)';
    let text = input.text.trim() || input.name.trim();
    if (text.length > this.data.maxTextChars) text = text.slice(0, this.data.maxTextChars) + ' […text cut here…]';
    return {
      taxonomy_name: t.data.name.en,
      taxonomy_description: t.data.description.en,
      codes: this.forTaxonomy(t).codes,
      abstain_code: t.data.abstainCode ?? 'null',
      kind: input.kind,
      name: input.name.trim() || '(none)',
      text,
      heading_path: input.headingPath?.length ? input.headingPath.join(' > ') : '(none)',
      document: docLine,
      language: input.language ?? 'en',
      examples: renderExamples(t, input.examples ?? [], this.data.maxExamples, this.data.exampleChars),
    };
  }

  /** The codes a model may answer with on `t` under this prompt. */
  allowedCodes(t: Taxonomy): string[] {
    return this.forTaxonomy(t).allowed;
  }

  private forTaxonomy(t: Taxonomy): { codes: string; allowed: string[] } {
    let m = this.memo.get(t);
    if (!m) this.memo.set(t, (m = { codes: renderCodes(t, this.data.exclude), allowed: answerableCodes(t, this.data.exclude) }));
    return m;
  }

  /** The first request for a statement. */
  render(input: ClassifyInput, t: Taxonomy, opts: { maxTokens: number; temperature: number }): ChatRequest {
    const v = this.vars(input, t);
    return {
      system: fill(this.data.system, v).trim(),
      messages: [{ role: 'user', content: fill(this.data.user, v).trim() }],
      maxTokens: this.data.maxOutputTokens ?? opts.maxTokens,
      temperature: this.data.temperature ?? opts.temperature,
      json: true,
    };
  }

  /** The request after an invalid answer: the conversation so far, the answer, and what was wrong. */
  renderRetry(first: ChatRequest, answer: string, error: string, input: ClassifyInput, t: Taxonomy): ChatRequest {
    const v = { ...this.vars(input, t), error };
    const messages: ChatMessage[] = [
      ...first.messages,
      { role: 'assistant', content: answer.trim() === '' ? '(empty answer)' : answer },
      { role: 'user', content: fill(this.data.retry, v).trim() },
    ];
    return { ...first, messages };
  }
}

/**
 * Codes a model may answer with: the taxonomy's assignable codes without "not coded"/"excluded"
 * markers and without the prompt's excluded codes. The abstain code is always kept.
 */
export function answerableCodes(t: Taxonomy, exclude: string[] = []): string[] {
  const ex = new Set(exclude);
  return t.assignableCodes().filter((c) => {
    const s = t.node(c).special;
    return (c === t.data.abstainCode || !ex.has(c)) && s !== 'not-coded' && s !== 'excluded';
  });
}

/** The taxonomy as an indented list: "- code  Name: description", groups marked when only their sub-codes may be chosen. */
export function renderCodes(t: Taxonomy, exclude: string[] = []): string {
  const ok = new Set(answerableCodes(t, exclude));
  const lines: string[] = [];
  for (const n of t.ordered()) {
    if (n.special === 'not-coded' || n.special === 'excluded') continue;
    // An excluded code is left out, unless it heads codes that are offered.
    if (!ok.has(n.code) && !n.children.some((c) => ok.has(c) || t.node(c).children.length > 0)) continue;
    const pad = '  '.repeat(n.level - 1);
    const desc = n.description?.en ? `: ${n.description.en.replace(/\s+/g, ' ').trim()}` : '';
    const note = ok.has(n.code) ? '' : ' [group heading: answer with one of its sub-codes]';
    const abstain = n.code === t.data.abstainCode ? ' [use this when the statement cannot be classified]' : '';
    lines.push(`${pad}- ${n.code}  ${n.name.en}${desc}${note}${abstain}`);
  }
  return lines.join('\n');
}

/**
 * Few-shot examples as a numbered list: code, the node's name, the example's title and text (cut to
 * `chars` characters). Codes the taxonomy does not have are left out.
 */
export function renderExamples(t: Taxonomy, examples: NonNullable<ClassifyInput['examples']>, max: number, chars: number): string {
  const lines: string[] = [];
  for (const e of examples) {
    if (lines.length >= max) break;
    if (!t.has(e.code)) continue;
    let text = e.text.replace(/\s+/g, ' ').trim();
    if (text.length > chars) text = text.slice(0, chars - 1) + '…';
    const title = e.name.trim() && !text.startsWith(e.name.trim()) ? `${e.name.trim()}: ` : '';
    lines.push(`${lines.length + 1}. ${e.code} (${t.name(e.code)}) ← "${title}${text}"`);
  }
  return lines.length ? lines.join('\n') : '(no annotated examples are available for this statement)';
}

export class PromptSet {
  private readonly byTaxonomy = new Map<string, Prompt>();
  constructor(prompts: Prompt[]) {
    for (const p of prompts) {
      const prev = this.byTaxonomy.get(p.data.taxonomy);
      if (prev) throw new PromptError(p.file, `a second prompt for taxonomy "${p.data.taxonomy}" (the first is ${prev.file})`);
      this.byTaxonomy.set(p.data.taxonomy, p);
    }
  }
  has(taxonomy: string): boolean {
    return this.byTaxonomy.has(taxonomy);
  }
  get(taxonomy: string): Prompt {
    const p = this.byTaxonomy.get(taxonomy);
    if (!p) throw new Error(`No prompt for taxonomy "${taxonomy}" in prompts/ (prompts exist for: ${[...this.byTaxonomy.keys()].join(', ') || 'none'}).`);
    return p;
  }
  list(): Prompt[] {
    return [...this.byTaxonomy.values()];
  }
}

export function parsePrompt(text: string, file: string, registry?: TaxonomyRegistry): Prompt {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new PromptError(file, `not valid JSON: ${(e as Error).message}`);
  }
  const r = PromptFileSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new PromptError(file, `field "${i.path.join('.') || '(root)'}": ${i.message}`);
  }
  if (registry) {
    if (!registry.has(r.data.taxonomy)) throw new PromptError(file, `field "taxonomy": unknown taxonomy "${r.data.taxonomy}"`);
    const t = registry.get(r.data.taxonomy);
    for (const c of r.data.exclude) if (!t.has(c)) throw new PromptError(file, `field "exclude": "${c}" is not a code of ${t.id}`);
  }
  return new Prompt(r.data, file);
}

/** Load every prompts/*.json (files starting with "_" are skipped). With a registry, taxonomies are checked. */
export function loadPrompts(dir: string = DEFAULT_PROMPT_DIR, registry?: TaxonomyRegistry): PromptSet {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('_'))
    .sort();
  return new PromptSet(files.map((f) => parsePrompt(readFileSync(join(dir, f), 'utf8'), join(dir, f), registry)));
}
