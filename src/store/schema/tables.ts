// One definition per table that the read models use: the columns with their types and nullability.
// Row types are inferred from these (`DocumentRecord`, …) and rows are parsed through them; the
// test test/store/schema.test.ts checks every definition against the live database on both engines.
import type { z } from 'zod';
import { ClassificationSource, ReviewState, StatementKind } from '../../model/index.ts';
import { bigint, bool, col, int, jsonAny, jsonObject, nullable, real, table, text, textArray, timestamp } from './columns.ts';

export const documents = table('documents', {
  id: text(),
  dataset: text(),
  source_key: text(),
  title: text(),
  authors: nullable(text()),
  organisation: nullable(text()),
  date: nullable(text()),
  year: nullable(int()),
  doc_type: text(),
  jurisdiction: nullable(text()),
  language: text(),
  legislative_status: nullable(text()),
  url: nullable(text()),
  doi: nullable(text()),
  abstract: nullable(text()),
  item_type: nullable(text()),
  dataset_version: text(),
  licence: text(),
  attribution: text(),
  source_url: nullable(text()),
  meta: jsonObject(),
  content_hash: text(),
  created_at: timestamp(),
  updated_at: timestamp(),
  retired_at: nullable(timestamp()),
  work_id: nullable(text()),
  work_match: nullable(text()),
});

export const statements = table(
  'statements',
  {
    id: text(),
    document_id: text(),
    source_key: text(),
    kind: col(StatementKind, 'text'),
    parent_id: nullable(text()),
    ord: int(),
    name: text(),
    text: text(),
    heading_path: textArray(),
    page: nullable(int()),
    page_end: nullable(int()),
    char_start: nullable(int()),
    char_end: nullable(int()),
    locator_ref: nullable(text()),
    language: text(),
    meta: jsonObject(),
    content_hash: text(),
    created_at: timestamp(),
    updated_at: timestamp(),
    retired_at: nullable(timestamp()),
    same_as: nullable(text()),
  },
  ['search_text', 'search_vector'],
);

export const classifications = table('classifications', {
  id: bigint(),
  statement_id: text(),
  taxonomy: text(),
  taxonomy_version: text(),
  code: text(),
  secondary: textArray(),
  source: col(ClassificationSource, 'text'),
  human: bool(),
  model: nullable(text()),
  model_version: nullable(text()),
  prompt_version: nullable(text()),
  reasoning: nullable(text()),
  confidence: nullable(real()),
  review_status: col(ReviewState, 'text'),
  reviewer: nullable(text()),
  reviewed_at: nullable(timestamp()),
  source_value: nullable(text()),
  run_id: nullable(text()),
  is_current: bool(),
  created_at: timestamp(),
  suggested: bool(),
  reasoning_zh: nullable(text()),
});

export const datasets = table('datasets', {
  id: text(),
  version: text(),
  licence: text(),
  attribution: text(),
  source_url: nullable(text()),
  imported_at: timestamp(),
  meta: jsonObject(),
});

export const topics = table('topics', {
  id: text(),
  ord: int(),
  name_en: text(),
  name_zh: nullable(text()),
  description_en: text(),
  description_zh: nullable(text()),
  terms: jsonAny(),
  lexicon_version: text(),
  retired: bool(),
  updated_at: timestamp(),
});

export const statementTopics = table('statement_topics', {
  statement_id: text(),
  topic_id: text(),
  score: real(),
  matched_terms: jsonAny(),
  lexicon_version: text(),
  linked_at: timestamp(),
  document_id: text(),
  kind: text(),
  ord: int(),
});

export const works = table('works', {
  id: text(),
  title: text(),
  year: nullable(int()),
  doi: nullable(text()),
  merged_into: nullable(text()),
  created_at: timestamp(),
  updated_at: timestamp(),
});

/** Every table defined here (the schema test walks this list). */
export const TABLES = [documents, statements, classifications, datasets, topics, statementTopics, works] as const;

export type DocumentRecord = z.infer<typeof documents.row>;
export type StatementRecordRow = z.infer<typeof statements.row>;
export type ClassificationRecord = z.infer<typeof classifications.row>;
export type DatasetRecord = z.infer<typeof datasets.row>;
export type TopicRecord = z.infer<typeof topics.row>;
export type StatementTopicRecord = z.infer<typeof statementTopics.row>;
export type WorkRecord = z.infer<typeof works.row>;
