// The extraction model shared by the role classifier, the statement builder, ingest, the gold
// tooling and `govnav eval extraction`. A reader's blocks each get a role; only the three
// statement kinds become statements; the whole outline (every block with its role and why) is
// kept so the document page can show what was extracted and what was left out.
import { createHash } from 'node:crypto';
import type { Block } from '../ingest/types.ts';
import type { StatementKind } from '../model/index.ts';

export const ROLES = ['mitigation', 'risk', 'principle', 'context', 'apparatus'] as const;
export type Role = (typeof ROLES)[number];
export const STATEMENT_ROLES: readonly Role[] = ['mitigation', 'risk', 'principle'];
export const isStatementRole = (r: Role): r is StatementKind => r === 'mitigation' || r === 'risk' || r === 'principle';

/** Who decided a block's role. */
export type RoleSource = 'embedded' | 'llm' | 'human';

export interface RoleDecision {
  role: Role;
  /** 0..1; below the classifier's threshold a would-be statement is demoted to `context`. */
  confidence: number;
  /** One short sentence a reader can use ("under the heading 'References'", "imperative 'shall'"). */
  reason: string;
  source: RoleSource;
}

/**
 * A stable anchor for a block: independent of whitespace, line breaks, case and full/half-width
 * forms, so a re-extraction of the same document finds the same block. Gold files and
 * maintainers' corrections refer to blocks by anchor (plus page), never by their text.
 */
export function blockAnchor(text: string): string {
  const squashed = text.normalize('NFKC').toLowerCase().replace(/[\s\u00a0\u3000]+/g, '');
  return createHash('sha256').update(squashed).digest('hex').slice(0, 16);
}

/** One block of the document outline with its role. */
export interface OutlineBlock {
  /** Position in the reader's block list. */
  index: number;
  block: Block;
  anchor: string;
  headingPath: string[];
  decision: RoleDecision;
  /** Key of the statement this block belongs to, when its role is a statement kind. */
  statementKey?: string;
}

/** A statement built from one or more blocks. */
export interface ExtractedStatement {
  /** Stable within the document (heading path + normalised text), as ingest keys were before. */
  key: string;
  parentKey?: string;
  ord: number;
  kind: StatementKind;
  /** Short (≤ 12 words): the heading, lead-in or number title the document gives, else a clipped first sentence. */
  name: string;
  /** Verbatim: `extracted.text.slice(charStart, charEnd)` with only whitespace differences, or the statement cell of a table row. */
  text: string;
  headingPath: string[];
  page?: number;
  pageEnd?: number;
  charStart: number;
  charEnd: number;
  /** Clause number, article point, checklist id or action id as printed. */
  ref?: string;
  language: string;
  /** Indexes (into the outline) of the blocks the statement was built from. */
  blocks: number[];
  /** Structured extras: other table columns, the role decision, etc. */
  meta: Record<string, unknown>;
}

export interface Extraction {
  outline: OutlineBlock[];
  statements: ExtractedStatement[];
  /** Blocks per role. */
  counts: Record<Role, number>;
}

/** A maintainer's correction, kept across re-ingests of the same document. */
export type Correction =
  | { op: 'set-role'; anchor: string; role: Role }
  | { op: 'merge'; anchors: string[] }
  | { op: 'split'; anchor: string };
