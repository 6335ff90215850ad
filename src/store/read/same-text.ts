// Statements of one work with the same text (a canonical statement and its repeats), with the labels
// each source gives them reconciled: a person's label wins; otherwise equal labels agree and
// different ones are a disagreement. Read by the document page and its JSON twin.
import { z } from 'zod';
import type { Db } from '../db.ts';
import type { TaxonomyRegistry } from '../../taxonomy/index.ts';
import { parseRows } from '../schema/columns.ts';
import { classifications, documents, statements } from '../schema/tables.ts';

const GroupRowSchema = statements.row
  .pick({ id: true, document_id: true, kind: true, name: true, text: true, language: true })
  .extend({ canonical: z.string(), dataset: documents.columns.dataset.schema });
const LabelRowSchema = classifications.row.pick({ statement_id: true, taxonomy: true, code: true, human: true });
type LabelRow = z.infer<typeof LabelRowSchema>;

export type GroupRow = z.infer<typeof GroupRowSchema>;

export interface SameTextGroup {
  canonical: GroupRow;
  others: GroupRow[];
  /** Per taxonomy: the labels each statement of the group carries, and how they reconcile. */
  labels: { taxonomy: string; verdict: 'human' | 'agree' | 'disagree'; chosen?: string; bySource: { dataset: string; id: string; code: string; human: boolean }[] }[];
}

/**
 * The groups of same-text statements (canonical + its duplicates) among the given documents (all
 * the members of a work), with their labels reconciled: a person's label wins; otherwise equal labels agree and
 * different ones are listed as a disagreement.
 */
export async function readSameTextGroups(
  db: Db,
  registry: TaxonomyRegistry,
  documentIds: string[],
  primaryTaxonomies: (kind: GroupRow['kind']) => string[],
): Promise<SameTextGroup[]> {
  const rows = parseRows(GroupRowSchema, await db.query(
    `SELECT coalesce(s.same_as, s.id) AS canonical, s.id, s.document_id, d.dataset, s.kind, s.name, s.text, s.language
     FROM statements s JOIN documents d ON d.id = s.document_id
     WHERE s.retired_at IS NULL AND s.document_id = ANY($1::text[])
       AND (s.same_as IS NOT NULL OR EXISTS (SELECT 1 FROM statements y WHERE y.same_as = s.id AND y.retired_at IS NULL))
     ORDER BY canonical, s.same_as IS NOT NULL, s.id`,
    [documentIds],
  ), 'same-text groups');
  const groups = new Map<string, SameTextGroup>();
  for (const r of rows) {
    let g = groups.get(r.canonical);
    if (!g) {
      if (r.id !== r.canonical) continue;
      groups.set(r.canonical, (g = { canonical: r, others: [], labels: [] }));
    } else g.others.push(r);
  }
  const all = [...groups.values()].filter((g) => g.others.length);
  const ids = all.flatMap((g) => [g.canonical.id, ...g.others.map((o) => o.id)]);
  const labels = ids.length
    ? parseRows(LabelRowSchema, await db.query(`SELECT statement_id, taxonomy, code, human FROM classifications WHERE is_current AND statement_id = ANY($1::text[])`, [ids]), 'same-text labels')
    : [];
  const byStmt = new Map<string, LabelRow[]>();
  for (const l of labels) {
    const list = byStmt.get(l.statement_id);
    if (list) list.push(l);
    else byStmt.set(l.statement_id, [l]);
  }
  for (const g of all) {
    const members = [g.canonical, ...g.others];
    const taxa = [...new Set(members.flatMap((m) => (byStmt.get(m.id) ?? []).map((l) => l.taxonomy)))].filter((t) => registry.has(t));
    const prim = primaryTaxonomies(g.canonical.kind);
    taxa.sort((a, b) => (prim.includes(a) ? prim.indexOf(a) : 99) - (prim.includes(b) ? prim.indexOf(b) : 99) || a.localeCompare(b));
    for (const tax of taxa) {
      const bySource = members.flatMap((m) =>
        (byStmt.get(m.id) ?? []).filter((l) => l.taxonomy === tax).map((l) => ({ dataset: m.dataset, id: m.id, code: l.code, human: l.human })),
      );
      const human = bySource.filter((b) => b.human);
      const codes = new Set(bySource.map((b) => b.code));
      const humanCodes = new Set(human.map((b) => b.code));
      if (humanCodes.size === 1) g.labels.push({ taxonomy: tax, verdict: 'human', chosen: human[0]!.code, bySource });
      else if (codes.size === 1 && bySource.length > 1) g.labels.push({ taxonomy: tax, verdict: 'agree', chosen: bySource[0]!.code, bySource });
      else if (codes.size > 1) g.labels.push({ taxonomy: tax, verdict: 'disagree', bySource });
    }
  }
  return all;
}

