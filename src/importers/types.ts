// Shared shapes of the dataset importers. An importer only parses: it turns files into a
// ParsedDataset (documents with their statements and labels, plus row-level issues and
// anomalies). Writing is done once, in one transaction, by run.ts.
import type { DocumentInput, StatementInput } from '../model/index.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';

/** A dataset's identity and the attribution every imported document carries. */
export interface DatasetInfo {
  id: string;
  version: string;
  licence: string;
  attribution: string;
  sourceUrl?: string;
  meta?: Record<string, unknown>;
}

/** A label taken from the source, attached to a statement by its source key. */
export interface ParsedLabel {
  statementKey: string;
  taxonomy: string;
  code: string;
  human: boolean;
  source?: 'imported' | 'human' | 'llm' | 'embedded' | 'annotation';
  /** The value exactly as published (e.g. "4 - Not coded"), with any note on where it came from. */
  sourceValue?: string;
  model?: string;
  confidence?: number;
  reasoning?: string;
  reviewer?: string;
}

export interface ParsedDocument {
  input: DocumentInput;
  statements: StatementInput[];
  labels: ParsedLabel[];
  /** Statement source keys of rows that were skipped (kept alive if they exist from an earlier import). */
  skippedKeys?: string[];
}

/** A row (or record) that could not be imported. */
export interface RowIssue {
  file: string;
  /** Row as a person finds it in the source: spreadsheet row number, CSV record row, or a JSON path. */
  row?: number | string;
  field?: string;
  message: string;
  /** The row's own key, when it has one (Ev_ID, control id, ...). */
  key?: string;
}

/** Something odd in the source that was imported anyway (and how). */
export interface Anomaly {
  code: string;
  message: string;
  count: number;
  examples?: string[];
}

export interface ParsedDataset {
  format: string;
  dataset: DatasetInfo;
  files: string[];
  documents: ParsedDocument[];
  /** Rows that are invalid; with --skip-invalid they are left out and reported, otherwise nothing is imported. */
  issues: RowIssue[];
  anomalies: Anomaly[];
  /** Document source keys skipped because of invalid rows (they are not retired). */
  skippedDocumentKeys?: string[];
  /** Extra writes in the import's transaction, after the statements and labels (e.g. labels on matching statements of other datasets); returns counts to report. */
  afterWrite?: (tx: import('../store/index.ts').Db, registry: TaxonomyRegistry) => Promise<Record<string, number>>;
}

export interface ParseContext {
  registry: TaxonomyRegistry;
}

export function issueText(i: RowIssue): string {
  const parts = [i.file];
  if (i.row !== undefined) parts.push(typeof i.row === 'number' ? `row ${i.row}` : String(i.row));
  if (i.key) parts.push(`(${i.key})`);
  if (i.field) parts.push(`field "${i.field}"`);
  return `${parts.join(', ')}: ${i.message}`;
}

/** A file that cannot be imported at all, or a file with invalid rows (listed in `issues`). */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly issues: RowIssue[] = [],
  ) {
    const list = issues.slice(0, 20).map((i) => '  - ' + issueText(i));
    const more = issues.length > 20 ? [`  … and ${issues.length - 20} more`] : [];
    super([message, ...list, ...more].join('\n'));
    this.name = 'ImportError';
  }
}

/** Collects anomalies by code. */
export class AnomalyLog {
  private readonly byCode = new Map<string, Anomaly>();
  add(code: string, message: string, example?: string, n = 1): void {
    let a = this.byCode.get(code);
    if (!a) this.byCode.set(code, (a = { code, message, count: 0, examples: [] }));
    a.count += n;
    if (example !== undefined && a.examples!.length < 12 && !a.examples!.includes(example)) a.examples!.push(example);
  }
  list(): Anomaly[] {
    return [...this.byCode.values()].map((a) => (a.examples!.length ? a : { ...a, examples: undefined }));
  }
}

/** Drop empty strings, undefined and empty arrays from a meta object (keeps hashes stable and JSON small). */
export function compact(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out;
}
