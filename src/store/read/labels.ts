// Current labels of many statements at once, for lists (document trees, taxonomy and risk pages).
import type { Db } from '../db.ts';
import { parseRows } from '../schema/columns.ts';
import { classifications } from '../schema/tables.ts';

export const LabelBrief = classifications.row.pick({ statement_id: true, taxonomy: true, code: true });
export type LabelBrief = typeof LabelBrief._output;

/** The current labels of these statements, on these taxonomies (all when none are given). */
export async function readCurrentLabels(db: Db, ids: string[], taxonomyIds?: string[]): Promise<LabelBrief[]> {
  if (!ids.length || (taxonomyIds && !taxonomyIds.length)) return [];
  const rows = taxonomyIds
    ? await db.query(
        `SELECT statement_id, taxonomy, code FROM classifications WHERE statement_id = ANY($1::text[]) AND taxonomy = ANY($2::text[]) AND is_current`,
        [ids, taxonomyIds],
      )
    : await db.query(`SELECT statement_id, taxonomy, code FROM classifications WHERE statement_id = ANY($1::text[]) AND is_current`, [ids]);
  return parseRows(LabelBrief, rows, 'current labels');
}
