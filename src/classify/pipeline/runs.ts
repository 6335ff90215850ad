// Classification runs as rows: creating a run with all its items, finding one to resume, counting
// its items, and putting back claims of workers that are gone.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { processAlive, type Db } from '../../store/db.ts';
import { parseRows, queryRow, queryRows, tables } from '../../store/schema/index.ts';
import { paramsHash, type PlannedItem, type RunParams } from './selection.ts';

export interface RunRow {
  id: string;
  params: RunParams;
  params_hash: string;
  provider: string;
  model: string | null;
  status: 'running' | 'done' | 'stopped';
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

/** A classify_runs row, its params read as the run's parameters (written only by createRun). */
const runRow = tables.classifyRuns.row.extend({ params: z.custom<RunParams>((v) => typeof v === 'object' && v !== null && !Array.isArray(v)) });

export async function getRun(db: Db, id: string): Promise<RunRow | undefined> {
  return queryRow(db, runRow, 'SELECT * FROM classify_runs WHERE id = $1', [id], 'classify run');
}

/** The newest unfinished run with exactly these parameters, if any. */
export async function findResumableRun(db: Db, params: RunParams): Promise<RunRow | undefined> {
  return queryRow(
    db,
    runRow,
    `SELECT * FROM classify_runs WHERE params_hash = $1 AND status <> 'done' ORDER BY created_at DESC LIMIT 1`,
    [paramsHash(params)],
    'resumable classify run',
  );
}

function newRunId(): string {
  const d = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${d}-${randomBytes(3).toString('hex')}`;
}

/** Record a run and all its items (pending) in one transaction. */
export async function createRun(db: Db, params: RunParams, items: PlannedItem[]): Promise<RunRow> {
  return db.transaction(async (tx) => {
    const id = newRunId();
    const [run] = parseRows(
      runRow,
      await tx.query(`INSERT INTO classify_runs (id, params, params_hash, provider, model) VALUES ($1, $2, $3, $4, $5) RETURNING *`, [
        id,
        JSON.stringify(params),
        paramsHash(params),
        params.provider,
        params.model ?? null,
      ]),
      'new classify run',
    );
    for (let i = 0; i < items.length; i += 2000) {
      const chunk = items.slice(i, i + 2000).map((it, j) => ({ s: it.statementId, t: it.taxonomy, o: i + j }));
      await tx.query(
        `INSERT INTO classify_run_items (run_id, statement_id, taxonomy, ord)
         SELECT $1, x.s, x.t, x.o FROM jsonb_to_recordset($2::jsonb) AS x(s text, t text, o int)`,
        [id, JSON.stringify(chunk)],
      );
    }
    return run!;
  });
}

export interface RunCounts {
  total: number;
  pending: number;
  claimed: number;
  labelled: number;
  abstained: number;
  failed: number;
}

export async function runCounts(db: Db, runId: string): Promise<RunCounts> {
  const rows = await queryRows(
    db,
    z.object({ status: tables.classifyRunItems.columns.status.schema, n: z.number().int() }),
    'SELECT status, count(*)::int AS n FROM classify_run_items WHERE run_id = $1 GROUP BY status',
    [runId],
    'classify run item counts',
  );
  const c: RunCounts = { total: 0, pending: 0, claimed: 0, labelled: 0, abstained: 0, failed: 0 };
  for (const r of rows) {
    (c as unknown as Record<string, number>)[r.status] = r.n;
    c.total += r.n;
  }
  return c;
}

export async function listRuns(db: Db, limit = 20): Promise<(RunRow & RunCounts)[]> {
  const runs = await queryRows(db, runRow, 'SELECT * FROM classify_runs ORDER BY created_at DESC LIMIT $1', [limit], 'classify runs');
  return Promise.all(runs.map(async (r) => ({ ...r, ...(await runCounts(db, r.id)) })));
}


/**
 * Put back claims whose worker is known to be gone: a process on this host that no longer exists
 * (with PGlite, only one process can have the database open, so every other process is gone).
 * Claims of workers on other hosts are taken over when their lease expires.
 */
export async function releaseDeadClaims(db: Db, runId: string): Promise<void> {
  const rows = await queryRows(
    db,
    z.object({ worker: z.string().nullable() }),
    `SELECT DISTINCT worker FROM classify_run_items WHERE run_id = $1 AND status = 'claimed'`,
    [runId],
    'claiming workers',
  );
  const host = hostname();
  const dead = rows
    .map((r) => r.worker ?? '')
    .filter((w) => {
      const m = /^(.*):(\d+):[0-9a-f]+$/.exec(w);
      if (!m) return db.kind === 'pglite';
      const pid = Number(m[2]);
      if (db.kind === 'pglite') return pid !== process.pid || !processAlive(pid);
      return m[1] === host && pid !== process.pid && !processAlive(pid);
    });
  if (dead.length)
    await db.query(
      `UPDATE classify_run_items SET status = 'pending', worker = NULL, claimed_at = NULL
       WHERE run_id = $1 AND status = 'claimed' AND coalesce(worker, '') = ANY($2::text[])`,
      [runId, dead],
    );
}

