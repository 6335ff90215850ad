// Agreement between two label sources in the store (e.g. imported gold vs the embedded classifier).
import type { Db } from '../store/db.ts';
import { checkRows, tables } from '../store/schema/index.ts';
import type { Taxonomy } from '../taxonomy/index.ts';
import { agreement, agreementAtLevel, type Agreement } from './metrics.ts';

/**
 * A label source: `imported`, `embedded`, `llm`, `human` (source human), `annotation` (govnav's annotated set), optionally narrowed to a
 * model with `source:model` (e.g. `llm:gpt-4o-mini`); `humans` = any label a human coder gave
 * (imported gold included); `current` = the label currently shown.
 */
export interface SourceSpec {
  raw: string;
  kind: 'source' | 'humans' | 'current';
  source?: string;
  model?: string;
}

const SOURCES = ['human', 'llm', 'embedded', 'imported', 'annotation'];

export function parseSource(raw: string): SourceSpec {
  const s = raw.trim();
  if (s === 'current') return { raw: s, kind: 'current' };
  if (s === 'humans') return { raw: s, kind: 'humans' };
  const [source, ...rest] = s.split(':');
  if (!SOURCES.includes(source))
    throw new Error(`unknown label source "${raw}": use one of ${SOURCES.join(', ')}, humans, current (optionally source:model, e.g. llm:gpt-4o-mini)`);
  return { raw: s, kind: 'source', source, model: rest.length ? rest.join(':') : undefined };
}

/** The latest label per statement from one source, on one taxonomy. */
export async function labelsFrom(db: Db, taxonomy: string, src: SourceSpec): Promise<Map<string, string>> {
  const params: unknown[] = [taxonomy];
  let cond: string;
  if (src.kind === 'current') cond = 'is_current';
  else if (src.kind === 'humans') cond = 'human';
  else {
    params.push(src.source);
    cond = `source = $2`;
    if (src.model !== undefined) {
      params.push(src.model);
      cond += ` AND model = $3`;
    }
  }
  const q = await db.query(
    `SELECT DISTINCT ON (statement_id) statement_id, code
       FROM classifications
      WHERE taxonomy = $1 AND ${cond}
      ORDER BY statement_id, created_at DESC, id DESC`,
    params,
  );
  const rows = checkRows(tables.classifications.row.pick({ statement_id: true, code: true }), q, `${taxonomy} labels`);
  return new Map(rows.map((r) => [r.statement_id, r.code]));
}

export interface StoreAgreement {
  taxonomy: string;
  a: string;
  b: string;
  /** Statements labelled by A, by B, and by both (the scored rows). */
  labelledA: number;
  labelledB: number;
  agreement: Agreement;
  levels: Record<string, Agreement>;
}

export async function storeAgreement(db: Db, taxonomy: Taxonomy, a: SourceSpec, b: SourceSpec): Promise<StoreAgreement> {
  const la = await labelsFrom(db, taxonomy.id, a);
  const lb = await labelsFrom(db, taxonomy.id, b);
  const gold: string[] = [];
  const pred: string[] = [];
  for (const [id, code] of [...la.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const other = lb.get(id);
    if (other === undefined) continue;
    gold.push(code);
    pred.push(other);
  }
  const order = taxonomy.ordered().map((n) => n.code);
  const ordinal = taxonomy.data.ordinal ? taxonomy.ordered().filter((n) => !n.special).map((n) => n.code) : undefined;
  const usesOrdinal = ordinal && [...gold, ...pred].every((c) => ordinal.includes(c));
  const main = agreement(gold, pred, { order, ordinal: usesOrdinal ? ordinal : undefined });
  const levels: Record<string, Agreement> = {};
  const depth = Math.max(0, ...[...gold, ...pred].map((c) => (taxonomy.has(c) ? taxonomy.node(c).level : 0)));
  for (let level = 1; level < depth; level++)
    levels[`level ${level}`] = agreementAtLevel(gold, pred, (c) => (taxonomy.has(c) ? taxonomy.ancestorAt(c, level) : undefined), {
      order,
    });
  return { taxonomy: taxonomy.id, a: a.raw, b: b.raw, labelledA: la.size, labelledB: lb.size, agreement: main, levels };
}
