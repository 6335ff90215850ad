// One definition per table that the read models use: the columns with their types and nullability.
// Row types are inferred from these (`DocumentRecord`, …) and rows are parsed through them; the
// test test/store/schema.test.ts checks every definition against the live database on both engines.
import { z } from 'zod';
import { ROLES } from '../../auth/roles.ts';
import { ROLES as BLOCK_ROLES } from '../../extract/types.ts';
import { JOB_STATES } from '../../jobs/types.ts';
import { ClassificationSource, ReviewState, StatementKind } from '../../model/index.ts';
import { bigint, bool, col, double, int, jsonAny, jsonObject, nullable, real, table, text, textArray, timestamp } from './columns.ts';

/** A text column limited to the values of its CHECK constraint. */
const oneOf = <const V extends readonly [string, ...string[]]>(values: V) => col(z.enum(values), 'text');

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

export const schemaMigrations = table('schema_migrations', {
  version: text(),
  name: text(),
  applied_at: timestamp(),
});

export const idCounters = table('id_counters', {
  prefix: text(),
  next: int(),
});

export const taxonomyNodes = table('taxonomy_nodes', {
  taxonomy: text(),
  code: text(),
  version: text(),
  parent: nullable(text()),
  level: int(),
  ord: int(),
  name_en: text(),
  name_zh: nullable(text()),
  description_en: nullable(text()),
  description_zh: nullable(text()),
  special: nullable(text()),
  project_label: bool(),
  retired: bool(),
});

export const feedback = table('feedback', {
  id: bigint(),
  page: text(),
  kind: text(),
  message: text(),
  email: nullable(text()),
  client_hash: nullable(text()),
  user_agent: nullable(text()),
  status: text(),
  created_at: timestamp(),
});

export const releases = table('releases', {
  version: text(),
  created_at: timestamp(),
  manifest: jsonObject(),
  snapshot: jsonObject(),
  path: nullable(text()),
});

export const llmCache = table('llm_cache', {
  key: text(),
  provider: text(),
  model: text(),
  prompt_version: text(),
  input_hash: text(),
  response: text(),
  input_tokens: int(),
  output_tokens: int(),
  finish_reason: nullable(text()),
  answered_by: nullable(text()),
  hits: int(),
  created_at: timestamp(),
  last_hit_at: nullable(timestamp()),
});

export const classifyRuns = table('classify_runs', {
  id: text(),
  params: jsonObject(),
  params_hash: text(),
  provider: text(),
  model: nullable(text()),
  status: oneOf(['running', 'done', 'stopped']),
  created_at: timestamp(),
  updated_at: timestamp(),
  finished_at: nullable(timestamp()),
});

export const classifyRunItems = table('classify_run_items', {
  run_id: text(),
  statement_id: text(),
  taxonomy: text(),
  ord: int(),
  status: oneOf(['pending', 'claimed', 'labelled', 'abstained', 'failed']),
  worker: nullable(text()),
  claimed_at: nullable(timestamp()),
  code: nullable(text()),
  error: nullable(text()),
  cached: bool(),
  requests: int(),
  input_tokens: int(),
  output_tokens: int(),
  cost_usd: nullable(double()),
  finished_at: nullable(timestamp()),
});

export const topicLinkState = table('topic_link_state', {
  statement_id: text(),
  content_hash: text(),
  lexicon_version: text(),
  linked_at: timestamp(),
});

export const documentTexts = table('document_texts', {
  document_id: text(),
  format: text(),
  text: text(),
  fingerprint: text(),
  minhash: jsonAny(),
  chars: int(),
  updated_at: timestamp(),
});

export const statementMinhash = table('statement_minhash', {
  statement_id: text(),
  document_id: text(),
  content_hash: text(),
  // 8 hex digits per hash (migration 0955); bands: bigint band keys (may come back as strings).
  signature: text(),
  bands: col(z.array(z.union([z.number(), z.string()])), 'ARRAY'),
});

export const documentBlocks = table('document_blocks', {
  document_id: text(),
  ord: int(),
  anchor: text(),
  kind: text(),
  level: nullable(int()),
  marker: nullable(text()),
  ordered: nullable(bool()),
  page: nullable(int()),
  page_end: nullable(int()),
  printed_page: nullable(text()),
  hint: nullable(text()),
  char_start: int(),
  char_end: int(),
  cells: nullable(jsonAny()),
  heading_path: textArray(),
  role: oneOf(BLOCK_ROLES),
  role_source: oneOf(['embedded', 'llm', 'human']),
  confidence: real(),
  reason: text(),
  statement_id: nullable(text()),
});

export const extractionCorrections = table('extraction_corrections', {
  id: bigint(),
  document_id: text(),
  op: oneOf(['set-role', 'merge', 'split']),
  anchors: textArray(),
  role: nullable(oneOf(BLOCK_ROLES)),
  author: text(),
  created_at: timestamp(),
});

export const statementNorms = table('statement_norms', {
  statement_id: text(),
  content_hash: text(),
  norm_hash: nullable(text()),
});

export const workDecisions = table('work_decisions', {
  doc_a: text(),
  doc_b: text(),
  decision: oneOf(['same', 'different']),
  decided_at: timestamp(),
});

export const users = table('users', {
  id: int(),
  username: text(),
  display_name: text(),
  role: oneOf(ROLES),
  password_hash: nullable(text()),
  oidc_issuer: nullable(text()),
  oidc_subject: nullable(text()),
  disabled_at: nullable(timestamp()),
  failed_signins: int(),
  locked_until: nullable(timestamp()),
  password_changed_at: nullable(timestamp()),
  last_signin_at: nullable(timestamp()),
  created_at: timestamp(),
  updated_at: timestamp(),
});

export const sessions = table('sessions', {
  id_hash: text(),
  user_id: int(),
  created_at: timestamp(),
  last_seen_at: timestamp(),
  expires_at: timestamp(),
  client_hash: nullable(text()),
  user_agent: nullable(text()),
});

export const serverSecrets = table('server_secrets', {
  name: text(),
  value: text(),
  created_at: timestamp(),
});

export const auditLog = table('audit_log', {
  id: bigint(),
  at: timestamp(),
  actor_id: nullable(int()),
  actor: text(),
  action: text(),
  target_type: text(),
  target_id: text(),
  before: nullable(jsonAny()),
  after: nullable(jsonAny()),
  detail: nullable(text()),
  client_hash: nullable(text()),
});

export const statementViews = table('statement_views', {
  statement_id: text(),
  views: bigint(),
  last_viewed_at: timestamp(),
});

export const reviewProposals = table('review_proposals', {
  id: bigint(),
  statement_id: text(),
  taxonomy: text(),
  code: text(),
  contested_label_id: nullable(bigint()),
  reason: text(),
  origin: oneOf(['reader', 'contributor', 'reviewer']),
  user_id: nullable(int()),
  username: nullable(text()),
  client_hash: nullable(text()),
  status: oneOf(['open', 'accepted', 'rejected']),
  decided_by: nullable(text()),
  decided_at: nullable(timestamp()),
  label_id: nullable(bigint()),
  created_at: timestamp(),
});

export const reviewAssignments = table('review_assignments', {
  id: bigint(),
  statement_id: text(),
  taxonomy: text(),
  coder_a: int(),
  coder_b: int(),
  assigned_by: nullable(int()),
  status: oneOf(['open', 'agreed', 'disputed', 'adjudicated']),
  gold_label_id: nullable(bigint()),
  adjudicator: nullable(text()),
  created_at: timestamp(),
});

export const reviewCodings = table('review_codings', {
  assignment_id: bigint(),
  user_id: int(),
  username: text(),
  code: text(),
  reason: nullable(text()),
  created_at: timestamp(),
});

export const jobs = table('jobs', {
  id: text(),
  kind: text(),
  params: jsonObject(),
  state: oneOf(JOB_STATES),
  engine: oneOf(['queue', 'inline']),
  boss_id: nullable(text()),
  progress: jsonObject(),
  checkpoint: jsonObject(),
  result: nullable(jsonAny()),
  error: nullable(text()),
  attempts: int(),
  max_attempts: int(),
  worker: nullable(text()),
  heartbeat_at: nullable(timestamp()),
  created_at: timestamp(),
  started_at: nullable(timestamp()),
  finished_at: nullable(timestamp()),
  updated_at: timestamp(),
});

export const jobWorkers = table('job_workers', {
  id: text(),
  host: text(),
  pid: int(),
  concurrency: int(),
  started_at: timestamp(),
  heartbeat_at: timestamp(),
});

/** The change log the search index reads (`xid` is compared in SQL only). */
export const searchChanges = table(
  'search_changes',
  {
    id: bigint(),
    at: timestamp(),
  },
  ['xid'],
);

/** Every table defined here (the schema test walks this list and checks that no table is left out). */
export const TABLES = [
  schemaMigrations, idCounters, datasets, documents, statements, taxonomyNodes, classifications, feedback, releases,
  llmCache, classifyRuns, classifyRunItems, topics, statementTopics, topicLinkState, documentTexts, statementMinhash,
  documentBlocks, extractionCorrections, works, statementNorms, workDecisions, users, sessions, serverSecrets, auditLog,
  statementViews, reviewProposals, reviewAssignments, reviewCodings, jobs, jobWorkers, searchChanges,
] as const;

export type DocumentRecord = z.infer<typeof documents.row>;
export type StatementRecordRow = z.infer<typeof statements.row>;
export type ClassificationRecord = z.infer<typeof classifications.row>;
export type DatasetRecord = z.infer<typeof datasets.row>;
export type TopicRecord = z.infer<typeof topics.row>;
export type StatementTopicRecord = z.infer<typeof statementTopics.row>;
export type WorkRecord = z.infer<typeof works.row>;
export type TaxonomyNodeRecord = z.infer<typeof taxonomyNodes.row>;
export type FeedbackRecord = z.infer<typeof feedback.row>;
export type ReleaseRecord = z.infer<typeof releases.row>;
export type UserRecord = z.infer<typeof users.row>;
export type SessionRecord = z.infer<typeof sessions.row>;
export type AuditRecord = z.infer<typeof auditLog.row>;
export type JobRecord = z.infer<typeof jobs.row>;
export type ReviewProposalRecord = z.infer<typeof reviewProposals.row>;
export type ReviewAssignmentRecord = z.infer<typeof reviewAssignments.row>;
