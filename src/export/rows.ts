// Statements as the API and the exports hand them out: one record per statement with its document,
// its current label on every taxonomy (with who made it) and its stable URL. Loaded by id, in
// batches, so that callers can walk any number of statements with flat memory.
import { cleanName, markupOf, plainText, type Markup } from '../text/markup.ts';
import { stableUrl } from '../cite/index.ts';
import type { Db } from '../store/index.ts';
import type { TaxonomyRegistry, Taxonomy } from '../taxonomy/index.ts';

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

interface JoinedRow {
  id: string;
  kind: string;
  name: string;
  text: string;
  markup: string | null;
  heading_path: string[];
  page: number | null;
  page_end: number | null;
  char_start: number | null;
  char_end: number | null;
  locator_ref: string | null;
  language: string;
  parent_id: string | null;
  d_id: string;
  d_title: string;
  d_organisation: string | null;
  d_authors: string | null;
  d_year: number | null;
  d_type: string;
  d_url: string | null;
  d_dataset: string;
  d_licence: string;
  d_attribution: string;
}

interface LabelRow {
  statement_id: string;
  taxonomy: string;
  code: string;
  source: string;
  human: boolean;
  model: string | null;
  prompt_version: string | null;
  confidence: number | null;
  review_status: string;
}

/** Load full records for these statement ids, returned in the order given (unknown ids are skipped). */
export async function loadStatementRecords(
  db: Db,
  registry: TaxonomyRegistry,
  ids: string[],
  opts: { baseUrl?: string } = {},
): Promise<StatementRecord[]> {
  if (!ids.length) return [];
  const rows = await db.query<JoinedRow>(
    `SELECT s.id, s.kind, s.name, s.text, s.meta->>'markup' AS markup, s.heading_path, s.page, s.page_end, s.char_start, s.char_end, s.locator_ref,
            s.language, s.parent_id, d.id AS d_id, d.title AS d_title, d.organisation AS d_organisation,
            d.authors AS d_authors, d.year AS d_year, d.doc_type AS d_type, d.url AS d_url, d.dataset AS d_dataset,
            d.licence AS d_licence, d.attribution AS d_attribution
     FROM statements s JOIN documents d ON d.id = s.document_id
     WHERE s.id = ANY($1::text[])`,
    [ids],
  );
  const labels = await db.query<LabelRow>(
    `SELECT statement_id, taxonomy, code, source, human, model, prompt_version, confidence, review_status
     FROM classifications WHERE statement_id = ANY($1::text[]) AND is_current`,
    [ids],
  );
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

// ------------------------------------------------------------------ flat rows (CSV, XLSX)

export interface Column {
  key: string;
  get(r: StatementRecord): string | number | null;
}

/** The columns of a flat export: statement, document, then code / name / source per taxonomy. */
export function exportColumns(registry: TaxonomyRegistry): Column[] {
  const cols: Column[] = [
    { key: 'id', get: (r) => r.id },
    { key: 'kind', get: (r) => r.kind },
    { key: 'name', get: (r) => r.name },
    { key: 'text', get: (r) => r.text },
    { key: 'heading_path', get: (r) => r.headingPath.join(' > ') },
    { key: 'page', get: (r) => r.locator.page },
    { key: 'locator_ref', get: (r) => r.locator.ref },
    { key: 'language', get: (r) => r.language },
    { key: 'parent_id', get: (r) => r.parentId },
    { key: 'url', get: (r) => r.url },
    { key: 'document_id', get: (r) => r.document.id },
    { key: 'document_title', get: (r) => r.document.title },
    { key: 'document_organisation', get: (r) => r.document.organisation },
    { key: 'document_authors', get: (r) => r.document.authors },
    { key: 'document_year', get: (r) => r.document.year },
    { key: 'document_type', get: (r) => r.document.type },
    { key: 'document_url', get: (r) => r.document.url },
    { key: 'dataset', get: (r) => r.document.dataset },
    { key: 'licence', get: (r) => r.document.licence },
    { key: 'attribution', get: (r) => r.document.attribution },
  ];
  for (const t of statementTaxonomies(registry)) {
    const id = t.id;
    cols.push(
      { key: `${id}_code`, get: (r) => r.labels[id]?.code ?? null },
      { key: `${id}_name`, get: (r) => r.labels[id]?.name ?? null },
      { key: `${id}_source`, get: (r) => (r.labels[id] ? (r.labels[id].human ? `${r.labels[id].source} (human)` : r.labels[id].source) : null) },
    );
  }
  return cols;
}
