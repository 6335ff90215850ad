// The common block model every reader produces, and the error type of the ingest pipeline.

export const FORMATS = ['pdf', 'html', 'docx', 'markdown', 'text'] as const;
export type Format = (typeof FORMATS)[number];

/**
 * What a reader already knows about a block from layout alone (a dot-leader contents line, a
 * running header it could not drop, a caption, a footnote). The role classifier uses it as
 * strong evidence; it never decides a role on its own.
 */
export type BlockHint = 'toc' | 'caption' | 'running' | 'footnote' | 'reference' | 'cover';
export const BLOCK_HINTS: readonly BlockHint[] = ['toc', 'caption', 'running', 'footnote', 'reference', 'cover'];

/** Fields every raw block may carry. */
interface RawCommon {
  page?: number;
  pageEnd?: number;
  /** The page number printed on the page, where it differs from the physical page (PDF). */
  printedPage?: string;
  hint?: BlockHint;
  /** Language of the block when a reader tells it apart from the document's (parallel bilingual PDFs). */
  lang?: string;
}

/** A block as a reader sees it, before it is placed in the extracted text. */
export type RawBlock =
  | (RawCommon & { kind: 'heading'; level: number; text: string })
  | (RawCommon & { kind: 'paragraph'; text: string })
  | (RawCommon & {
      kind: 'item';
      /** Nesting depth of the list (0 = top level). */
      depth: number;
      /** The marker as printed ("1.", "(a)", "•", "Article 3"), kept out of the statement text. */
      marker?: string;
      ordered: boolean;
      text: string;
    })
  | (RawCommon & {
      /**
       * One row of a table, its cells in column order. `text` is the cells joined with
       * TABLE_CELL_SEPARATOR, so every cell has an exact span inside the block's text.
       * Rows that continue across a page break are already joined (page..pageEnd).
       */
      kind: 'table-row';
      text: string;
      cells: string[];
      /** The table's header cells, when the table has a header row (repeated headers are not rows). */
      header?: string[];
      /** Rows of the same table share an id (unique within the document). */
      table: number;
    });

/** Cells of a table-row block are joined with this in the block's text. */
export const TABLE_CELL_SEPARATOR = ' | ';

/** The [start, end) offsets of each cell of a table-row block, relative to the block's text. */
export function cellOffsets(cells: string[]): [number, number][] {
  const out: [number, number][] = [];
  let at = 0;
  for (const c of cells) {
    out.push([at, at + c.length]);
    at += c.length + TABLE_CELL_SEPARATOR.length;
  }
  return out;
}

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
