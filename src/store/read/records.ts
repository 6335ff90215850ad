// Statements as the API, the JSON twins and the exports hand them out: one record per statement
// with its document, its current label on every taxonomy (with who made it) and its stable URL.
// Loaded by id, in batches, so that callers can walk any number of statements with flat memory.
// Rows are parsed through the table schemas (src/store/schema).
import { z } from 'zod';
import { cleanName, markupOf, plainText, type Markup } from '../../text/markup.ts';
import { stableUrl } from '../../cite/index.ts';
import type { Db } from '../db.ts';
import type { TaxonomyRegistry, Taxonomy } from '../../taxonomy/index.ts';
import { parseRows } from '../schema/columns.ts';
import { classifications, documents, statements } from '../schema/tables.ts';

export interface LabelOut {
  code: string;
  name: string;
  nameZh: string | null;
  source: string;
  human: boolean;
  model: string | null;
  promptVersion: string | null;
  confidence: number | null;
  reviewStatus: string;
}

export interface DocumentBrief {
  id: string;
  title: string;
  organisation: string | null;
  authors: string | null;
  year: number | null;
  type: string;
  url: string | null;
  dataset: string;
  licence: string;
  attribution: string;
}

export interface StatementRecord {
  id: string;
  kind: string;
  name: string;
  /** The text without its source markup (Markdown/HTML reduced to plain text). */
  text: string;
  /** The text exactly as the source gave it. */
  textRaw: string;
  /** The markup of textRaw: markdown, html or text. */
  markup: Markup;
  headingPath: string[];
  locator: { page: number | null; pageEnd: number | null; charStart: number | null; charEnd: number | null; ref: string | null };
  language: string;
  parentId: string | null;
  document: DocumentBrief;
  labels: Record<string, LabelOut>;
  url: string;
}

/** Taxonomies that label statements (document-level ones such as legislative status are left out). */
export function statementTaxonomies(registry: TaxonomyRegistry): Taxonomy[] {
  return registry.list().filter((t) => t.data.appliesTo.length > 0);
}

const S = statements.columns;
const D = documents.columns;
const JoinedRow = z.object({
  id: S.id.schema,
  kind: S.kind.schema,
  name: S.name.schema,
  text: S.text.schema,
  markup: z.string().nullable(),
  heading_path: S.heading_path.schema,
  page: S.page.schema,
  page_end: S.page_end.schema,
  char_start: S.char_start.schema,
  char_end: S.char_end.schema,
  locator_ref: S.locator_ref.schema,
  language: S.language.schema,
  parent_id: S.parent_id.schema,
  d_id: D.id.schema,
  d_title: D.title.schema,
  d_organisation: D.organisation.schema,
  d_authors: D.authors.schema,
  d_year: D.year.schema,
  d_type: D.doc_type.schema,
  d_url: D.url.schema,
  d_dataset: D.dataset.schema,
  d_licence: D.licence.schema,
  d_attribution: D.attribution.schema,
});

const LabelRow = classifications.row.pick({
  statement_id: true,
  taxonomy: true,
  code: true,
  source: true,
  human: true,
  model: true,
  prompt_version: true,
  confidence: true,
  review_status: true,
});

/** Load full records for these statement ids, returned in the order given (unknown ids are skipped). */
export async function loadStatementRecords(
  db: Db,
  registry: TaxonomyRegistry,
  ids: string[],
  opts: { baseUrl?: string } = {},
): Promise<StatementRecord[]> {
  if (!ids.length) return [];
  const rows = parseRows(JoinedRow, await db.query(
    `SELECT s.id, s.kind, s.name, s.text, s.meta->>'markup' AS markup, s.heading_path, s.page, s.page_end, s.char_start, s.char_end, s.locator_ref,
            s.language, s.parent_id, d.id AS d_id, d.title AS d_title, d.organisation AS d_organisation,
            d.authors AS d_authors, d.year AS d_year, d.doc_type AS d_type, d.url AS d_url, d.dataset AS d_dataset,
            d.licence AS d_licence, d.attribution AS d_attribution
     FROM statements s JOIN documents d ON d.id = s.document_id
     WHERE s.id = ANY($1::text[])`,
    [ids],
  ), 'statement records');
  const labels = parseRows(LabelRow, await db.query(
    `SELECT statement_id, taxonomy, code, source, human, model, prompt_version, confidence, review_status
     FROM classifications WHERE statement_id = ANY($1::text[]) AND is_current`,
    [ids],
  ), 'statement record labels');
  const byStatement = new Map<string, Record<string, LabelOut>>();
  for (const l of labels) {
    let m = byStatement.get(l.statement_id);
    if (!m) byStatement.set(l.statement_id, (m = {}));
    const tax = registry.has(l.taxonomy) ? registry.get(l.taxonomy) : undefined;
    const node = tax?.nodes.get(l.code);
    m[l.taxonomy] = {
      code: l.code,
      name: node?.name.en ?? l.code,
      nameZh: node?.name.zh ?? null,
      source: l.source,
      human: l.human,
      model: l.model,
      promptVersion: l.prompt_version,
      confidence: l.confidence === null ? null : Math.round(Number(l.confidence) * 1000) / 1000,
      reviewStatus: l.review_status,
    };
  }
  const byId = new Map<string, StatementRecord>();
  for (const r of rows) {
    byId.set(r.id, {
      id: r.id,
      kind: r.kind,
      name: cleanName(r.name),
      text: plainText(r.text, r.markup),
      textRaw: r.text,
      markup: markupOf(r.text, r.markup),
      headingPath: r.heading_path ?? [],
      locator: { page: r.page, pageEnd: r.page_end, charStart: r.char_start, charEnd: r.char_end, ref: r.locator_ref },
      language: r.language,
      parentId: r.parent_id,
      document: {
        id: r.d_id,
        title: r.d_title,
        organisation: r.d_organisation,
        authors: r.d_authors,
        year: r.d_year,
        type: r.d_type,
        url: r.d_url,
        dataset: r.d_dataset,
        licence: r.d_licence,
        attribution: r.d_attribution,
      },
      labels: byStatement.get(r.id) ?? {},
      url: stableUrl(r.id, opts.baseUrl),
    });
  }
  return ids.map((id) => byId.get(id)).filter((x): x is StatementRecord => !!x);
}

