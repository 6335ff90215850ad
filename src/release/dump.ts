// Writing one database table (or query) to CSV and JSON Lines files in keyset batches.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { csvSafe } from '../export/writers.ts';
import type { Db } from '../store/index.ts';

export interface DumpSpec {
  /** Base file name: <name>.csv and <name>.jsonl. */
  name: string;
  /** SELECT … FROM … [WHERE …] without ORDER BY / LIMIT; must expose `key` as a column. */
  select: string;
  /** Column used for keyset paging (unique). Use `offset` for tables without a single key. */
  key: string | { offset: true };
  /** Cast of the key parameter, e.g. 'text' or 'bigint'. */
  keyType?: 'text' | 'bigint';
  /** Whether `select` already has a WHERE clause. */
  hasWhere?: boolean;
  columns: string[];
}

async function put(out: WriteStream, s: string): Promise<void> {
  if (!out.write(s)) await once(out, 'drain');
}

async function close(out: WriteStream): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
}

export function csvValue(v: unknown): string | number {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  // Formula-like text gets a leading quote (OWASP CSV injection); the JSONL twin keeps it raw.
  return csvSafe(v) as string | number;
}

function jsonValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString();
  return v;
}

/**
 * Dump rows to `<dir>/<name>.csv` and `<dir>/<name>.jsonl`; `onBatch` sees every batch (to build
 * snapshots) before it is written. Returns the number of rows.
 */
export async function dumpTable(
  db: Db,
  dir: string,
  spec: DumpSpec,
  opts: { batch?: number; onBatch?: (rows: Record<string, unknown>[]) => void } = {},
): Promise<number> {
  const batch = opts.batch ?? 5000;
  const csv = createWriteStream(join(dir, `${spec.name}.csv`));
  const jsonl = createWriteStream(join(dir, `${spec.name}.jsonl`));
  try {
    await put(csv, stringify([spec.columns]));
    let rows = 0;
    let after: unknown = spec.keyType === 'bigint' ? 0 : '';
    for (let page = 0; ; page++) {
      let res: Record<string, unknown>[];
      if (typeof spec.key === 'string') {
        const cond = `${spec.key} > $1::${spec.keyType ?? 'text'}`;
        res = await db.query(
          `${spec.select} ${spec.hasWhere ? 'AND' : 'WHERE'} ${cond} ORDER BY ${spec.key} LIMIT ${batch}`,
          [after],
        );
      } else {
        res = await db.query(`${spec.select} ORDER BY 1, 2 LIMIT ${batch} OFFSET ${page * batch}`);
      }
      if (!res.length) break;
      opts.onBatch?.(res);
      await put(csv, stringify(res.map((r) => spec.columns.map((c) => csvValue(r[c])))));
      await put(jsonl, res.map((r) => JSON.stringify(Object.fromEntries(spec.columns.map((c) => [c, jsonValue(r[c])])))).join('\n') + '\n');
      rows += res.length;
      if (res.length < batch) break;
      if (typeof spec.key === 'string') {
        const last = res[res.length - 1]![keyColumn(spec.key)];
        after = typeof last === 'bigint' ? last.toString() : last;
      }
    }
    return rows;
  } finally {
    await Promise.all([close(csv), close(jsonl)]);
  }
}

function keyColumn(key: string): string {
  const m = /\.(\w+)$/.exec(key);
  return m ? m[1]! : key;
}
