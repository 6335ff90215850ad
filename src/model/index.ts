// Domain types of govnav and their zod schemas. The schemas are the single source of truth:
// row types are inferred from them, and every importer, ingester and API validates against them.
import { z } from 'zod';

export const LANGS = ['en', 'zh'] as const;
export type Lang = (typeof LANGS)[number];

/** Text in several interface languages; English is required, Chinese is expected. */
export const LocalizedText = z.object({ en: z.string().min(1), zh: z.string().min(1).optional() }).strict();
export type LocalizedText = z.infer<typeof LocalizedText>;

export const STATEMENT_KINDS = ['mitigation', 'principle', 'risk'] as const;
export const StatementKind = z.enum(STATEMENT_KINDS);
export type StatementKind = z.infer<typeof StatementKind>;

export const DOCUMENT_TYPES = [
  'law',
  'regulation',
  'framework',
  'standard',
  'principles',
  'declaration',
  'guidance',
  'policy',
  'paper',
  'report',
  'taxonomy',
  'research-agenda',
  'other',
] as const;
export const DocumentType = z.enum(DOCUMENT_TYPES);
export type DocumentType = z.infer<typeof DocumentType>;

/** Where a dataset came from and how it must be attributed. */
export const Provenance = z.object({
  dataset: z.string().min(1), // e.g. "mit-airi-risk-db"
  datasetVersion: z.string().min(1), // e.g. "v4 (2025-12-03)"
  licence: z.string().min(1), // SPDX id where there is one, e.g. "CC-BY-4.0"
  attribution: z.string().min(1), // text that must be shown wherever the data is shown
  sourceUrl: z.string().url().optional(),
});
export type Provenance = z.infer<typeof Provenance>;

export const DocumentInput = z.object({
  /** The importer's own key for the document (e.g. "paper:12"); with `dataset` it maps to a stable public id. */
  sourceKey: z.string().min(1),
  title: z.string().min(1),
  authors: z.string().optional(), // people, "; "-separated as published
  organisation: z.string().optional(),
  date: z.string().optional(), // ISO date or year as published ("2024", "2024-07", "2024-07-26")
  year: z.number().int().min(1900).max(2100).optional(),
  docType: DocumentType.default('other'),
  jurisdiction: z.string().optional(),
  language: z.string().default('en'), // BCP 47
  legislativeStatus: z.string().optional(), // code in the legislative-status taxonomy
  url: z.string().optional(),
  doi: z.string().optional(),
  abstract: z.string().optional(),
  itemType: z.string().optional(),
  provenance: Provenance,
  meta: z.record(z.string(), z.unknown()).default({}),
});
export type DocumentInput = z.input<typeof DocumentInput>;
export type DocumentData = z.output<typeof DocumentInput>;

export const Locator = z.object({
  page: z.number().int().positive().optional(),
  pageEnd: z.number().int().positive().optional(),
  charStart: z.number().int().nonnegative().optional(),
  charEnd: z.number().int().nonnegative().optional(),
  ref: z.string().optional(), // a reference as published, e.g. "p. 12" or "Table 3"
});
export type Locator = z.infer<typeof Locator>;

export const StatementInput = z.object({
  /** The importer's own key, unique within the document's dataset (e.g. an Ev_ID plus row number). */
  sourceKey: z.string().min(1),
  kind: StatementKind,
  parentSourceKey: z.string().optional(),
  ord: z.number().int().nonnegative(),
  name: z.string().default(''),
  text: z.string().default(''),
  headingPath: z.array(z.string()).default([]),
  locator: Locator.default({}),
  language: z.string().default('en'),
  meta: z.record(z.string(), z.unknown()).default({}),
});
export type StatementInput = z.input<typeof StatementInput>;
export type StatementData = z.output<typeof StatementInput>;

export const CLASSIFICATION_SOURCES = ['human', 'llm', 'embedded', 'imported', 'annotation'] as const;
export const ClassificationSource = z.enum(CLASSIFICATION_SOURCES);
export type ClassificationSource = z.infer<typeof ClassificationSource>;

export const REVIEW_STATES = ['unreviewed', 'accepted', 'rejected', 'corrected', 'adjudicated'] as const;
export const ReviewState = z.enum(REVIEW_STATES);
export type ReviewState = z.infer<typeof ReviewState>;

export const ClassificationInput = z.object({
  taxonomy: z.string().min(1),
  code: z.string().min(1),
  role: z.enum(['primary', 'other']).default('primary'),
  source: ClassificationSource,
  /** True when the label is the judgement of a human coder (imported gold counts as human). */
  human: z.boolean().default(false),
  model: z.string().optional(),
  promptVersion: z.string().optional(),
  reasoning: z.string().max(500).optional(),
  confidence: z.number().min(0).max(1).optional(),
  reviewStatus: ReviewState.default('unreviewed'),
  reviewer: z.string().optional(),
  sourceValue: z.string().optional(), // the raw value as published, e.g. "4 - Not coded"
});
export type ClassificationInput = z.input<typeof ClassificationInput>;
export type ClassificationData = z.output<typeof ClassificationInput>;

export const FeedbackInput = z.object({
  page: z.string().min(1).max(500),
  message: z.string().trim().min(3).max(4000),
  email: z.string().email().max(200).optional().or(z.literal('').transform(() => undefined)),
  kind: z.enum(['error', 'suggestion', 'question', 'other']).default('other'),
});
export type FeedbackInput = z.input<typeof FeedbackInput>;
