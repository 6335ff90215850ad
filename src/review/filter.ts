// Review queue filters: which machine labels a queue holds, checked and built from loose options
// (CLI flags, URL parameters), with errors that name the wrong value.
import { parseQuery, type StatementQuery } from '../search/query.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import { ReviewError } from './errors.ts';

/** Sources a review queue can hold: every label not made by a person. */
export const MACHINE_SOURCES = ['llm', 'embedded', 'imported'] as const;
export type MachineSource = (typeof MACHINE_SOURCES)[number];
export const QUEUE_ORDERS = ['confidence', 'id'] as const;
export type QueueOrder = (typeof QUEUE_ORDERS)[number];

export interface QueueFilter {
  /** Only these taxonomies. */
  taxonomies?: string[];
  /** Only labels from these sources. */
  sources?: MachineSource[];
  /** Only labels made by this model (exact match on the label's model). */
  model?: string;
  /** Only labels whose confidence is at most this (an unknown confidence counts as 0). */
  maxConfidence?: number;
  /** The shared query model's filters on the labelled statements (see src/search/query.ts). */
  where?: StatementQuery;
  /** Leave these labels out (e.g. the ones skipped in an interactive session). */
  excludeIds?: number[];
  /** Lowest confidence first (default), or label id. */
  order?: QueueOrder;
  limit?: number;
  offset?: number;
}

/**
 * Build a queue filter from loose options (CLI flags, API parameters): validates taxonomy ids,
 * sources, the confidence threshold and the `where` query string, naming whatever is wrong.
 */
export function queueFilter(
  registry: TaxonomyRegistry,
  opts: {
    taxonomies?: string[];
    sources?: string[];
    model?: string;
    maxConfidence?: number | string;
    where?: string;
    order?: string;
    limit?: number | string;
  },
): QueueFilter {
  const f: QueueFilter = {};
  if (opts.taxonomies?.length) {
    for (const t of opts.taxonomies)
      if (!registry.has(t))
        throw new ReviewError(`Unknown taxonomy "${t}". Known: ${registry.list().map((x) => x.id).join(', ')}.`);
    f.taxonomies = [...new Set(opts.taxonomies)];
  }
  if (opts.sources?.length) {
    for (const s of opts.sources)
      if (!(MACHINE_SOURCES as readonly string[]).includes(s))
        throw new ReviewError(`Unknown label source "${s}": review covers machine labels from ${MACHINE_SOURCES.join(', ')}.`);
    f.sources = [...new Set(opts.sources)] as MachineSource[];
  }
  if (opts.model !== undefined && opts.model !== '') f.model = opts.model;
  if (opts.maxConfidence !== undefined && opts.maxConfidence !== '') {
    const n = Number(opts.maxConfidence);
    if (!Number.isFinite(n) || n < 0 || n > 1)
      throw new ReviewError(`--max-confidence must be a number from 0 to 1, not "${opts.maxConfidence}".`);
    f.maxConfidence = n;
  }
  if (opts.where !== undefined && opts.where.trim() !== '') f.where = parseWhere(registry, opts.where);
  if (opts.order !== undefined) {
    if (!(QUEUE_ORDERS as readonly string[]).includes(opts.order))
      throw new ReviewError(`--order must be one of ${QUEUE_ORDERS.join(', ')}, not "${opts.order}".`);
    f.order = opts.order as QueueOrder;
  }
  if (opts.limit !== undefined && opts.limit !== '') {
    const n = Number(opts.limit);
    if (!Number.isInteger(n) || n < 0) throw new ReviewError(`--limit must be a whole number, not "${opts.limit}".`);
    f.limit = n;
  }
  return f;
}

/** Parse a query string such as "risk-domain=2&kind=mitigation" with the shared query model. */
export function parseWhere(registry: TaxonomyRegistry, where: string): StatementQuery {
  const { query, errors } = parseQuery(new URLSearchParams(where.trim().replace(/^\?/, '')), registry);
  if (errors.length)
    throw new ReviewError(
      `--where "${where}": ` + errors.map((e) => `${e.param}=${e.value}: ${e.message}`).join('; ') + '.',
    );
  return query;
}
