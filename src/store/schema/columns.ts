// Column types shared by the table schemas: how each PostgreSQL type arrives from either engine
// (PGlite and node-postgres both give timestamps as Date; bigint may come as a string; a row built
// with to_jsonb gives timestamps as strings), and the SQL type each stands for, which the schema
// test checks against information_schema on both engines.
import { z } from 'zod';

export type SqlType = 'text' | 'integer' | 'bigint' | 'real' | 'double precision' | 'boolean' | 'timestamp with time zone' | 'jsonb' | 'ARRAY' | 'tsvector';

/** A column: its zod schema and its SQL type (nullability is the schema's: `.nullable()`). */
export interface Column<S extends z.ZodType = z.ZodType> {
  schema: S;
  sql: SqlType;
}

export const col = <S extends z.ZodType>(schema: S, sql: SqlType): Column<S> => ({ schema, sql });

export const text = () => col(z.string(), 'text');
export const int = () => col(z.number().int(), 'integer');
// bigint and real may arrive as strings (node-postgres keeps 64-bit integers exact that way); null never coerces.
const numeric = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i).transform(Number)]);
export const bigint = () => col(numeric.pipe(z.number().int()), 'bigint');
export const real = () => col(numeric, 'real');
export const double = () => col(numeric, 'double precision');
export const bool = () => col(z.boolean(), 'boolean');
/** Date objects from the drivers, ISO strings from to_jsonb rows. */
export const timestamp = () => col(z.union([z.date(), z.iso.datetime({ offset: true, local: true }).or(z.string().regex(/^\d{4}-\d\d-\d\d[ T]/)).transform((v) => new Date(v))]), 'timestamp with time zone');
export const jsonObject = () => col(z.record(z.string(), z.unknown()), 'jsonb');
/** Any JSON value but SQL null (a jsonb column that is NOT NULL). */
export const jsonAny = () => col(z.union([z.array(z.unknown()), z.record(z.string(), z.unknown()), z.string(), z.number(), z.boolean()]), 'jsonb');
export const textArray = () => col(z.array(z.string()), 'ARRAY');

export function nullable<S extends z.ZodType>(c: Column<S>): Column<z.ZodNullable<S>> {
  return { schema: c.schema.nullable(), sql: c.sql };
}

type Shape<C extends Record<string, Column>> = { [K in keyof C]: C[K]['schema'] };

/** A table: its name, its columns, and the zod object of a whole row. */
export interface Table<C extends Record<string, Column>> {
  name: string;
  columns: C;
  row: z.ZodObject<Shape<C>>;
  /** Columns left out of the row type on purpose (internal to the store, e.g. search vectors). */
  internal: string[];
}

export function table<C extends Record<string, Column>>(name: string, columns: C, internal: string[] = []): Table<C> {
  const shape = Object.fromEntries(Object.entries(columns).map(([k, c]) => [k, c.schema])) as Shape<C>;
  return { name, columns, row: z.object(shape), internal };
}

/** The zod object of a query's own row shape (computed or aggregate columns), built from column helpers. */
export function row<C extends Record<string, Column>>(columns: C): z.ZodObject<Shape<C>> {
  return table('(query)', columns).row;
}

export class RowShapeError extends Error {
  constructor(where: string, issue: z.core.$ZodIssue) {
    super(`${where}: column "${issue.path.join('.')}": ${issue.message}`);
    this.name = 'RowShapeError';
  }
}

/** Parse query rows through a schema; a row that does not fit names the query, the row and the column. */
export function parseRows<S extends z.ZodType>(schema: S, rows: unknown[], where: string): z.infer<S>[] {
  const out: z.infer<S>[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = schema.safeParse(rows[i]);
    if (!r.success) throw new RowShapeError(`${where}, row ${i + 1}`, r.error.issues[0]!);
    out[i] = r.data;
  }
  return out;
}

/** The parsed row is the row as it came: the same columns (in any order) with the same values. */
function sameRow(parsed: unknown, raw: unknown): boolean {
  if (typeof parsed !== 'object' || parsed === null || typeof raw !== 'object' || raw === null) return Object.is(parsed, raw);
  const a = parsed as Record<string, unknown>;
  const b = raw as Record<string, unknown>;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && (Object.is(a[k], b[k]) || JSON.stringify(a[k]) === JSON.stringify(b[k])));
}

/**
 * For bulk reads on hot paths (index builds, classification batches): check the first `sample`
 * rows (and the last) against the schema, then hand back all rows typed by it. Only for schemas
 * that transform nothing (plain strings, integers, booleans, nullable), where a checked row is
 * returned as it came; a schema with transforms must go through parseRows.
 */
export function checkRows<S extends z.ZodType>(schema: S, rows: unknown[], where: string, sample = 64): z.infer<S>[] {
  const n = rows.length;
  const check = (i: number) => {
    const r = schema.safeParse(rows[i]);
    if (!r.success) throw new RowShapeError(`${where}, row ${i + 1}`, r.error.issues[0]!);
    if (r.data !== rows[i] && !sameRow(r.data, rows[i])) {
      throw new Error(`${where}: checkRows needs a schema that transforms nothing; use parseRows`);
    }
  };
  for (let i = 0; i < Math.min(sample, n); i++) check(i);
  if (n > sample) check(n - 1);
  return rows as z.infer<S>[];
}

/** The one method of the database interface that the helpers below need (src/store/db.ts `Db`). */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown[]>;
}

/** Run a query and parse its rows through `schema` (see parseRows); `where` names the query in errors. */
export async function queryRows<S extends z.ZodType>(db: Queryable, schema: S, sql: string, params: unknown[], where: string): Promise<z.infer<S>[]> {
  return parseRows(schema, await db.query(sql, params), where);
}

/** Like queryRows, for a query of at most one row: the parsed row, or undefined when there is none. */
export async function queryRow<S extends z.ZodType>(db: Queryable, schema: S, sql: string, params: unknown[], where: string): Promise<z.infer<S> | undefined> {
  const rows = await db.query(sql, params);
  return rows.length ? parseRows(schema, [rows[0]], where)[0] : undefined;
}
