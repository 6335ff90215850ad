// `govnav classify`: label statements on their taxonomies with the embedded classifier or an LLM
// provider, as a resumable run with a progress bar and a final summary.
import { Option, type Command } from 'commander';
import type { StatementKind } from '../../model/index.ts';
import { UserError } from '../main.ts';
import { logError } from '../../util/errors.ts';

interface ClassifyOpts {
  taxonomy?: string[];
  all?: boolean;
  kind?: string[];
  statement?: string[];
  provider: string;
  model?: string;
  baseUrl?: string;
  onlyUnlabelled?: boolean;
  limit?: string;
  dryRun?: boolean;
  concurrency?: string;
  rpm?: string;
  timeout?: string;
  resume?: string | boolean;
  fresh?: boolean;
  retryFailed?: boolean;
  cache: boolean;
  batchSize?: string;
  runs?: boolean;
  json?: boolean;
  wait?: boolean;
  detach?: boolean;
}

const list = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

export function register(program: Command): void {
  program
    .command('classify')
    .description(
      'Label statements on every taxonomy that applies to their kind, with the embedded classifier (offline, the default) ' +
        'or an LLM provider. Work is recorded as a run: an interrupted run continues where it stopped when the same ' +
        'command is run again (or with --resume), without repeating any provider call.',
    )
    .option('-t, --taxonomy <id>', 'taxonomy to label (repeat or comma-separate)', list)
    .option('--all', 'label every taxonomy that applies to each statement')
    .option('--kind <kind>', 'only statements of this kind: mitigation, principle, risk (repeatable)', list)
    .option('--statement <id>', 'only these statements (repeat or comma-separate)', list)
    .addOption(new Option('-p, --provider <name>', 'classifier: embedded, openai, anthropic, or llm (= GOVNAV_LLM_PROVIDER)').default('embedded'))
    .option('-m, --model <name>', 'LLM model (default: GOVNAV_LLM_MODEL or the config file)')
    .option('--base-url <url>', 'LLM endpoint (default: OPENAI_BASE_URL / ANTHROPIC_BASE_URL)')
    .option('--only-unlabelled', 'skip statement/taxonomy pairs that already have a current label')
    .option('-n, --limit <n>', 'at most this many statements')
    .option('--dry-run', 'show what would be labelled and the estimated tokens and cost; call nothing')
    .option('-c, --concurrency <n>', 'LLM requests in flight at once (default 4, GOVNAV_LLM_CONCURRENCY)')
    .option('--rpm <n>', 'LLM requests per minute, 0 = no limit (GOVNAV_LLM_RPM)')
    .option('--timeout <ms>', 'per-request timeout in milliseconds (GOVNAV_LLM_TIMEOUT_MS)')
    .option('--resume [run-id]', 'continue a run (default: the newest unfinished run with the same options)')
    .option('--fresh', 'start a new run even if an unfinished one with the same options exists')
    .option('--retry-failed', 'when resuming, try the failed items of the run again')
    .option('--no-cache', 'do not answer LLM requests from the response cache (answers are still stored in it)')
    .option('--batch-size <n>', 'results written per transaction', '25')
    .option('--runs', 'list recent runs and exit')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--wait', 'run as a job (a `govnav worker` runs it on PostgreSQL) and follow its progress')
    .option('--detach', 'queue it as a job and return at once (PostgreSQL)')
    .addHelpText(
      'after',
      `
Examples:
  govnav classify --all --only-unlabelled                       # embedded classifier, offline
  govnav classify -t mitigation-v2 -p openai -m gpt-4o-mini --dry-run
  OPENAI_BASE_URL=http://127.0.0.1:11434/v1 GOVNAV_LLM_MODEL=llama3.1:8b govnav classify -t actor -p openai
  govnav classify -t risk-domain -p anthropic --limit 50 --concurrency 4 --rpm 50
  govnav classify --runs                                        # then: govnav classify --resume <run-id>
See docs/classification.md for providers, prompts, limits, the cache and resuming.`,
    )
    .action(async (opts: ClassifyOpts) => {
      await classifyCommand(opts);
    });
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UserError(`${name} must be a whole number ≥ ${min}, not "${v}".`);
  return n;
}

type Pipeline = typeof import('../../classify/pipeline.ts');
type Store = Parameters<Parameters<typeof import('../store.ts').withCliStore>[0]>[0];
type TableFn = (h: string[], r: (string | number)[][]) => string;
type RunRow = NonNullable<Awaited<ReturnType<Pipeline['getRun']>>>;
type LlmClassifier = import('../../classify/llm/classifier.ts').LlmClassifier;

/** The numeric options, checked. */
function numbers(opts: ClassifyOpts) {
  return {
    limit: int('--limit', opts.limit, 1),
    concurrency: int('--concurrency', opts.concurrency, 1),
    rpm: int('--rpm', opts.rpm, 0),
    timeoutMs: int('--timeout', opts.timeout, 1),
    batchSize: int('--batch-size', opts.batchSize, 1) ?? 25,
  };
}
type Numbers = ReturnType<typeof numbers>;

/** The classifier a run uses, with what the summary reports about it. */
interface Built {
  classifier: import('../../classify/types.ts').Classifier;
  llm?: LlmClassifier;
  model?: string;
  versions?: Record<string, string>;
  dbCache?: import('../../classify/llm/cache.ts').DbCache;
  modelWarnings: string[];
}

async function classifyCommand(opts: ClassifyOpts): Promise<void> {
  const { withCliStore } = await import('../store.ts');
  const pipeline = await import('../../classify/pipeline.ts');
  const { table } = await import('../progress.ts');
  const n = numbers(opts);
  const kinds = opts.kind as StatementKind[] | undefined;
  for (const k of kinds ?? [])
    if (!['mitigation', 'principle', 'risk'].includes(k)) throw new UserError(`--kind must be mitigation, principle or risk, not "${k}".`);

  await withCliStore(
    async (store) => {
      if (opts.runs) return printRuns(store, pipeline, table, !!opts.json);
      // Resuming by id: the run's own options decide what is labelled and by whom.
      let resumeRun: RunRow | undefined;
      if (typeof opts.resume === 'string') {
        resumeRun = await pipeline.getRun(store.db, opts.resume);
        if (!resumeRun) throw new UserError(`No classification run "${opts.resume}". List runs with \`govnav classify --runs\`.`);
      }
      const sel = resumeRun?.params ?? { taxonomies: opts.taxonomy, kinds, statementIds: opts.statement, onlyUnlabelled: !!opts.onlyUnlabelled, limit: n.limit };
      if (!resumeRun) {
        if (!opts.all && !opts.taxonomy?.length) throw new UserError('Say which taxonomies to label: --taxonomy <id> (repeatable) or --all.');
        if (opts.all && opts.taxonomy?.length) throw new UserError('Use either --taxonomy or --all, not both.');
      }
      const provider = await resolveProvider(opts, resumeRun);

      // The taxonomies this run may touch (for building the embedded models).
      const wanted = sel.taxonomies?.length ? sel.taxonomies : store.taxonomies.list().filter((t) => t.data.appliesTo.length > 0).map((t) => t.id);
      for (const id of wanted) if (!store.taxonomies.has(id)) throw new UserError(`Unknown taxonomy "${id}". Known: ${store.taxonomies.list().map((t) => t.id).join(', ')}`);

      // A job when asked (--wait/--detach) or when a worker is running on PostgreSQL: built and run there.
      const { wantsJob, submitFromCli } = await import('./jobs.ts');
      if (!opts.dryRun && (await wantsJob(store, opts))) {
        const { concurrency, rpm, timeoutMs, batchSize } = n;
        const params = { provider, model: resumeRun?.model ?? opts.model, baseUrl: opts.baseUrl, concurrency, rpm, timeoutMs, selection: sel, runId: resumeRun?.id, retryFailed: opts.retryFailed, batchSize, cache: opts.cache };
        await submitFromCli(store, 'classify', params, opts);
        return;
      }

      const built = provider === 'embedded' ? await buildEmbedded(store, wanted, !!opts.json) : await buildLlm(store, opts, n, provider, wanted, resumeRun);
      const params = resumeRun?.params ?? { provider, model: built.model, versions: built.versions, ...sel };
      const resume = typeof opts.resume === 'string' ? opts.resume : opts.resume === true ? true : undefined;
      if (opts.dryRun) return printDryRun(store, pipeline, table, opts, built, provider, params, resume);
      await runAndReport(store, pipeline, table, opts, built, provider, n.batchSize, params, resume);
    },
    { quiet: !!opts.json },
  );
}

async function printRuns(store: Store, pipeline: Pipeline, table: TableFn, json: boolean): Promise<void> {
  const runs = await pipeline.listRuns(store.db, 20);
  if (json) return void process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
  if (!runs.length) return void process.stdout.write('No classification runs yet.\n');
  process.stdout.write(
    table(
      ['run', 'status', 'provider', 'model', 'items', 'labelled', 'abstained', 'failed', 'pending', 'started'],
      runs.map((r) => [r.id, r.status, r.provider, r.model ?? '-', r.total, r.labelled, r.abstained, r.failed, r.pending + r.claimed, new Date(r.created_at).toISOString().slice(0, 16).replace('T', ' ')]),
    ) + '\n',
  );
}

/** The provider: the resumed run's, else the option (`llm` resolved through GOVNAV_LLM_PROVIDER and the config). */
async function resolveProvider(opts: ClassifyOpts, resumeRun: RunRow | undefined): Promise<string> {
  const { loadConfig } = await import('../../config.ts');
  const config = loadConfig();
  let provider = resumeRun?.provider ?? opts.provider;
  if (resumeRun && opts.provider !== 'embedded' && opts.provider !== resumeRun.provider)
    process.stderr.write(`note: run ${resumeRun.id} was made with provider ${resumeRun.provider}; continuing with it.\n`);
  if (provider === 'llm') provider = process.env.GOVNAV_LLM_PROVIDER || String(config.llm.provider ?? 'openai');
  if (!['embedded', 'openai', 'anthropic'].includes(provider)) throw new UserError(`--provider must be embedded, openai, anthropic or llm, not "${provider}".`);
  return provider;
}

/** The embedded classifier: the persisted models, loaded or trained now (a line per taxonomy). */
async function buildEmbedded(store: Store, wanted: string[], json: boolean): Promise<Built> {
  const { embeddedFromStore } = await import('../../classify/pipeline/embedded.ts');
  const statementTaxonomies = wanted.filter((id) => store.taxonomies.get(id).data.appliesTo.length > 0);
  const built = await embeddedFromStore(store.db, store.taxonomies, statementTaxonomies, {
    onProgress: (line) => {
      if (!json) process.stderr.write(`${line}\n`);
    },
  });
  if (!json)
    for (const r of built.report) {
      const origins = Object.entries(r.byOrigin).map(([o, n]) => `${n} ${o}`).join(', ');
      process.stderr.write(
        `embedded model for ${r.taxonomy}: ${r.examples} training examples${r.examples ? ` (${origins})` : ' (taxonomy descriptions only)'}` +
          `${r.trained ? ', trained now' : ', loaded'} (${(r.ms / 1000).toFixed(r.trained ? 1 : 2)} s)\n`,
      );
      for (const w of r.fileWarnings.slice(0, 3)) process.stderr.write(`  note: ${w}\n`);
    }
  return {
    classifier: built.classifier,
    model: 'govnav-embedded',
    versions: Object.fromEntries(built.report.map((r) => [r.taxonomy, r.modelVersion])),
    modelWarnings: built.report.flatMap((r) => (r.warning ? [r.warning] : [])),
  };
}

/** An LLM classifier from the settings, the prompts, the response cache and the store's annotated examples. */
async function buildLlm(store: Store, opts: ClassifyOpts, n: Numbers, provider: string, wanted: string[], resumeRun: RunRow | undefined): Promise<Built> {
  const { loadConfig } = await import('../../config.ts');
  const { resolveLlmSettings, describeSettings } = await import('../../classify/llm/config.ts');
  const { LlmClassifier } = await import('../../classify/llm/classifier.ts');
  const { loadPrompts } = await import('../../classify/llm/prompts.ts');
  const { DbCache, WriteOnlyCache } = await import('../../classify/llm/cache.ts');
  const { storeFewShot } = await import('../../classify/llm/fewshot.ts');
  const { concurrency, rpm, timeoutMs } = n;
  const settings = resolveLlmSettings({ provider, model: resumeRun?.model ?? opts.model, baseUrl: opts.baseUrl, concurrency, rpm, timeoutMs }, process.env, loadConfig().llm);
  const prompts = loadPrompts(undefined, store.taxonomies);
  const dbCache = new DbCache(store.db);
  const llm = new LlmClassifier({
    settings,
    registry: store.taxonomies,
    prompts,
    cache: opts.cache ? dbCache : new WriteOnlyCache(dbCache),
    // the nearest annotated statements of the store, as `eval --provider` gives them
    fewShot: storeFewShot(store.db),
    onRetry: ({ attempt, delayMs, error }) => {
      if (process.env.GOVNAV_DEBUG) process.stderr.write(`retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s: ${error.message}\n`);
    },
  });
  if (!opts.json) process.stderr.write(`provider: ${describeSettings(settings)}\n`);
  return {
    classifier: llm,
    llm,
    model: settings.model,
    versions: Object.fromEntries(wanted.filter((t) => prompts.has(t)).map((t) => [t, prompts.get(t).version])),
    dbCache,
    modelWarnings: [],
  };
}

type RunParams = import('../../classify/pipeline/selection.ts').RunParams;

async function printDryRun(store: Store, pipeline: Pipeline, table: TableFn, opts: ClassifyOpts, built: Built, provider: string, params: RunParams, resume: string | true | undefined): Promise<void> {
  const { llm, classifier, model } = built;
  const report = await pipeline.dryRun(
    { db: store.db, registry: store.taxonomies, classifier, params, resume, fresh: opts.fresh },
    llm
      ? {
          estimate: async (input, t) => {
            const { request, promptVersion } = await llm.requestFor(input, t);
            const { DbCache } = await import('../../classify/llm/cache.ts');
            const cached = opts.cache && !!(await new DbCache(store.db).peek(llm.client.cacheKey(request, promptVersion)));
            const inputTokens = pipeline.estimateTokens(request.system) + pipeline.estimateTokens(request.messages.map((m) => m.content).join('\n')) + 10;
            return { inputTokens, outputTokens: 120, cached };
          },
        }
      : {},
  );
  if (llm && report.estInputTokens + report.estOutputTokens > 0) {
    const { costOf } = await import('../../classify/llm/pricing.ts');
    report.estCostUsd = costOf(llm.settings.model, llm.settings.prices, report.estInputTokens, report.estOutputTokens);
  }
  if (opts.json) return void process.stdout.write(JSON.stringify({ dryRun: true, provider, model, ...report }, null, 2) + '\n');
  const lines = [
    report.resumeRunId ? `Would resume run ${report.resumeRunId}.` : 'Would start a new run.',
    table(['taxonomy', 'items'], Object.entries(report.perTaxonomy).map(([t, n]) => [t, n])),
    `${report.items} items on ${report.statements} statements; provider ${provider}${model ? ` (${model})` : ''}.`,
  ];
  if (llm)
    lines.push(
      `Estimated: ${fmtInt(report.estInputTokens)} input tokens, ${fmtInt(report.estOutputTokens)} output tokens, cost ${fmtCost(report.estCostUsd)}` +
        ` (first requests only; answers already in the cache: ${report.cachedRequests}).`,
    );
  lines.push('Dry run: nothing was sent and nothing was written.');
  process.stdout.write(lines.join('\n') + '\n');
}

/** Ctrl-C once: finish the requests in flight, store them, stop. Twice: abort them. Three times: exit. */
function interruptHandling(): { soft: AbortController; hard: AbortController; release: () => void } {
  const soft = new AbortController();
  const hard = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\nstopping: finishing the requests in flight (Ctrl-C again to abort them)…\n');
      soft.abort();
    } else if (interrupts === 2) {
      process.stderr.write('\naborting the requests in flight…\n');
      hard.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return {
    soft,
    hard,
    release: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    },
  };
}

async function runAndReport(store: Store, pipeline: Pipeline, table: TableFn, opts: ClassifyOpts, built: Built, provider: string, batchSize: number, params: RunParams, resume: string | true | undefined): Promise<void> {
  const { progress } = await import('../progress.ts');
  const { llm, classifier, model, dbCache, modelWarnings } = built;
  const signals = interruptHandling();
  let bar: ReturnType<typeof progress> | undefined;
  let summary: import('../../classify/pipeline.ts').RunSummary;
  try {
    summary = await pipeline.runClassification({
      db: store.db,
      registry: store.taxonomies,
      classifier,
      params,
      resume,
      fresh: opts.fresh,
      retryFailed: opts.retryFailed,
      concurrency: llm ? llm.settings.concurrency : 1,
      batchSize,
      signal: signals.soft.signal,
      hardSignal: signals.hard.signal,
      onStart: ({ run, resumed, counts }) => {
        if (opts.json) return;
        process.stderr.write(`${resumed ? 'resuming' : 'starting'} run ${run.id}: ${counts.total} items, ${counts.total - counts.pending - counts.claimed} already done\n`);
        bar = progress('classify', counts.total);
        bar.tick(counts.labelled + counts.abstained + counts.failed);
      },
      onProgress: (e) => bar?.tick(1, `${e.labelled} labelled · ${e.abstained} abstained · ${e.failed} failed`),
    });
  } catch (e) {
    bar?.stop();
    const s = (e as { summary?: import('../../classify/pipeline.ts').RunSummary }).summary;
    if (s && !opts.json) process.stderr.write(renderSummary(s, llm, table) + '\n');
    throw e;
  } finally {
    signals.release();
    await dbCache?.flushHits().catch((e) => logError('saving the LLM cache hit counts', e));
  }
  bar?.stop();
  if (opts.json) {
    process.stdout.write(JSON.stringify({ ...summary, provider, model, warnings: modelWarnings, httpRequests: llm?.client.stats.requests ?? 0, retries: llm?.client.stats.retries ?? 0 }, null, 2) + '\n');
  } else if (summary.total === 0) {
    process.stdout.write('Nothing to label: no statement matches these options (or every pair already has a label, with --only-unlabelled).\n');
  } else process.stdout.write(renderSummary(summary, llm, table) + '\n');
  // Axes with too few training examples: said at the end of the summary, with the fix.
  if (!opts.json && modelWarnings.length) process.stdout.write(['', 'Few training examples:', ...modelWarnings.map((w) => `  ${w}`)].join('\n') + '\n');
  // A finished run exits 0 even when some items failed (they are recorded, with reasons); a stopped one 130.
  if (summary.stopped) process.exitCode = 130;
}

function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
function fmtCost(c: number | undefined): string {
  return c === undefined ? 'unknown (no price for this model)' : `$${c < 0.01 && c > 0 ? c.toFixed(4) : c.toFixed(2)}`;
}

function renderSummary(
  s: import('../../classify/pipeline.ts').RunSummary,
  llm: import('../../classify/llm/classifier.ts').LlmClassifier | undefined,
  table: (h: string[], r: (string | number)[][]) => string,
): string {
  const secs = s.elapsedMs / 1000;
  const rows: (string | number)[][] = [
    ['run', s.runId],
    ['status', s.status + (s.resumed ? ' (resumed)' : '')],
    ['items in run', s.total],
    ['done before', s.alreadyDone],
    ['labelled', s.labelled],
    ['abstained', s.abstained],
    ...(s.suggested ? [['of the labelled: suggestions only (below threshold)', s.suggested] as (string | number)[]] : []),
    ['failed', s.failed],
    ['answered from cache', s.cached],
  ];
  if (s.unchanged) rows.push(['same label already stored', s.unchanged]);
  if (llm) {
    rows.push(['HTTP requests', `${llm.client.stats.requests} (${llm.client.stats.retries} retries)`]);
    rows.push(['tokens in / out', `${fmtInt(s.inputTokens)} / ${fmtInt(s.outputTokens)}`]);
    rows.push(['cost', fmtCost(s.costUsd)]);
  }
  rows.push(['remaining', s.remaining]);
  rows.push(['time', secs < 120 ? `${secs.toFixed(1)} s` : `${(secs / 60).toFixed(1)} min`]);
  const out = [table(['summary', ''], rows)];
  if (s.failures.length) {
    out.push('', `First failures (all reasons: classify_run_items where run_id = '${s.runId}' and status = 'failed'):`);
    for (const f of s.failures.slice(0, 5)) out.push(`  ${f.statementId} ${f.taxonomy}: ${f.reason}`);
  }
  if (s.remaining > 0) out.push('', `Resume with: govnav classify --resume ${s.runId}`);
  return out.join('\n');
}
