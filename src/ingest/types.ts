// The common block model every reader produces, and the error type of the ingest pipeline.

export const FORMATS = ['pdf', 'html', 'docx', 'markdown', 'text'] as const;
export type Format = (typeof FORMATS)[number];

/** A block as a reader sees it, before it is placed in the extracted text. */
export type RawBlock =
  | { kind: 'heading'; level: number; text: string; page?: number }
  | { kind: 'paragraph'; text: string; page?: number; pageEnd?: number }
  | {
      kind: 'item';
      /** Nesting depth of the list (0 = top level). */
      depth: number;
      /** The marker as printed ("1.", "(a)", "•", "Article 3"), kept out of the statement text. */
      marker?: string;
      ordered: boolean;
      text: string;
      page?: number;
      pageEnd?: number;
    };

/** A block placed in the extracted text: `text.slice(start, end) === block.text`. */
export type Block = RawBlock & { start: number; end: number };

/** Metadata a document states about itself (all optional; flags override). */
export interface DetectedMeta {
  title?: string;
  date?: string;
  author?: string;
  language?: string;
  /** A date from file metadata that only counts when the text states none (e.g. DOCX creation). */
  fallbackDate?: string;
}

export interface Extracted {
  format: Format;
  /** The plain text the locators point into (blocks separated by blank lines). */
  text: string;
  blocks: Block[];
  meta: DetectedMeta;
  /** Number of pages (PDF only). */
  pages?: number;
  /** Reader notes worth showing (e.g. headers/footers dropped). */
  notes: string[];
}

/** A clear, user-facing ingest failure naming the input; nothing has been written when it is thrown. */
export class IngestError extends Error {
  constructor(
    readonly source: string,
    message: string,
    readonly hint?: string,
  ) {
    super(`${source}: ${message}${hint ? ` ${hint}` : ''}`);
    this.name = 'IngestError';
  }
}
