// Extraction: a reader's blocks → an outline (every block with a role and the reason) → the
// mitigations, risks and principles the document states, one statement per measure.
import type { Extracted } from '../ingest/types.ts';
import type { StatementKind } from '../model/index.ts';
import { classifyAll, type RoleModel } from './roles.ts';
import { buildStatements } from './structure.ts';
import { applyRoleWeights, defaultRoleWeights, type RoleWeights } from './learned.ts';
import { ROLES, blockAnchor, type Correction, type Extraction, type OutlineBlock, type Role } from './types.ts';

export { classifyBlock, classifyAll, languageScores, sectionClass, sectionTopic, type RoleModel } from './roles.ts';
export { buildStatements, tableRowParts, isIdCell } from './structure.ts';
export { defaultRoleModel, roleModelFromStore, trainRoleModel, type TrainingRow } from './model.ts';
export * from './types.ts';
export { applyRoleWeights, defaultRoleWeights, documentFeatures, trainRoleWeights, type RoleWeights, type TrainingDoc } from './learned.ts';

export interface ExtractOptions {
  language: string;
  /** The kind a document's type implies (a principles document → principle); a weak prior only. */
  defaultKind?: StatementKind;
  /** A text model trained from the store (see model.ts); without it, structure + lexicon only. */
  model?: RoleModel;
  /** Maintainers' corrections, matched by block anchor. */
  corrections?: Correction[];
  /**
   * The learned layer over the rules (learned.ts). Default: the weights shipped in
   * src/extract/role-weights.json; `null`: the structure + lexicon rules decide alone.
   */
  roleWeights?: RoleWeights | null;
}

export function extractStatements(ex: Extracted, opts: ExtractOptions): Extraction {
  const ruled = classifyAll(ex.blocks, { language: opts.language, pages: ex.pages, defaultKind: opts.defaultKind, model: opts.model });
  const { headingPaths, levels } = ruled;
  const weights = opts.roleWeights === undefined ? defaultRoleWeights() : opts.roleWeights;
  const decisions = weights ? applyRoleWeights(weights, { blocks: ex.blocks, ...ruled, pages: ex.pages, language: opts.language }) : ruled.decisions;
  const outline: OutlineBlock[] = ex.blocks.map((block, index) => ({
    index,
    block,
    anchor: blockAnchor(block.text),
    headingPath: headingPaths[index]!,
    decision: decisions[index]!,
  }));
  const split = new Set<string>();
  const merge: string[][] = [];
  for (const c of opts.corrections ?? []) {
    if (c.op === 'set-role') {
      for (const o of outline) if (o.anchor === c.anchor) o.decision = { role: c.role, confidence: 1, reason: `set to ${c.role} by a maintainer`, source: 'human' };
    } else if (c.op === 'split') split.add(c.anchor);
    else if (c.op === 'merge') merge.push(c.anchors);
  }
  const statements = buildStatements(ex, outline, { language: opts.language, levels, split, merge });
  const counts = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
  for (const o of outline) counts[o.decision.role]++;
  return { outline, statements, counts };
}
