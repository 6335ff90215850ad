// The classification pipeline: choose (statement, taxonomy) items, record them as a run, label them
// with any Classifier, and store the labels in batches (one transaction per batch).
//
// Runs are resumable and shareable. The items of a run are written before any work starts; a worker
// claims pending items with FOR UPDATE SKIP LOCKED, so several workers (processes or machines, on
// PostgreSQL) can share one run without doing an item twice; an item claimed by a worker that died
// is taken over when its lease expires. An interrupted run continues with --resume (or simply by
// running the same command again): finished items are skipped, and requests already answered by a
// provider are served from the response cache, so no call is repeated.
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { StatementKind } from '../model/index.ts';
import { processAlive, type Db } from '../store/db.ts';
import { insertClassifications, type NewClassification } from '../store/classifications.ts';
import type { Taxonomy, TaxonomyRegistry } from '../taxonomy/index.ts';
import { clampReasoning, MAX_REASONING, type Classifier, type ClassifyInput, type ClassifyResult } from './types.ts';
import { isAbort, isFatal } from './llm/errors.ts';
import { answerableCodes } from './llm/prompts.ts';

// ------------------------------------------------------------------ selection and runs

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
  const statements = await db.query<{ id: string; kind: StatementKind }>(
    `SELECT id, kind FROM statements WHERE ${where.join(' AND ')} ORDER BY id`,
    params,
  );
  let labelled = new Set<string>();
  if (sel.onlyUnlabelled) {
    const rows = await db.query<{ k: string }>(
      `SELECT c.statement_id || ' ' || c.taxonomy AS k FROM classifications c JOIN statements s ON s.id = c.statement_id
       WHERE c.is_current AND s.retired_at IS NULL`,
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

export async function getRun(db: Db, id: string): Promise<RunRow | undefined> {
  const [r] = await db.query<RunRow>('SELECT * FROM classify_runs WHERE id = $1', [id]);
  return r;
}

/** The newest unfinished run with exactly these parameters, if any. */
export async function findResumableRun(db: Db, params: RunParams): Promise<RunRow | undefined> {
  const [r] = await db.query<RunRow>(
    `SELECT * FROM classify_runs WHERE params_hash = $1 AND status <> 'done' ORDER BY created_at DESC LIMIT 1`,
    [paramsHash(params)],
  );
  return r;
}

function newRunId(): string {
  const d = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${d}-${randomBytes(3).toString('hex')}`;
}

/** Record a run and all its items (pending) in one transaction. */
export async function createRun(db: Db, params: RunParams, items: PlannedItem[]): Promise<RunRow> {
  return db.transaction(async (tx) => {
    const id = newRunId();
    const [run] = await tx.query<RunRow>(
      `INSERT INTO classify_runs (id, params, params_hash, provider, model) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [id, JSON.stringify(params), paramsHash(params), params.provider, params.model ?? null],
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
  const rows = await db.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM classify_run_items WHERE run_id = $1 GROUP BY status',
    [runId],
  );
  const c: RunCounts = { total: 0, pending: 0, claimed: 0, labelled: 0, abstained: 0, failed: 0 };
  for (const r of rows) {
    (c as unknown as Record<string, number>)[r.status] = r.n;
    c.total += r.n;
  }
  return c;
}

export async function listRuns(db: Db, limit = 20): Promise<(RunRow & RunCounts)[]> {
  const runs = await db.query<RunRow>('SELECT * FROM classify_runs ORDER BY created_at DESC LIMIT $1', [limit]);
  return Promise.all(runs.map(async (r) => ({ ...r, ...(await runCounts(db, r.id)) })));
}

// ------------------------------------------------------------------ running

export interface ProgressEvent {
  done: number;
  total: number;
  labelled: number;
  abstained: number;
  failed: number;
  cached: number;
}

export interface RunOptions {
  db: Db;
  registry: TaxonomyRegistry;
  classifier: Classifier;
  params: RunParams;
  /** Resume this run id; `true` = the newest unfinished run with the same parameters (the default behaviour). */
  resume?: string | boolean;
  /** Start a new run even when an unfinished one with the same parameters exists. */
  fresh?: boolean;
  /** Put failed items of a resumed run back in the queue. */
  retryFailed?: boolean;
  /** Items classified at the same time (for LLM providers: the provider's concurrency). */
  concurrency?: number;
  /** Results per transaction. */
  batchSize?: number;
  /** Longest time a finished result waits before its batch is written. */
  flushMs?: number;
  /** A claim older than this is taken over by another worker (the first one died). */
  leaseSeconds?: number;
  workerId?: string;
  /** Stop taking new items; requests in flight finish and are stored (a graceful stop, e.g. the first Ctrl-C). */
  signal?: AbortSignal;
  /** Abort requests in flight too (e.g. a second Ctrl-C). Their items go back to pending. */
  hardSignal?: AbortSignal;
  onProgress?: (e: ProgressEvent) => void;
  /** Called once the run is known (new or resumed), before any work. */
  onStart?: (info: { run: RunRow; resumed: boolean; counts: RunCounts }) => void;
}

export interface Failure {
  statementId: string;
  taxonomy: string;
  reason: string;
}

export interface RunSummary {
  runId: string;
  resumed: boolean;
  /** Items in the run. */
  total: number;
  /** Items finished by earlier invocations (skipped now). */
  alreadyDone: number;
  /** Finished by this invocation: */
  labelled: number;
  abstained: number;
  failed: number;
  /** Of the labelled: stored only as a suggestion (below the classifier's threshold; never current). */
  suggested: number;
  /** Labels equal to one already stored (same code, model and prompt), not stored twice. */
  unchanged: number;
  /** Items this worker finished after another worker had already finished them (lease taken over); not stored. */
  duplicates: number;
  /** Items answered entirely from the response cache. */
  cached: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Undefined when some tokens were spent on a model with no known price. */
  costUsd?: number;
  failures: Failure[];
  /** Items still pending (stopped early, or claimed by other workers). */
  remaining: number;
  stopped: boolean;
  elapsedMs: number;
  status: RunRow['status'];
}

/** Optional hooks a classifier may offer (the LLM classifier does): batch cache lookups, durable cache writes. */
interface BatchAware {
  prepare?(items: { input: ClassifyInput; taxonomy: string }[]): Promise<void>;
  flush?(): Promise<void>;
}

interface WorkItem {
  statementId: string;
  taxonomy: string;
  input: ClassifyInput;
}

type Outcome =
  | { item: WorkItem; kind: 'labelled' | 'abstained'; result: ClassifyResult; code: string | null }
  | { item: WorkItem; kind: 'failed'; reason: string; usage?: { inputTokens: number; outputTokens: number; costUsd?: number; requests: number } };

/** HTTP requests behind a result, when the classifier says (LLM classifiers add `requests` to usage). */
function requestsOf(u: ClassifyResult['usage']): number {
  const n = (u as { requests?: unknown } | undefined)?.requests;
  return typeof n === 'number' ? n : 0;
}

/** Check a classifier's result against the taxonomy: a classifier bug must never store an invalid code. */
const allowedMemo = new WeakMap<Taxonomy, Set<string>>();
function validateResult(r: ClassifyResult, t: Taxonomy): string | undefined {
  let allowed = allowedMemo.get(t);
  if (!allowed) allowedMemo.set(t, (allowed = new Set(answerableCodes(t))));
  if (r.taxonomy !== t.id) return `classifier answered for taxonomy "${r.taxonomy}" instead of "${t.id}"`;
  if (r.code !== null && !allowed.has(r.code)) return `classifier returned "${r.code}", which is not an assignable code of ${t.id}`;
  for (const s of r.secondary ?? []) if (!allowed.has(s)) return `classifier returned secondary code "${s}", which is not an assignable code of ${t.id}`;
  if (!(r.confidence >= 0 && r.confidence <= 1)) return `classifier returned confidence ${r.confidence}, outside [0, 1]`;
  if (typeof r.reasoning !== 'string') return 'classifier returned no reasoning';
  return undefined;
}


/**
 * Put back claims whose worker is known to be gone: a process on this host that no longer exists
 * (with PGlite, only one process can have the database open, so every other process is gone).
 * Claims of workers on other hosts are taken over when their lease expires.
 */
async function releaseDeadClaims(db: Db, runId: string): Promise<void> {
  const rows = await db.query<{ worker: string | null }>(
    `SELECT DISTINCT worker FROM classify_run_items WHERE run_id = $1 AND status = 'claimed'`,
    [runId],
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

async function loadInputs(db: Db, rows: { statement_id: string; taxonomy: string }[]): Promise<WorkItem[]> {
  const ids = [...new Set(rows.map((r) => r.statement_id))];
  const st = await db.query<{
    id: string;
    kind: StatementKind;
    name: string;
    text: string;
    heading_path: string[];
    language: string;
    title: string;
    organisation: string | null;
    doc_type: string;
    year: number | null;
  }>(
    `SELECT s.id, s.kind, s.name, s.text, s.heading_path, s.language, d.title, d.organisation, d.doc_type, d.year
     FROM statements s JOIN documents d ON d.id = s.document_id WHERE s.id = ANY($1::text[])`,
    [ids],
  );
  const byId = new Map(st.map((s) => [s.id, s]));
  return rows.flatMap((r) => {
    const s = byId.get(r.statement_id);
    if (!s) return [];
    const input: ClassifyInput = {
      id: s.id,
      kind: s.kind,
      name: s.name,
      text: s.text,
      headingPath: s.heading_path ?? [],
      language: s.language,
      document: { title: s.title, organisation: s.organisation ?? undefined, docType: s.doc_type, year: s.year ?? undefined },
    };
    return [{ statementId: r.statement_id, taxonomy: r.taxonomy, input }];
  });
}

/** Start or resume a run and work on it until no item is left to claim (or the signal aborts). */
export async function runClassification(o: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const { db, registry, classifier } = o;
  const supports = (t: string) => classifier.supports(t);
  checkSelection(registry, o.params, supports);

  let run: RunRow | undefined;
  let resumed = false;
  if (typeof o.resume === 'string') {
    run = await getRun(db, o.resume);
    if (!run) throw new Error(`No classification run "${o.resume}". List runs with \`govnav classify --runs\`.`);
    resumed = true;
  } else if (!o.fresh && o.resume !== false) {
    run = await findResumableRun(db, o.params);
    resumed = !!run;
  }
  if (!run) run = await createRun(db, o.params, await planItems(db, registry, o.params, supports));
  const runId = run.id;

  await releaseDeadClaims(db, runId);
  if (o.retryFailed) await db.query(`UPDATE classify_run_items SET status = 'pending', error = NULL WHERE run_id = $1 AND status = 'failed'`, [runId]);
  await db.query(`UPDATE classify_runs SET status = 'running', updated_at = now() WHERE id = $1`, [runId]);

  const before = await runCounts(db, runId);
  o.onStart?.({ run, resumed, counts: before });
  const alreadyDone = before.labelled + before.abstained + before.failed;

  const worker = o.workerId ?? `${hostname()}:${process.pid}:${randomBytes(2).toString('hex')}`;
  // `stop`: take no new items. `hard`: also abort the requests in flight.
  const hard = new AbortController();
  const onHardAbort = () => hard.abort(o.hardSignal?.reason);
  if (o.hardSignal?.aborted) hard.abort(o.hardSignal.reason);
  o.hardSignal?.addEventListener('abort', onHardAbort, { once: true });
  const concurrency = Math.max(1, o.concurrency ?? 1);
  const batchSize = Math.max(1, o.batchSize ?? 25);
  const flushMs = o.flushMs ?? 1000;
  const lease = o.leaseSeconds ?? 600;

  const summary: RunSummary = {
    runId,
    resumed,
    total: before.total,
    alreadyDone,
    labelled: 0,
    abstained: 0,
    failed: 0,
    suggested: 0,
    unchanged: 0,
    duplicates: 0,
    cached: 0,
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    failures: [],
    remaining: 0,
    stopped: false,
    elapsedMs: 0,
    status: 'running',
  };

  const stop = new AbortController();
  const onOuterAbort = () => stop.abort(o.signal?.reason);
  if (o.signal?.aborted) stop.abort(o.signal.reason);
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let fatal: unknown;

  const queue: WorkItem[] = [];
  const unfinished = new Set<WorkItem>();
  let exhausted = false;
  let claiming: Promise<void> | undefined;

  // The candidates are chosen once (a materialised CTE): a subquery in UPDATE … FROM may be
  // re-scanned by the planner, which would ignore the LIMIT. Pending items first (index on
  // run_id, status, ord); claims whose lease expired only when nothing is pending.
  const claimSql = (which: string) =>
    `WITH c AS MATERIALIZED (
       SELECT statement_id, taxonomy FROM classify_run_items
       WHERE run_id = $1 AND ${which}
       ORDER BY ord LIMIT $3 FOR UPDATE SKIP LOCKED)
     UPDATE classify_run_items i SET status = 'claimed', worker = $2, claimed_at = now()
     FROM c WHERE i.run_id = $1 AND i.statement_id = c.statement_id AND i.taxonomy = c.taxonomy
     RETURNING i.statement_id, i.taxonomy, i.ord`;
  const claimMore = async () => {
    const n = Math.max(batchSize, concurrency * 2);
    let rows = await db.query<{ statement_id: string; taxonomy: string }>(claimSql(`status = 'pending'`), [runId, worker, n]);
    if (rows.length === 0)
      rows = await db.query<{ statement_id: string; taxonomy: string }>(
        claimSql(`status = 'claimed' AND claimed_at < now() - make_interval(secs => $4)`),
        [runId, worker, n, lease],
      );
    if (rows.length === 0) {
      exhausted = true;
      return;
    }
    (rows as { ord?: number }[]).sort((a, b) => (a.ord ?? 0) - (b.ord ?? 0));
    const items = await loadInputs(db, rows);
    // Items whose statement vanished (deleted) cannot be done: fail them with a reason.
    const found = new Set(items.map((i) => `${i.statementId} ${i.taxonomy}`));
    for (const r of rows)
      if (!found.has(`${r.statement_id} ${r.taxonomy}`))
        record({ item: { statementId: r.statement_id, taxonomy: r.taxonomy, input: { kind: 'mitigation', name: '', text: '' } }, kind: 'failed', reason: 'statement no longer exists' });
    await (classifier as BatchAware).prepare?.(items)?.catch(() => {});
    for (const it of items) unfinished.add(it);
    queue.push(...items);
  };
  const startClaim = () =>
    (claiming ??= claimMore().finally(() => {
      claiming = undefined;
    }));

  const next = async (): Promise<WorkItem | undefined> => {
    for (;;) {
      if (stop.signal.aborted || hard.signal.aborted) return undefined;
      const it = queue.shift();
      // Claim the next batch before this one runs out, so that workers never wait for it.
      if (!exhausted && queue.length < concurrency) void startClaim().catch(() => {});
      if (it) return it;
      if (exhausted) return undefined;
      await startClaim();
    }
  };

  // Finished results wait here until their batch is written.
  const outcomes: Outcome[] = [];
  let flushChain: Promise<void> = Promise.resolve();
  let flushError: unknown;

  const writeBatch = async (input: Outcome[]) => {
    if (!input.length) return;
    // The answers behind these results are made durable in the cache first.
    await (classifier as BatchAware).flush?.();
    await db.transaction(async (tx) => {
      // Lock this batch's items. One that is already finished was taken over by another worker after
      // our lease expired, and finished there: it is not stored a second time.
      const locked = await tx.query<{ k: string; status: string }>(
        `SELECT i.statement_id || ' ' || i.taxonomy AS k, i.status FROM classify_run_items i
         JOIN unnest($2::text[], $3::text[]) AS x(s, t) ON i.statement_id = x.s AND i.taxonomy = x.t
         WHERE i.run_id = $1
         FOR UPDATE OF i`,
        [runId, input.map((b) => b.item.statementId), input.map((b) => b.item.taxonomy)],
      );
      const finished = new Set(locked.filter((r) => r.status !== 'pending' && r.status !== 'claimed').map((r) => r.k));
      const batch = input.filter((b) => !finished.has(`${b.item.statementId} ${b.item.taxonomy}`));
      summary.duplicates += input.length - batch.length;
      if (!batch.length) return;
      const ok = batch.filter((b): b is Extract<Outcome, { kind: 'labelled' | 'abstained' }> => b.kind !== 'failed');
      // A label equal to one already stored (same statement, taxonomy, source, model, prompt, code) is not stored again.
      const existing = new Set(
        ok.length
          ? (
              await tx.query<{ k: string }>(
                `SELECT statement_id || '|' || taxonomy || '|' || source || '|' || code || '|' || coalesce(model, '') || '|' ||
                   coalesce(prompt_version, '') || '|' || coalesce(model_version, '') AS k
                 FROM classifications WHERE statement_id = ANY($1::text[]) AND source IN ('llm', 'embedded')`,
                [[...new Set(ok.map((b) => b.item.statementId))]],
              )
            ).map((r) => r.k)
          : [],
      );
      const labels: NewClassification[] = [];
      let unchanged = 0;
      for (const b of ok) {
        const t = registry.get(b.item.taxonomy);
        const code = b.code ?? t.data.abstainCode;
        if (code === undefined) continue; // a taxonomy without an abstain code: the run item records the abstention
        const p = b.result.provenance;
        const key = [b.item.statementId, t.id, p.source, code, p.model ?? '', p.promptVersion ?? '', p.modelVersion ?? ''].join('|');
        if (existing.has(key)) {
          unchanged++;
          continue;
        }
        existing.add(key);
        labels.push({
          statementId: b.item.statementId,
          taxonomy: t.id,
          code,
          secondary: b.result.secondary ?? [],
          source: p.source === 'llm' || p.source === 'embedded' ? p.source : 'embedded',
          human: false,
          model: p.model,
          modelVersion: p.modelVersion,
          promptVersion: p.promptVersion,
          reasoning: clampReasoning(b.result.reasoning || (b.code === null ? 'Abstained.' : '')).slice(0, MAX_REASONING) || undefined,
          confidence: b.result.confidence,
          runId,
          // persisted embedded models (src/classify/models) mark labels below their threshold, and add Chinese reasoning
          suggested: (b.result as { suggested?: boolean }).suggested === true,
          reasoningZh: (b.result as { reasoningZh?: string }).reasoningZh || undefined,
        });
      }
      const rows = batch.map((b) => {
        const base = { s: b.item.statementId, t: b.item.taxonomy };
        if (b.kind === 'failed')
          return {
            ...base,
            status: 'failed',
            code: null,
            error: b.reason.slice(0, 1000),
            cached: false,
            requests: b.usage?.requests ?? 0,
            input_tokens: b.usage?.inputTokens ?? 0,
            output_tokens: b.usage?.outputTokens ?? 0,
            cost_usd: b.usage ? (b.usage.costUsd ?? null) : 0,
          };
        const u = b.result.usage;
        return {
          ...base,
          status: b.kind,
          code: b.code ?? registry.get(b.item.taxonomy).data.abstainCode ?? null,
          error: null,
          cached: !!u?.cached,
          requests: requestsOf(u),
          input_tokens: u?.inputTokens ?? 0,
          output_tokens: u?.outputTokens ?? 0,
          cost_usd: u ? (u.costUsd ?? null) : 0,
        };
      });
      if (labels.length) await insertClassifications(tx, registry, labels);
      await tx.query(
        `UPDATE classify_run_items i SET status = x.status, code = x.code, error = x.error, cached = x.cached,
           requests = x.requests, input_tokens = x.input_tokens, output_tokens = x.output_tokens, cost_usd = x.cost_usd,
           finished_at = now(), worker = $2
         FROM jsonb_to_recordset($3::jsonb) AS x(s text, t text, status text, code text, error text, cached boolean,
           requests int, input_tokens int, output_tokens int, cost_usd double precision)
         WHERE i.run_id = $1 AND i.statement_id = x.s AND i.taxonomy = x.t`,
        [runId, worker, JSON.stringify(rows)],
      );
      summary.unchanged += unchanged;
    });
  };

  const flush = (all = false): Promise<void> => {
    flushChain = flushChain.then(async () => {
      while (outcomes.length && (all || outcomes.length >= batchSize)) {
        const batch = outcomes.splice(0, batchSize);
        try {
          await writeBatch(batch);
        } catch (e) {
          flushError ??= e;
          stop.abort(e);
          hard.abort(e);
          return;
        }
      }
    });
    return flushChain;
  };
  const timer = setInterval(() => {
    if (outcomes.length) void flush(true);
  }, flushMs);
  timer.unref?.();

  let done = 0;
  const progress = () =>
    o.onProgress?.({
      done: alreadyDone + done,
      total: summary.total,
      labelled: summary.labelled,
      abstained: summary.abstained,
      failed: summary.failed,
      cached: summary.cached,
    });

  const record = (out: Outcome) => {
    unfinished.delete(out.item);
    outcomes.push(out);
    done++;
    if (out.kind === 'failed') {
      summary.failed++;
      summary.failures.push({ statementId: out.item.statementId, taxonomy: out.item.taxonomy, reason: out.reason });
      if (out.usage) addCost(out.usage, out.usage.requests);
    } else {
      summary[out.kind]++;
      if ((out.result as { suggested?: boolean }).suggested) summary.suggested++;
      const u = out.result.usage;
      if (u?.cached) summary.cached++;
      if (u) addCost(u, requestsOf(u));
    }
    progress();
    if (outcomes.length >= batchSize) void flush();
  };
  const addCost = (u: { inputTokens: number; outputTokens: number; costUsd?: number }, requests: number) => {
    summary.inputTokens += u.inputTokens;
    summary.outputTokens += u.outputTokens;
    summary.requests += requests;
    if (summary.costUsd !== undefined) {
      if (u.costUsd !== undefined) summary.costUsd += u.costUsd;
      else if (u.inputTokens + u.outputTokens > 0) summary.costUsd = undefined;
    }
  };

  const work = async () => {
    for (;;) {
      const item = await next();
      if (!item) return;
      const t = registry.get(item.taxonomy);
      try {
        const result = await classifier.classify(item.input, item.taxonomy, hard.signal);
        const invalid = validateResult(result, t);
        if (invalid) record({ item, kind: 'failed', reason: invalid });
        else {
          const code = result.code === t.data.abstainCode ? null : result.code;
          record({ item, kind: code === null ? 'abstained' : 'labelled', result, code });
        }
      } catch (e) {
        // A hard stop (second Ctrl-C, a fatal provider error, a failed write): the item goes back to pending.
        if (hard.signal.aborted || isAbort(e, hard.signal)) continue;
        if (isFatal(e)) {
          fatal ??= e;
          stop.abort(e);
          hard.abort(e);
          continue;
        }
        const f = e as { reason?: unknown; usage?: { inputTokens: number; outputTokens: number; costUsd?: number; requests: number } };
        const reason = typeof f.reason === 'string' ? f.reason : (e as Error).message || String(e);
        record({ item, kind: 'failed', reason, usage: f.usage });
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: concurrency }, () => work()));
  } finally {
    clearInterval(timer);
    o.signal?.removeEventListener('abort', onOuterAbort);
    o.hardSignal?.removeEventListener('abort', onHardAbort);
    await flush(true);
    await (classifier as BatchAware).flush?.()?.catch((e: unknown) => {
      flushError ??= e;
    });
    // Whatever this worker claimed but did not finish goes back to the queue.
    const leftovers = [...unfinished];
    if (leftovers.length)
      await db
        .query(
          `UPDATE classify_run_items i SET status = 'pending', worker = NULL, claimed_at = NULL
           FROM jsonb_to_recordset($2::jsonb) AS x(s text, t text)
           WHERE i.run_id = $1 AND i.statement_id = x.s AND i.taxonomy = x.t AND i.status = 'claimed'`,
          [runId, JSON.stringify(leftovers.map((l) => ({ s: l.statementId, t: l.taxonomy })))],
        )
        .catch(() => {});
  }
  if (flushError) throw flushError;

  // The run's state follows from its items, decided in one statement (other workers may finish at the
  // same moment): done when nothing is left; running while some worker holds claims; else stopped.
  const [st] = await db.query<{ status: RunRow['status'] }>(
    `UPDATE classify_runs r SET updated_at = now(),
       status = CASE WHEN x.open = 0 THEN 'done' WHEN x.claimed > 0 THEN 'running' ELSE 'stopped' END,
       finished_at = CASE WHEN x.open = 0 THEN coalesce(r.finished_at, now()) ELSE NULL END
     FROM (SELECT count(*) FILTER (WHERE status IN ('pending', 'claimed'))::int AS open,
                  count(*) FILTER (WHERE status = 'claimed')::int AS claimed
           FROM classify_run_items WHERE run_id = $1) x
     WHERE r.id = $1 RETURNING r.status`,
    [runId],
  );
  const after = await runCounts(db, runId);
  summary.remaining = after.pending + after.claimed;
  summary.stopped = stop.signal.aborted || hard.signal.aborted;
  summary.status = st!.status;
  summary.elapsedMs = performance.now() - started;
  if (fatal) {
    const err = fatal as Error & { summary?: RunSummary };
    err.summary = summary;
    throw err;
  }
  return summary;
}

// ------------------------------------------------------------------ dry runs

export interface DryRunReport {
  /** The unfinished run that would be resumed, if any. */
  resumeRunId?: string;
  items: number;
  statements: number;
  perTaxonomy: Record<string, number>;
  /** Requests already in the response cache (LLM providers). */
  cachedRequests: number;
  estInputTokens: number;
  estOutputTokens: number;
  /** Undefined when the model has no price. */
  estCostUsd?: number;
}

/** Rough token count: one token per CJK character, about four characters per token otherwise. */
export function estimateTokens(text: string): number {
  const cjk = (text.match(/[\u3000-\u9fff\uac00-\ud7af\uf900-\ufaff]/g) ?? []).length;
  return cjk + Math.ceil((text.length - cjk) / 4);
}

export interface DryRunHooks {
  /** For LLM classifiers: the first request of an item, to estimate tokens and look it up in the cache. */
  estimate?: (input: ClassifyInput, taxonomy: string) => Promise<{ inputTokens: number; outputTokens: number; cached: boolean }>;
  price?: (inputTokens: number, outputTokens: number) => number | undefined;
}

/** What a run with these parameters would do, without calling any classifier or writing anything. */
export async function dryRun(
  o: Pick<RunOptions, 'db' | 'registry' | 'classifier' | 'params' | 'resume' | 'fresh'>,
  hooks: DryRunHooks = {},
): Promise<DryRunReport> {
  const supports = (t: string) => o.classifier.supports(t);
  checkSelection(o.registry, o.params, supports);
  let run: RunRow | undefined;
  if (typeof o.resume === 'string') {
    run = await getRun(o.db, o.resume);
    if (!run) throw new Error(`No classification run "${o.resume}".`);
  } else if (!o.fresh && o.resume !== false) run = await findResumableRun(o.db, o.params);
  const items: PlannedItem[] = run
    ? (
        await o.db.query<{ statement_id: string; taxonomy: string }>(
          `SELECT statement_id, taxonomy FROM classify_run_items WHERE run_id = $1 AND status IN ('pending', 'claimed') ORDER BY ord`,
          [run.id],
        )
      ).map((r) => ({ statementId: r.statement_id, taxonomy: r.taxonomy }))
    : await planItems(o.db, o.registry, o.params, supports);
  const report: DryRunReport = {
    resumeRunId: run?.id,
    items: items.length,
    statements: new Set(items.map((i) => i.statementId)).size,
    perTaxonomy: {},
    cachedRequests: 0,
    estInputTokens: 0,
    estOutputTokens: 0,
    estCostUsd: 0,
  };
  for (const it of items) report.perTaxonomy[it.taxonomy] = (report.perTaxonomy[it.taxonomy] ?? 0) + 1;
  if (hooks.estimate) {
    for (let i = 0; i < items.length; i += 500) {
      const work = await loadInputs(o.db, items.slice(i, i + 500).map((x) => ({ statement_id: x.statementId, taxonomy: x.taxonomy })));
      for (const w of work) {
        const e = await hooks.estimate(w.input, w.taxonomy);
        if (e.cached) report.cachedRequests++;
        else {
          report.estInputTokens += e.inputTokens;
          report.estOutputTokens += e.outputTokens;
        }
      }
    }
    report.estCostUsd = hooks.price ? hooks.price(report.estInputTokens, report.estOutputTokens) : undefined;
  }
  return report;
}
