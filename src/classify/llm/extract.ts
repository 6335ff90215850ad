// The LLM extraction path (`govnav ingest --roles llm`): the document goes to a provider one
// section-sized chunk at a time, and the model answers with the mitigations, risks and principles
// of the chunk as verbatim spans. A span counts only when it is found in the document text
// (compared with whitespace normalised, then mapped back to exact character offsets); any other is
// rejected and counted, never stored. The blocks an accepted span covers get its role (source
// "llm"); the caller gives every other block its role from the embedded classifier.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Block, Extracted } from '../../ingest/types.ts';
import type { RoleDecision } from '../../extract/types.ts';
import type { StatementKind } from '../../model/index.ts';
import { LlmClient, type ClientOptions } from './client.ts';
import type { LlmSettings } from './config.ts';
import { addUsage, emptyUsage, isAbort, isFatal, type UsageTotals } from './errors.ts';
import { costOf } from './pricing.ts';
import { DEFAULT_PROMPT_DIR } from './prompts.ts';
import { createTransport, type ChatMessage, type ChatRequest, type Transport } from './transport.ts';

// ------------------------------------------------------------------ the prompt

const ExtractionPromptSchema = z
  .object({
    id: z.string().min(1),
    version: z.number().int().positive(),
    description: z.string().optional(),
    system: z.string().min(1),
    user: z.string().min(1),
    retry: z.string().min(1),
    maxOutputTokens: z.number().int().min(64).default(4000),
    temperature: z.number().min(0).max(2).default(0),
    maxChunkChars: z.number().int().min(500).default(8000),
  })
  .strict();
export type ExtractionPrompt = z.output<typeof ExtractionPromptSchema>;

export const EXTRACTION_PROMPT_FILE = join(DEFAULT_PROMPT_DIR, '_extraction.json');
const VARIABLES = new Set(['document', 'heading_path', 'text', 'error']);

export function parseExtractionPrompt(text: string, file: string): ExtractionPrompt {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  const r = ExtractionPromptSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`${file}: field "${i.path.join('.') || '(root)'}": ${i.message}`);
  }
  for (const field of ['system', 'user', 'retry'] as const)
    for (const m of r.data[field].matchAll(/\{\{(\w+)\}\}/g))
      if (!VARIABLES.has(m[1]!)) throw new Error(`${file}: field "${field}": unknown placeholder {{${m[1]}}} (known: ${[...VARIABLES].join(', ')})`);
  return r.data;
}

export function loadExtractionPrompt(file = EXTRACTION_PROMPT_FILE): ExtractionPrompt {
  return parseExtractionPrompt(readFileSync(file, 'utf8'), file);
}

const fill = (template: string, vars: Record<string, string>) => template.replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? '');

// ------------------------------------------------------------------ chunks

export interface Chunk {
  /** Indexes into ex.blocks, consecutive. */
  blocks: number[];
  start: number;
  end: number;
  headingPath: string[];
}

/**
 * Cut the document into section-sized chunks at block boundaries: a new chunk starts at every
 * heading of level 1–2 and whenever the chunk would grow past maxChars (a single longer block is a
 * chunk of its own). Small neighbouring sections share a chunk.
 */
export function chunkDocument(ex: Extracted, maxChars: number): Chunk[] {
  const out: Chunk[] = [];
  const headings: { level: number; text: string }[] = [];
  let cur: Chunk | undefined;
  const flush = () => {
    if (cur && cur.blocks.length) out.push(cur);
    cur = undefined;
  };
  ex.blocks.forEach((b, i) => {
    if (b.kind === 'heading') {
      while (headings.length && headings[headings.length - 1]!.level >= b.level) headings.pop();
      headings.push({ level: b.level, text: b.text });
      // A major heading starts a new chunk unless the current one is still small.
      if (b.level <= 2 && cur && cur.end - cur.start > maxChars / 4) flush();
    }
    if (cur && b.end - cur.start > maxChars) flush();
    if (!cur) cur = { blocks: [], start: b.start, end: b.end, headingPath: headings.map((h) => h.text).slice(0, b.kind === 'heading' ? -1 : undefined) };
    cur.blocks.push(i);
    cur.end = b.end;
  });
  flush();
  return out;
}

// ------------------------------------------------------------------ verbatim spans

/** A whitespace-normalised view of a text with the offset in the original of every character. */
export interface Normalised {
  text: string;
  /** origin[i] = offset in the original text of normalised character i. */
  origin: number[];
}

/** Collapse every run of whitespace to one space, drop it at the ends; NFKC per character is not applied (offsets stay exact). */
export function normaliseWhitespace(s: string, base = 0): Normalised {
  let text = '';
  const origin: number[] = [];
  let pendingSpace = -1;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (/[\s\u00a0\u3000]/.test(ch)) {
      if (text.length && pendingSpace < 0) pendingSpace = i;
      continue;
    }
    if (pendingSpace >= 0) {
      text += ' ';
      origin.push(base + pendingSpace);
      pendingSpace = -1;
    }
    text += ch;
    origin.push(base + i);
  }
  return { text, origin };
}

/**
 * Where `span` occurs in `hay` (already normalised), compared with whitespace normalised:
 * [start, end) offsets in the original text, or undefined when it does not occur.
 */
export function locateVerbatim(hay: Normalised, span: string, from = 0): { start: number; end: number } | undefined {
  const needle = normaliseWhitespace(span).text;
  if (!needle) return undefined;
  const at = hay.text.indexOf(needle, from);
  if (at < 0) return undefined;
  const last = at + needle.length - 1;
  const lastOrigin = hay.origin[last]!;
  // A surrogate pair is two code units: end after the whole character.
  const code = hay.text.charCodeAt(last);
  const width = code >= 0xd800 && code <= 0xdbff ? 2 : 1;
  return { start: hay.origin[at]!, end: lastOrigin + width };
}

// ------------------------------------------------------------------ the answer

const AnswerItem = z.object({
  role: z.enum(['mitigation', 'risk', 'principle']),
  text: z.string().trim().min(1, 'text must not be empty'),
  name: z.string().trim().default(''),
  reasoning: z.string().trim().default(''),
});
const Answer = z.object({ statements: z.array(z.unknown()) });

export type AnswerParse = { ok: true; items: unknown[] } | { ok: false; error: string };

/** The answer's JSON object (a ```json fence or words around it are tolerated). */
export function parseExtractionAnswer(text: string, finishReason?: string): AnswerParse {
  let t = text.trim();
  const fence = /^```(?:json)?\s*([\s\S]*?)\s*(?:```)?$/i.exec(t);
  if (fence) t = fence[1]!.trim();
  const start = t.indexOf('{');
  const end = t.lastIndexOf('}');
  if (start < 0) return { ok: false, error: `the answer contains no JSON object: "${t.slice(0, 80)}"` };
  let value: unknown;
  try {
    value = JSON.parse(end > start ? t.slice(start, end + 1) : t.slice(start));
  } catch (e) {
    if (finishReason === 'length' || finishReason === 'max_tokens' || end < start)
      return { ok: false, error: 'the answer was cut off before the JSON object was complete; reply again with shorter reasoning' };
    return { ok: false, error: `the answer is not valid JSON (${(e as Error).message}); reply with exactly one JSON object` };
  }
  const r = Answer.safeParse(value);
  if (!r.success) return { ok: false, error: 'the answer must be a JSON object with a "statements" list' };
  return { ok: true, items: r.data.statements };
}

// ------------------------------------------------------------------ the run

export interface LlmSpan {
  role: StatementKind;
  /** Exact offsets in the document text. */
  start: number;
  end: number;
  name: string;
  reasoning: string;
  chunk: number;
}

export interface RejectedSpan {
  chunk: number;
  text: string;
  why: string;
}

export interface LlmExtractionReport {
  spans: LlmSpan[];
  rejected: RejectedSpan[];
  /** Chunks the provider could not answer usably (their blocks keep the embedded roles). */
  failedChunks: { chunk: number; error: string }[];
  chunks: number;
  usage: UsageTotals;
  model: string;
  promptVersion: string;
}

export interface LlmExtractOptions extends ClientOptions {
  settings: LlmSettings;
  transport?: Transport;
  prompt?: ExtractionPrompt;
  /** One line about the document: title, organisation, type, year. */
  document?: string;
  /** Called after each chunk. */
  onChunk?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

const MAX_NAME_WORDS = 12;

function clipName(name: string): string {
  const words = name.trim().split(/\s+/);
  return words.length <= MAX_NAME_WORDS ? name.trim() : words.slice(0, MAX_NAME_WORDS).join(' ') + '…';
}

/**
 * Ask the provider for the statements of every chunk. Fatal provider errors (no key, wrong model)
 * are thrown; any other failure of a chunk is reported in failedChunks and the rest goes on.
 */
export async function llmExtract(ex: Extracted, o: LlmExtractOptions): Promise<LlmExtractionReport> {
  const prompt = o.prompt ?? loadExtractionPrompt();
  const transport = o.transport ?? createTransport(o.settings);
  const client = new LlmClient(transport, o.settings, o);
  const promptVersion = `${prompt.id}@${prompt.version}`;
  const chunks = chunkDocument(ex, prompt.maxChunkChars);
  const whole = normaliseWhitespace(ex.text);
  const report: LlmExtractionReport = { spans: [], rejected: [], failedChunks: [], chunks: chunks.length, usage: emptyUsage(), model: o.settings.model, promptVersion };
  let done = 0;

  const runChunk = async (c: Chunk, ci: number) => {
    const text = ex.text.slice(c.start, c.end);
    const messages: ChatMessage[] = [
      { role: 'user', content: fill(prompt.user, { document: o.document ?? '(unknown)', heading_path: c.headingPath.join(' > ') || '(start of the document)', text }) },
    ];
    const request = (): ChatRequest => ({
      system: fill(prompt.system, {}),
      messages: [...messages],
      maxTokens: Math.max(prompt.maxOutputTokens, o.settings.maxOutputTokens),
      temperature: prompt.temperature,
      json: true,
    });
    let items: unknown[] | undefined;
    let lastError = '';
    for (let attempt = 0; attempt < 2 && !items; attempt++) {
      const out = await client.chat(request(), promptVersion, o.signal);
      const r = out.response;
      const cost = costOf(transport.model, o.settings.prices, r.inputTokens, r.outputTokens);
      addUsage(report.usage, { inputTokens: out.cached ? 0 : r.inputTokens, outputTokens: out.cached ? 0 : r.outputTokens, costUsd: out.cached ? 0 : cost, requests: out.requests, cachedRequests: out.cached ? 1 : 0 });
      const parsed = parseExtractionAnswer(r.text, r.finishReason);
      if (parsed.ok) items = parsed.items;
      else {
        lastError = parsed.error;
        messages.push({ role: 'assistant', content: r.text }, { role: 'user', content: fill(prompt.retry, { error: parsed.error }) });
      }
    }
    if (!items) {
      report.failedChunks.push({ chunk: ci, error: lastError });
      return;
    }
    const local = normaliseWhitespace(text, c.start);
    for (const raw of items) {
      const item = AnswerItem.safeParse(raw);
      if (!item.success) {
        const i = item.error.issues[0]!;
        report.rejected.push({ chunk: ci, text: String((raw as { text?: unknown })?.text ?? '').slice(0, 200), why: `field "${i.path.join('.')}": ${i.message}` });
        continue;
      }
      const it = item.data;
      const at = locateVerbatim(local, it.text) ?? locateVerbatim(whole, it.text);
      if (!at) {
        report.rejected.push({ chunk: ci, text: it.text.slice(0, 200), why: 'not found verbatim in the document' });
        continue;
      }
      report.spans.push({ role: it.role, start: at.start, end: at.end, name: clipName(it.name), reasoning: it.reasoning.slice(0, 300), chunk: ci });
    }
  };

  await Promise.all(
    chunks.map(async (c, ci) => {
      try {
        await runChunk(c, ci);
      } catch (e) {
        if (isFatal(e) || isAbort(e, o.signal)) throw e;
        report.failedChunks.push({ chunk: ci, error: (e as Error).message });
      } finally {
        o.onChunk?.(++done, chunks.length);
      }
    }),
  );
  report.spans.sort((a, b) => a.start - b.start || a.end - b.end);
  report.failedChunks.sort((a, b) => a.chunk - b.chunk);
  return report;
}

/**
 * The role decisions the accepted spans give: block index → decision. A block counts as covered
 * when the span holds most of it (or the block holds most of the span); headings never are.
 * When two spans cover a block, the one covering more of it wins.
 */
export function spanDecisions(blocks: readonly Block[], spans: readonly LlmSpan[]): Map<number, RoleDecision & { span: LlmSpan }> {
  const out = new Map<number, RoleDecision & { span: LlmSpan; overlap: number }>();
  blocks.forEach((b, i) => {
    if (b.kind === 'heading') return;
    const len = Math.max(1, b.end - b.start);
    for (const s of spans) {
      if (s.end <= b.start) continue;
      if (s.start >= b.end) break;
      const overlap = Math.min(b.end, s.end) - Math.max(b.start, s.start);
      if (overlap * 2 < len && overlap * 2 < s.end - s.start) continue;
      const prev = out.get(i);
      if (prev && prev.overlap >= overlap) continue;
      out.set(i, {
        role: s.role,
        confidence: 0.9,
        reason: s.reasoning || `the model marked it as a ${s.role}`,
        source: 'llm',
        span: s,
        overlap,
      });
    }
  });
  return new Map([...out].map(([k, { overlap: _o, ...d }]) => [k, d]));
}
