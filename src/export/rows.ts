// Statements as the API and the exports hand them out: the records come from the read model
// (src/store/read/records.ts); this module keeps the flat columns of CSV and XLSX.
import { statementTaxonomies, type StatementRecord } from '../store/read/records.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';

export { loadStatementRecords, statementTaxonomies, type DocumentBrief, type LabelOut, type StatementRecord } from '../store/read/records.ts';

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
