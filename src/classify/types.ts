// The contract every classifier (embedded, LLM providers, imports) fulfils.
import type { ClassificationSource, StatementKind } from '../model/index.ts';

export interface ClassifyInput {
  /** Public statement id, when the statement is in the store. */
  id?: string;
  kind: StatementKind;
  name: string;
  text: string;
  headingPath?: string[];
  /** Context about the statement's document (title, organisation, type, year). */
  document?: { title: string; organisation?: string; docType?: string; year?: number };
  language?: string;
  /** Labelled examples near this statement (few-shot), nearest first, for classifiers that use them (LLM prompts). */
  examples?: { id?: string; name: string; text: string; code: string }[];
}

export interface Provenance {
  source: ClassificationSource; // 'embedded' | 'llm' | 'human' | 'imported'
  /** Classifier or model name, e.g. "govnav-embedded", "gpt-4o-mini". */
  model?: string;
  /** Version of the model (embedded) or of the prompt file (LLM), e.g. "risk-domain@3". */
  modelVersion?: string;
  promptVersion?: string;
}

export interface ClassifyResult {
  taxonomy: string;
  /** A code of the taxonomy, or null for an explicit "unable to classify" (abstention). */
  code: string | null;
  secondary?: string[];
  /** Why: at most 500 characters. */
  reasoning: string;
  confidence: number; // 0..1
  provenance: Provenance;
  usage?: { inputTokens: number; outputTokens: number; costUsd?: number; cached?: boolean };
}

export interface Classifier {
  readonly name: string;
  /** Taxonomy ids this classifier can label. */
  supports(taxonomy: string): boolean;
  classify(input: ClassifyInput, taxonomy: string, signal?: AbortSignal): Promise<ClassifyResult>;
}

export const MAX_REASONING = 500;
/** Truncate a reasoning to the stored limit, on a word boundary where possible. */
export function clampReasoning(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  if (t.length <= MAX_REASONING) return t;
  const cut = t.slice(0, MAX_REASONING - 1);
  const sp = cut.lastIndexOf(' ');
  return (sp > 400 ? cut.slice(0, sp) : cut) + '…';
}
