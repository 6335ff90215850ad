// Label counts behind the taxonomy pages (/t, /t/<taxonomy>, /t/<taxonomy>/<code>), the risk pages
// (/risk, /risk/<code>), their JSON twins and the API's taxonomy routes. Only live statements of
// live documents count; a count is of current labels.
import { z } from 'zod';
import type { Db } from '../db.ts';
import type { Taxonomy } from '../../taxonomy/index.ts';
import { parseRows } from '../schema/columns.ts';
import { statements } from '../schema/tables.ts';

const Count = z.object({ taxonomy: z.string(), code: z.string(), n: z.number().int() });
const KindCount = z.object({ kind: statements.columns.kind.schema, code: z.string(), n: z.number().int() });

/** taxonomy → code → statements whose current label is exactly that code (one taxonomy, or all). */
export async function readLabelCounts(db: Db, taxonomyId?: string): Promise<Map<string, Map<string, number>>> {
  const rows = await db.query(
    `SELECT c.taxonomy, c.code, count(*)::int AS n FROM classifications c JOIN statements s ON s.id = c.statement_id
     JOIN documents d ON d.id = s.document_id
     WHERE c.is_current AND s.retired_at IS NULL AND d.retired_at IS NULL ${taxonomyId ? 'AND c.taxonomy = $1' : ''}
     GROUP BY c.taxonomy, c.code`,
    taxonomyId ? [taxonomyId] : [],
  );
  const out = new Map<string, Map<string, number>>();
  for (const r of parseRows(Count, rows, 'label counts')) {
    let m = out.get(r.taxonomy);
    if (!m) out.set(r.taxonomy, (m = new Map()));
    m.set(r.code, r.n);
  }
  return out;
}

/** Counts that include every descendant's. */
export function rollUpCounts(tax: Taxonomy, direct: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [code, n] of direct) {
    if (!tax.has(code)) continue;
    for (const c of [code, ...tax.node(code).path]) out.set(c, (out.get(c) ?? 0) + n);
  }
  return out;
}

/** kind → code → statements whose current label on this taxonomy is the code or one of its sub-codes. */
export async function readRolledCountsByKind(db: Db, tax: Taxonomy): Promise<Record<'risk' | 'mitigation' | 'principle', Map<string, number>>> {
  const rows = await db.query(
    `SELECT s.kind, c.code, count(*)::int AS n FROM classifications c JOIN statements s ON s.id = c.statement_id
     JOIN documents d ON d.id = s.document_id
     WHERE c.taxonomy = $1 AND c.is_current AND s.retired_at IS NULL AND d.retired_at IS NULL GROUP BY s.kind, c.code`,
    [tax.id],
  );
  const out = { risk: new Map<string, number>(), mitigation: new Map<string, number>(), principle: new Map<string, number>() };
  for (const r of parseRows(KindCount, rows, 'label counts by kind')) {
    if (!tax.has(r.code)) continue;
    const m = out[r.kind];
    for (const code of [r.code, ...tax.node(r.code).path]) m.set(code, (m.get(code) ?? 0) + r.n);
  }
  return out;
}
