// The model's answer: a JSON object {code, secondary?, reasoning, confidence}, checked against a
// schema and against the taxonomy. Anything wrong yields a message written for the model, because
// it is sent back to it once (the retry), and for people, because it is recorded as the failure reason.
import { z } from 'zod';
import type { Taxonomy, TaxonomyRegistry } from '../../taxonomy/index.ts';
import { MAX_REASONING } from '../types.ts';
import { answerableCodes } from './prompts.ts';

export const AnswerSchema = z.object({
  code: z.union([z.string().trim().min(1), z.number().transform((n) => String(n)), z.null()]),
  secondary: z
    .array(z.union([z.string().trim().min(1), z.number().transform((n) => String(n))]))
    .nullish()
    .transform((v) => v ?? []),
  reasoning: z.string().trim().min(1, 'reasoning must not be empty').max(MAX_REASONING, `reasoning must be at most ${MAX_REASONING} characters`),
  confidence: z.number().min(0, 'confidence must be between 0 and 1').max(1, 'confidence must be between 0 and 1'),
});

export interface Answer {
  /** A code of the taxonomy; null = the model abstained (stored as the taxonomy's abstain code). */
  code: string | null;
  secondary: string[];
  reasoning: string;
  confidence: number;
}

export type AnswerCheck = { ok: true; answer: Answer } | { ok: false; error: string };

/** Pull a JSON object out of the text: tolerates a ```json fence or words around the object. */
function extractJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  let t = text.trim();
  const fence = /^```(?:json)?\s*([\s\S]*?)\s*(?:```)?$/i.exec(t);
  if (fence) t = fence[1]!.trim();
  if (t === '') return { ok: false, error: 'the answer was empty; reply with one JSON object' };
  const start = t.indexOf('{');
  if (start < 0) return { ok: false, error: `the answer contains no JSON object: "${t.slice(0, 80)}"` };
  const end = t.lastIndexOf('}');
  const candidate = end > start ? t.slice(start, end + 1) : t.slice(start);
  try {
    return { ok: true, value: JSON.parse(candidate) };
  } catch (e) {
    const msg = (e as Error).message;
    const cut = end < start || /end of (JSON )?input|Unterminated/i.test(msg);
    return {
      ok: false,
      error: cut
        ? 'the answer is incomplete JSON (it was cut off); reply again with a shorter reasoning and a complete JSON object'
        : `the answer is not valid JSON (${msg}); reply with exactly one JSON object`,
    };
  }
}

/**
 * Check an answer for `t`. Codes must be answerable codes of this taxonomy; a code that belongs to
 * another taxonomy in the registry is reported as such (a common confusion between axes).
 */
export function checkAnswer(
  text: string,
  t: Taxonomy,
  opts: { registry?: TaxonomyRegistry; finishReason?: string; allowed?: string[] } = {},
): AnswerCheck {
  const { registry, finishReason } = opts;
  const j = extractJson(text);
  if (!j.ok) {
    if (finishReason === 'length' || finishReason === 'max_tokens')
      return { ok: false, error: 'the answer was cut off at the output token limit; reply again with a shorter reasoning (a complete JSON object)' };
    return j;
  }
  if (typeof j.value !== 'object' || j.value === null || Array.isArray(j.value))
    return { ok: false, error: 'the answer must be a JSON object with the fields code, reasoning and confidence' };
  const r = AnswerSchema.safeParse(j.value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const field = i.path.join('.') || '(object)';
    const hint = i.code === 'invalid_type' || i.code === 'invalid_union' ? ' (expected: code as a string, reasoning as a string, confidence as a number from 0 to 1)' : '';
    return { ok: false, error: `field "${field}": ${i.message}${hint}` };
  }
  const a = r.data;
  const allowed = new Set(opts.allowed ?? answerableCodes(t));
  const abstain = t.data.abstainCode;
  let code = a.code;
  if (code !== null && code.toLowerCase() === 'null') code = null;
  const problem = (c: string, where: string): string | undefined => {
    if (allowed.has(c)) return undefined;
    if (t.has(c))
      return t.node(c).children.length > 0
        ? `${where} "${c}" is a group heading in ${t.id}, not a code you may answer with; choose one of its sub-codes`
        : `${where} "${c}" is not one of the codes offered for ${t.id}; answer with a code from the list you were given`;
    const elsewhere = registry?.list().filter((o) => o.id !== t.id && o.has(c)).map((o) => o.id) ?? [];
    if (elsewhere.length) return `${where} "${c}" is not a code of ${t.id} (it belongs to ${elsewhere.join(', ')}); answer with a code from the list you were given`;
    return `${where} "${c}" is not a code of ${t.id}; answer with one of the codes in the list you were given`;
  };
  if (code !== null) {
    const p = problem(code, 'code');
    if (p) return { ok: false, error: p };
    if (abstain !== undefined && code === abstain) code = null;
  }
  const secondary: string[] = [];
  for (const s of a.secondary) {
    const p = problem(s, 'secondary code');
    if (p) return { ok: false, error: p };
    if (s !== code && s !== abstain && !secondary.includes(s)) secondary.push(s);
  }
  return { ok: true, answer: { code, secondary: code === null ? [] : secondary, reasoning: a.reasoning, confidence: a.confidence } };
}
