// Public ids: D0001 for documents, M000001 / R000001 / P000001 for mitigation, risk and principle
// statements. Counters only move forward, so an id is never reused, even after a delete.
import type { StatementKind } from '../model/index.ts';
import { z } from 'zod';
import type { Db } from './db.ts';
import { bigint, parseRows } from './schema/columns.ts';

export const STATEMENT_PREFIX: Record<StatementKind, string> = { mitigation: 'M', risk: 'R', principle: 'P' };
const WIDTH: Record<string, number> = { D: 4, W: 4, M: 6, R: 6, P: 6 };

export function formatId(prefix: string, n: number): string {
  return prefix + String(n).padStart(WIDTH[prefix] ?? 6, '0');
}

/** Reserve `count` consecutive ids with this prefix and return them. */
export async function allocateIds(db: Db, prefix: string, count: number): Promise<string[]> {
  if (count <= 0) return [];
  const [row] = parseRows(
    z.object({ start: bigint().schema }),
    await db.query(
      `INSERT INTO id_counters (prefix, next) VALUES ($1, 1 + $2::int)
       ON CONFLICT (prefix) DO UPDATE SET next = id_counters.next + $2::int
       RETURNING next - $2::int AS start`,
      [prefix, count],
    ),
    `id counter ${prefix}`,
  );
  const start = row!.start;
  return Array.from({ length: count }, (_, i) => formatId(prefix, start + i));
}

export const ID_PATTERN = /^(D\d{4,}|[MRP]\d{6,})$/;
