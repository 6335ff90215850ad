// Which (statement, taxonomy) items a classification run covers: the selection, its checks, the
// plan in a stable order, and the parameter hash that identifies a run with the same options.
import { createHash } from 'node:crypto';
import type { StatementKind } from '../../model/index.ts';
import { z } from 'zod';
import type { Db } from '../../store/db.ts';
import { checkRows, tables } from '../../store/schema/index.ts';
import type { Taxonomy, TaxonomyRegistry } from '../../taxonomy/index.ts';

export interface Selection {
  /** Taxonomy ids; undefined or empty = every taxonomy that applies to each statement's kind. */
  taxonomies?: string[];
  kinds?: StatementKind[];
  /** Only these statements. */
  statementIds?: string[];
  /** Skip (statement, taxonomy) pairs that already have a current label. */
  onlyUnlabelled?: boolean;
  /** At most this many statements (those with at least one item to do, in id order). */
  limit?: number;
}

export interface RunParams extends Selection {
  provider: string;
  model?: string;
  /** Prompt (or model) versions per taxonomy, so that a changed prompt starts a new run. */
  versions?: Record<string, string>;
}

export interface PlannedItem {
  statementId: string;
  taxonomy: string;
}

export function paramsHash(p: RunParams): string {
  const norm = {
    provider: p.provider,
    model: p.model ?? null,
    versions: p.versions ? Object.fromEntries(Object.entries(p.versions).sort()) : null,
    taxonomies: p.taxonomies?.length ? [...p.taxonomies].sort() : null,
    kinds: p.kinds?.length ? [...p.kinds].sort() : null,
    statementIds: p.statementIds?.length ? [...p.statementIds].sort() : null,
    onlyUnlabelled: !!p.onlyUnlabelled,
    limit: p.limit ?? null,
  };
  return createHash('sha256').update(JSON.stringify(norm)).digest('hex').slice(0, 32);
}

/** The taxonomies to label for a statement kind under a selection (and that the classifier supports). */
export function taxonomiesFor(kind: StatementKind, registry: TaxonomyRegistry, sel: Selection, supports: (t: string) => boolean): Taxonomy[] {
  const wanted = sel.taxonomies?.length ? new Set(sel.taxonomies) : undefined;
  return registry.forKind(kind).filter((t) => (!wanted || wanted.has(t.id)) && supports(t.id));
}

/** Check a selection before planning: unknown taxonomies or kinds are errors, not silent no-ops. */
export function checkSelection(registry: TaxonomyRegistry, sel: Selection, supports: (t: string) => boolean): void {
  for (const id of sel.taxonomies ?? []) {
    if (!registry.has(id)) throw new Error(`Unknown taxonomy "${id}". Known: ${registry.list().map((t) => t.id).join(', ')}`);
    const t = registry.get(id);
    if (t.data.appliesTo.length === 0) throw new Error(`Taxonomy "${id}" does not label statements (it applies to documents or other uses).`);
    if (!supports(id)) throw new Error(`The chosen classifier cannot label taxonomy "${id}" (for LLM providers: no prompt for it in prompts/).`);
  }
  if (sel.limit !== undefined && (!Number.isInteger(sel.limit) || sel.limit < 1)) throw new Error(`--limit must be a whole number ≥ 1, not ${sel.limit}.`);
}

/** The items a selection asks for, in a stable order (statement id, then taxonomy file order). */
export async function planItems(db: Db, registry: TaxonomyRegistry, sel: Selection, supports: (t: string) => boolean): Promise<PlannedItem[]> {
  const where: string[] = ['retired_at IS NULL'];
  const params: unknown[] = [];
  if (sel.kinds?.length) {
    params.push(sel.kinds);
    where.push(`kind = ANY($${params.length}::text[])`);
  }
  if (sel.statementIds?.length) {
    params.push(sel.statementIds);
    where.push(`id = ANY($${params.length}::text[])`);
  }
  const statements = checkRows(
    tables.statements.row.pick({ id: true, kind: true }),
    await db.query(`SELECT id, kind FROM statements WHERE ${where.join(' AND ')} ORDER BY id`, params),
    'statements to classify',
  );
  let labelled = new Set<string>();
  if (sel.onlyUnlabelled) {
    const rows = checkRows(
      z.object({ k: z.string() }),
      await db.query(
        `SELECT c.statement_id || ' ' || c.taxonomy AS k FROM classifications c JOIN statements s ON s.id = c.statement_id
       WHERE c.is_current AND s.retired_at IS NULL`,
      ),
      'current labels',
    );
    labelled = new Set(rows.map((r) => r.k));
  }
  const out: PlannedItem[] = [];
  let count = 0;
  for (const s of statements) {
    const items = taxonomiesFor(s.kind, registry, sel, supports)
      .filter((t) => !labelled.has(`${s.id} ${t.id}`))
      .map((t) => ({ statementId: s.id, taxonomy: t.id }));
    if (!items.length) continue;
    out.push(...items);
    if (sel.limit !== undefined && ++count >= sel.limit) break;
  }
  return out;
}

