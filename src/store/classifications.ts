// Taxonomy nodes in the database, and classifications with their provenance. Several labels may
// exist for one statement and taxonomy; exactly one is current: human judgement beats machines,
// reviewed beats unreviewed, and among equals the newest wins. Rejected labels are never current.
import { z } from 'zod';
import { ClassificationInput } from '../model/index.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import type { Db } from './db.ts';
import { pgTextArray, ValidationError } from './corpus.ts';
import { queryRow, queryRows } from './schema/columns.ts';
import { classifications, type ClassificationRecord } from './schema/tables.ts';

const LabelKey = z.object({ statement_id: z.string(), taxonomy: z.string(), key: z.string() });

/** Copy the taxonomy files into taxonomy_nodes (codes no longer in a file are kept, marked retired). */
export async function syncTaxonomies(db: Db, registry: TaxonomyRegistry): Promise<void> {
  const rows = registry.list().flatMap((t) =>
    t.ordered().map((n) => ({
      taxonomy: t.id,
      code: n.code,
      version: t.version,
      parent: n.parent,
      level: n.level,
      ord: n.ord,
      name_en: n.name.en,
      name_zh: n.name.zh ?? null,
      description_en: n.description?.en ?? null,
      description_zh: n.description?.zh ?? null,
      special: n.special ?? null,
      project_label: n.projectLabel,
    })),
  );
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO taxonomy_nodes (taxonomy, code, version, parent, level, ord, name_en, name_zh, description_en,
         description_zh, special, project_label, retired)
       SELECT x.taxonomy, x.code, x.version, x.parent, x.level, x.ord, x.name_en, x.name_zh, x.description_en,
         x.description_zh, x.special, x.project_label, false
       FROM jsonb_to_recordset($1::jsonb) AS x(taxonomy text, code text, version text, parent text, level int, ord int,
         name_en text, name_zh text, description_en text, description_zh text, special text, project_label boolean)
       ON CONFLICT (taxonomy, code) DO UPDATE SET version = EXCLUDED.version, parent = EXCLUDED.parent,
         level = EXCLUDED.level, ord = EXCLUDED.ord, name_en = EXCLUDED.name_en, name_zh = EXCLUDED.name_zh,
         description_en = EXCLUDED.description_en, description_zh = EXCLUDED.description_zh,
         special = EXCLUDED.special, project_label = EXCLUDED.project_label, retired = false`,
      [JSON.stringify(rows)],
    );
    await tx.query(
      `UPDATE taxonomy_nodes SET retired = true
       WHERE NOT ((taxonomy || ' ' || code) = ANY($1::text[])) AND NOT retired`,
      [rows.map((r) => `${r.taxonomy} ${r.code}`)],
    );
  });
}

/** A label as stored (the row of `classifications`, src/store/schema/tables.ts). */
export type ClassificationRow = ClassificationRecord;

export interface NewClassification extends ClassificationInput {
  statementId: string;
  secondary?: string[];
  modelVersion?: string;
  runId?: string;
  /** A suggestion (below the classifier's threshold): stored, never current unless accepted. */
  suggested?: boolean;
  reasoningZh?: string;
}

/** The rows to insert, each code checked against its taxonomy (the first bad item names itself). */
function checkedRows(registry: TaxonomyRegistry, items: NewClassification[]) {
  return items.map((it) => {
    const where = `statement ${it.statementId}, taxonomy ${it.taxonomy}`;
    const parsed = ClassificationInput.safeParse(it);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new ValidationError(where, i.path.join('.'), i.message);
    }
    const c = parsed.data;
    if (!registry.has(c.taxonomy)) throw new ValidationError(where, 'taxonomy', `unknown taxonomy "${c.taxonomy}"`);
    const t = registry.get(c.taxonomy);
    for (const code of [c.code, ...(it.secondary ?? [])])
      if (!t.has(code)) throw new ValidationError(where, 'code', `"${code}" is not a code of taxonomy "${c.taxonomy}"`);
    return {
      statement_id: it.statementId,
      taxonomy: c.taxonomy,
      taxonomy_version: t.version,
      code: c.code,
      secondary: it.secondary ?? [],
      source: c.source,
      human: c.human || c.source === 'human',
      model: c.model ?? null,
      model_version: it.modelVersion ?? null,
      prompt_version: c.promptVersion ?? null,
      reasoning: c.reasoning ?? null,
      confidence: c.confidence ?? null,
      review_status: c.reviewStatus,
      reviewer: c.reviewer ?? null,
      source_value: c.sourceValue ?? null,
      run_id: it.runId ?? null,
      suggested: !!it.suggested,
      reasoning_zh: it.reasoningZh ? it.reasoningZh.slice(0, 500) : null,
    };
  });
}

/**
 * Insert labels after checking every code against its taxonomy (an unknown code is an error that
 * names the statement, taxonomy and code; nothing is written). With `skipIdentical`, a label equal
 * to the newest existing one from the same source is not inserted again (idempotent imports).
 * Current labels of the affected statements are recomputed.
 */
export async function insertClassifications(
  db: Db,
  registry: TaxonomyRegistry,
  items: NewClassification[],
  opts: { skipIdentical?: boolean } = {},
): Promise<{ inserted: number; unchanged: number }> {
  const rows = checkedRows(registry, items);
  if (rows.length === 0) return { inserted: 0, unchanged: 0 };
  // What these statements already have: to skip identical labels, and to know which (statement,
  // taxonomy) pairs are new, whose one label can be made current at once without a recount.
  const latest = await queryRows(
    db,
    LabelKey,
    `SELECT DISTINCT ON (statement_id, taxonomy, source) statement_id, taxonomy,
       statement_id || '|' || taxonomy || '|' || source || '|' || code || '|' || coalesce(source_value, '') || '|' ||
       array_to_string(secondary, ',') || '|' || human::text AS key
     FROM classifications WHERE statement_id = ANY($1::text[])
     ORDER BY statement_id, taxonomy, source, created_at DESC, id DESC`,
    [[...new Set(rows.map((r) => r.statement_id))]],
    'latest labels',
  );
  let toInsert = rows;
  if (opts.skipIdentical) {
    const have = new Set(latest.map((r) => r.key));
    toInsert = rows.filter(
      (r) => !have.has([r.statement_id, r.taxonomy, r.source, r.code, r.source_value ?? '', r.secondary.join(','), String(r.human)].join('|')),
    );
  }
  const existingPairs = new Set(latest.map((r) => `${r.statement_id}|${r.taxonomy}`));
  const inBatch = new Map<string, number>();
  for (const r of toInsert) inBatch.set(`${r.statement_id}|${r.taxonomy}`, (inBatch.get(`${r.statement_id}|${r.taxonomy}`) ?? 0) + 1);
  const needRefresh = new Set<string>();
  const prepared = toInsert.map((r) => {
    const pair = `${r.statement_id}|${r.taxonomy}`;
    const alone = !existingPairs.has(pair) && inBatch.get(pair) === 1;
    if (!alone) needRefresh.add(r.statement_id);
    return { ...r, secondary: pgTextArray(r.secondary), is_current: alone && r.review_status !== 'rejected' && !r.suggested };
  });
  for (let i = 0; i < prepared.length; i += 1000) {
    await db.query(
      `INSERT INTO classifications (statement_id, taxonomy, taxonomy_version, code, secondary, source, human, model,
         model_version, prompt_version, reasoning, confidence, review_status, reviewer, source_value, run_id, is_current,
         suggested, reasoning_zh)
       SELECT x.statement_id, x.taxonomy, x.taxonomy_version, x.code, x.secondary::text[], x.source, x.human, x.model,
         x.model_version, x.prompt_version, x.reasoning, x.confidence, x.review_status, x.reviewer, x.source_value,
         x.run_id, x.is_current, x.suggested, x.reasoning_zh
       FROM jsonb_to_recordset($1::jsonb) AS x(statement_id text, taxonomy text, taxonomy_version text, code text,
         secondary text, source text, human boolean, model text, model_version text, prompt_version text,
         reasoning text, confidence real, review_status text, reviewer text, source_value text, run_id text,
         is_current boolean, suggested boolean, reasoning_zh text)`,
      [JSON.stringify(prepared.slice(i, i + 1000))],
    );
  }
  if (needRefresh.size) await refreshCurrent(db, [...needRefresh]);
  return { inserted: toInsert.length, unchanged: rows.length - toInsert.length };
}

const RANK = `row_number() OVER (PARTITION BY statement_id, taxonomy ORDER BY human DESC,
  (review_status IN ('accepted', 'corrected', 'adjudicated')) DESC,
  CASE source WHEN 'human' THEN 0 WHEN 'imported' THEN 1 WHEN 'annotation' THEN 2 WHEN 'llm' THEN 3 ELSE 4 END,
  created_at DESC, id DESC)`;

/** Recompute which label is current for these statements (all taxonomies). */
export async function refreshCurrent(db: Db, statementIds: string[]): Promise<void> {
  for (let i = 0; i < statementIds.length; i += 5000) {
    const ids = statementIds.slice(i, i + 5000);
    // A newer embedded run that only suggests a code supersedes an older unreviewed embedded label:
    // the older model's guess must not stay on the page as the category once a newer model is unsure.
    const winners = `SELECT id FROM (SELECT id, ${RANK} AS rn FROM classifications c
       WHERE statement_id = ANY($1::text[]) AND review_status <> 'rejected'
         AND (NOT suggested OR review_status IN ('accepted', 'corrected', 'adjudicated'))
         AND NOT (source = 'embedded' AND review_status = 'unreviewed' AND EXISTS (
           SELECT 1 FROM classifications n WHERE n.statement_id = c.statement_id AND n.taxonomy = c.taxonomy
             AND n.source = 'embedded' AND n.suggested AND n.review_status = 'unreviewed'
             AND (n.created_at > c.created_at OR (n.created_at = c.created_at AND n.id > c.id))))) r WHERE rn = 1`;
    await db.query(
      `UPDATE classifications SET is_current = false
       WHERE statement_id = ANY($1::text[]) AND is_current AND id NOT IN (${winners})`,
      [ids],
    );
    await db.query(
      `UPDATE classifications SET is_current = true WHERE id IN (${winners}) AND NOT is_current`,
      [ids],
    );
  }
}

/** Set the review state of one label (a human decision) and recompute the current label. */
export async function reviewClassification(
  db: Db,
  id: number,
  status: 'accepted' | 'rejected',
  reviewer: string,
): Promise<ClassificationRow> {
  const row = await queryRow(
    db,
    classifications.row,
    `UPDATE classifications SET review_status = $2, reviewer = $3, reviewed_at = now() WHERE id = $1 RETURNING *`,
    [id, status, reviewer],
    'review a label',
  );
  if (!row) throw new Error(`No classification with id ${id}.`);
  await refreshCurrent(db, [row.statement_id]);
  return row;
}

/** Every label of these statements, current ones first. */
export async function classificationsOf(db: Db, statementIds: string[]): Promise<ClassificationRow[]> {
  if (!statementIds.length) return [];
  return queryRows(
    db,
    classifications.row,
    `SELECT * FROM classifications WHERE statement_id = ANY($1::text[])
     ORDER BY statement_id, taxonomy, is_current DESC, created_at DESC, id DESC`,
    [statementIds],
    'labels of statements',
  );
}

/** statement id → taxonomy → current label. */
export async function currentLabels(db: Db, statementIds: string[]): Promise<Map<string, Map<string, ClassificationRow>>> {
  const out = new Map<string, Map<string, ClassificationRow>>();
  if (!statementIds.length) return out;
  const rows = await queryRows(
    db,
    classifications.row,
    'SELECT * FROM classifications WHERE statement_id = ANY($1::text[]) AND is_current',
    [statementIds],
    'current labels',
  );
  for (const r of rows) {
    let m = out.get(r.statement_id);
    if (!m) out.set(r.statement_id, (m = new Map()));
    m.set(r.taxonomy, r);
  }
  return out;
}
