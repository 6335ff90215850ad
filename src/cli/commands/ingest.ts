// `govnav ingest <file-or-url>...`: documents → an outline with a role for every block → the
// mitigations, risks and principles as statements with heading paths and locators.
import type { Command } from 'commander';
import type { IngestResult, OutlineLine } from '../../ingest/index.ts';

interface Opts {
  title?: string;
  organisation?: string;
  date?: string;
  type?: string;
  jurisdiction?: string;
  language?: string;
  kind?: string;
  licence?: string;
  attribution?: string;
  format?: string;
  encoding?: string;
  maxBytes?: string;
  timeout?: string;
  dryRun?: boolean;
  roles?: string;
  provider?: string;
  model?: string;
  baseUrl?: string;
  classify?: boolean;
  link?: boolean;
  json?: boolean;
  wait?: boolean;
  detach?: boolean;
}

/** "25MB", "500k", "1048576" → bytes. */
export function parseBytes(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(v);
  if (!m) throw new Error(`--max-bytes "${v}" is not a size (e.g. 25MB, 500KB, 1048576).`);
  const unit = (m[2] ?? 'b').toLowerCase()[0]!;
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.round(Number(m[1]) * mult);
}

const PLURAL: Record<string, [string, string]> = {
  mitigation: ['mitigation', 'mitigations'],
  risk: ['risk', 'risks'],
  principle: ['principle', 'principles'],
};

/** "42 mitigations, 7 risks, 0 principles; 180 context, 61 apparatus blocks left out" */
export function roleSummary(r: Pick<IngestResult, 'byKind' | 'blocks'>): string {
  const kinds = (['mitigation', 'risk', 'principle'] as const).map((k) => `${r.byKind[k]} ${PLURAL[k]![r.byKind[k] === 1 ? 0 : 1]}`).join(', ');
  const out = r.blocks.context + r.blocks.apparatus;
  return `${kinds}; ${r.blocks.context} context, ${r.blocks.apparatus} apparatus block${out === 1 ? '' : 's'} left out`;
}

/** Dim text on a terminal that shows colours (NO_COLOR respected). */
export function dimmer(stream: NodeJS.WriteStream = process.stdout): (s: string) => string {
  const on = !!stream.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  return on ? (s) => `\x1b[2m${s}\x1b[22m` : (s) => s;
}

/** One line per block: page, role, confidence, statement id, the first ~80 characters. */
export function outlineText(lines: readonly OutlineLine[], dim: (s: string) => string = (s) => s): string[] {
  return lines.map((l) => {
    const text = l.text.replace(/\s+/g, ' ').trim();
    const head = [...text].length > 80 ? [...text].slice(0, 79).join('') + '…' : text;
    const line =
      `${(l.page !== undefined ? `p.${l.page}` : '').padEnd(6)} ${l.role.padEnd(10)} ${l.confidence.toFixed(2)} ${l.source === 'embedded' ? ' ' : l.source === 'llm' ? 'L' : 'H'} ` +
      `${(l.statementId ?? '').padEnd(7)} ${l.anchor.slice(0, 8)} ${l.kind === 'heading' ? '# ' : ''}${head}`;
    return l.role === 'context' || l.role === 'apparatus' ? dim(line) : line;
  });
}

export function register(program: Command): void {
  ingestCommand(program);
}

function ingestCommand(program: Command): void {
  program
    .command('ingest')
    .description('Ingest documents (PDF, HTML, DOCX, Markdown, plain text, or http(s) URLs) into statements with locators.')
    .argument('<inputs...>', 'files or URLs')
    .option('--title <title>', 'document title (default: from metadata, <title>, or the first heading)')
    .option('--organisation <name>', 'issuing organisation')
    .option('--date <date>', 'publication date, YYYY[-MM[-DD]] (default: from metadata or a date near the top)')
    .option('--type <type>', 'document type: law, regulation, framework, standard, principles, guidance, policy, paper, report, …', 'other')
    .option('--jurisdiction <code>', 'jurisdiction (e.g. EU, CN, US-CA)')
    .option('--language <code>', 'language of the text (default: detected from the text)')
    .option('--kind <kind>', 'the kind this document mostly states: mitigation | principle | risk (a hint for the role classifier; default: principle for principles/declarations)')
    .option('--roles <how>', 'how blocks get their roles: embedded (offline classifier) | llm (a provider finds the statements)', 'embedded')
    .option('-p, --provider <name>', '--roles llm: openai, anthropic, or llm (= GOVNAV_LLM_PROVIDER)')
    .option('-m, --model <name>', '--roles llm: the model (default: GOVNAV_LLM_MODEL or the config file)')
    .option('--base-url <url>', '--roles llm: the endpoint (default: OPENAI_BASE_URL / ANTHROPIC_BASE_URL)')
    .option('--licence <licence>', 'licence of the document (default: "unknown (ingested by user)")')
    .option('--attribution <text>', 'attribution to show with the document (default: title, organisation)')
    .option('--format <format>', 'read as pdf | html | docx | markdown | text instead of detecting')
    .option('--encoding <name>', 'text encoding of text/HTML/Markdown input instead of detecting (e.g. gbk, big5, shift_jis)')
    .option('--max-bytes <size>', 'largest file or download accepted', '25MB')
    .option('--timeout <seconds>', 'time limit for downloading a URL', '30')
    .option('--dry-run', 'print the outline with every block\'s role and what would be ingested, and write nothing')
    .option('--classify', 'classify the new statements afterwards (embedded classifier, every taxonomy that applies)')
    .option('--link', 'link the new statements to topics afterwards')
    .option('--json', 'print the results as JSON')
    .option('--wait', 'run as a job (a `govnav worker` runs it on PostgreSQL; files travel with the job) and follow it')
    .option('--detach', 'queue it as a job and return at once (PostgreSQL)')
    .addHelpText(
      'after',
      '\nDocuments go into dataset "ingest". Re-ingesting the same document (or a copy differing only in\n' +
        'whitespace, line breaks or a changed footer) updates it instead of adding a second one.\n' +
        'Each document is written in one transaction; a file that cannot be read changes nothing.\n' +
        'Every block gets a role (mitigation, risk, principle, context, apparatus); only the first three\n' +
        'become statements. Corrections (govnav statements set-role/merge/split) are applied again on re-ingest.\n\n' +
        'Examples:\n' +
        '  govnav ingest framework.pdf --organisation "Example Lab" --type framework\n' +
        '  govnav ingest https://example.org/policy.html --jurisdiction EU --dry-run\n' +
        '  govnav ingest notes/*.md --kind risk --link\n' +
        '  govnav ingest policy.pdf --roles llm --provider anthropic --dry-run',
    )
    .action(ingestAction);
}

type Role = 'mitigation' | 'principle' | 'risk';
type Store = import('../../store/index.ts').Store;
type Prepared = Awaited<ReturnType<typeof import('../../ingest/index.ts').prepare>>;
type LlmOptions = import('../../ingest/index.ts').IngestOptions['llm'];
type DbCache = import('../../classify/llm/cache.ts').DbCache;

/** The checked limits and role mode of a run. */
interface RunSettings {
  maxBytes: number;
  timeout: number;
  rolesMode: 'embedded' | 'llm';
}

async function ingestAction(inputs: string[], opts: Opts): Promise<void> {
  const { withCliStore } = await import('../store.ts');
  const settings = await checkedSettings(inputs, opts);
  await withCliStore((store) => ingestInputs(store, inputs, opts, settings), { quiet: !!opts.json });
}

/** The options checked together, with a message that says what to change. */
async function checkedSettings(inputs: string[], opts: Opts): Promise<RunSettings> {
  const { UserError } = await import('../main.ts');
  if (inputs.length > 1 && (opts.title || opts.date))
    throw new UserError('--title and --date describe one document: ingest the files one at a time when you give them.');
  let maxBytes: number;
  try {
    maxBytes = parseBytes(opts.maxBytes ?? '25MB');
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const timeout = Number(opts.timeout ?? 30);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UserError(`--timeout "${opts.timeout}" is not a positive number of seconds.`);
  const kinds = ['mitigation', 'principle', 'risk'];
  if (opts.kind && !kinds.includes(opts.kind)) throw new UserError(`--kind "${opts.kind}" is not one of ${kinds.join(', ')}.`);
  const rolesMode = opts.roles ?? 'embedded';
  if (rolesMode !== 'embedded' && rolesMode !== 'llm') throw new UserError(`--roles "${rolesMode}" is not one of embedded, llm.`);
  if (rolesMode === 'embedded' && (opts.provider || opts.model || opts.baseUrl)) throw new UserError('--provider, --model and --base-url go with --roles llm.');
  return { maxBytes, timeout, rolesMode };
}

async function ingestInputs(store: Store, inputs: string[], opts: Opts, settings: RunSettings): Promise<void> {
  // A job when asked (--wait/--detach) or when a worker is running on PostgreSQL (embedded roles only).
  const { wantsJob, submitFromCli } = await import('./jobs.ts');
  if (!opts.dryRun && settings.rolesMode === 'embedded' && (await wantsJob(store, opts))) {
    const { ingestParams } = await import('../../jobs/handlers/ingest.ts');
    await submitFromCli(store, 'ingest', await ingestParams(inputs, documentOptions(opts, settings), { link: opts.link, classify: opts.classify }), opts);
    return;
  }
  const { llm, dbCache } = settings.rolesMode === 'llm' ? await llmRoles(store, opts) : { llm: undefined, dbCache: undefined };
  const { results, failures } = await ingestEach(store, inputs, opts, settings, llm, dbCache);
  const post: Record<string, unknown> = {};
  const newIds = results.filter((r) => !r.dryRun).flatMap((r) => r.statementIds);
  if (newIds.length && (opts.classify || opts.link)) {
    const { classifyIngested, linkIngested } = await import('../../ingest/post.ts');
    if (opts.classify) post.classify = await classifyIngested(store, newIds);
    if (opts.link) post.link = await linkIngested(store, newIds);
  }
  if (opts.json) console.log(JSON.stringify({ results, failures, ...post }, null, 2));
  else printResults(results, failures.length, post, !!opts.dryRun);
  if (failures.length) process.exitCode = results.length ? 1 : 2;
}

/** What the options say about each document (as a job's parameters and for prepare()). */
function documentOptions(opts: Opts, settings: RunSettings) {
  return {
    title: opts.title,
    organisation: opts.organisation,
    date: opts.date,
    type: opts.type,
    jurisdiction: opts.jurisdiction,
    language: opts.language,
    kind: opts.kind as Role | undefined,
    licence: opts.licence,
    attribution: opts.attribution,
    format: opts.format as 'pdf' | undefined,
    encoding: opts.encoding,
    maxBytes: settings.maxBytes,
    timeoutMs: settings.timeout * 1000,
  };
}

/** --roles llm: the provider's settings and the answer cache. */
async function llmRoles(store: Store, opts: Opts): Promise<{ llm: LlmOptions; dbCache: DbCache }> {
  const { UserError } = await import('../main.ts');
  const { resolveLlmSettings, describeSettings } = await import('../../classify/llm/config.ts');
  const { DbCache } = await import('../../classify/llm/cache.ts');
  const { loadConfig } = await import('../../config.ts');
  const config = loadConfig();
  let provider = opts.provider ?? 'llm';
  if (provider === 'llm') provider = process.env.GOVNAV_LLM_PROVIDER || String(config.llm.provider ?? 'openai');
  if (!['openai', 'anthropic'].includes(provider)) throw new UserError(`--provider must be openai, anthropic or llm, not "${provider}".`);
  let settings;
  try {
    settings = resolveLlmSettings({ provider, model: opts.model, baseUrl: opts.baseUrl }, process.env, config.llm);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const dbCache = new DbCache(store.db);
  const llm: LlmOptions = {
    settings,
    cache: dbCache,
    onRetry: ({ attempt, delayMs, error }) => {
      if (process.env.GOVNAV_DEBUG) process.stderr.write(`retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s: ${error.message}\n`);
    },
  };
  if (!opts.json) process.stderr.write(`roles: LLM, ${describeSettings(settings)}\n`);
  return { llm, dbCache };
}

/** Each input prepared and written in its own transaction; an input that cannot be read is a failure, not the end. */
async function ingestEach(store: Store, inputs: string[], opts: Opts, settings: RunSettings, llm: LlmOptions, dbCache: DbCache | undefined) {
  const { writePrepared, IngestError } = await import('../../ingest/index.ts');
  const { progress } = await import('../progress.ts');
  const results: IngestResult[] = [];
  const failures: { source: string; message: string }[] = [];
  const bar = inputs.length > 1 ? progress('ingest', inputs.length, { quiet: !!opts.json }) : undefined;
  for (const input of inputs) {
    const bars: { page?: ReturnType<typeof progress>; chunk?: ReturnType<typeof progress> } = {};
    try {
      const prepared = await prepareOne(input, opts, settings, llm, bars, !!bar);
      // The LLM's answers are in the cache before the document's transaction starts.
      await dbCache?.flush();
      results.push(await writePrepared(store.db, prepared, { dryRun: opts.dryRun }));
    } catch (e) {
      if (!(e instanceof IngestError) && (e as Error).name !== 'ValidationError') throw e;
      failures.push({ source: input, message: (e as Error).message });
      if (!opts.json) process.stderr.write(`error: ${(e as Error).message}\n`);
    } finally {
      bars.page?.stop();
      bars.chunk?.stop();
      bar?.tick(1, input);
    }
  }
  bar?.stop();
  await dbCache?.flush();
  return { results, failures };
}

/** Read one input into an outline with roles; page and LLM-chunk bars for a single long input. */
async function prepareOne(
  input: string,
  opts: Opts,
  settings: RunSettings,
  llm: LlmOptions,
  bars: { page?: import('../progress.ts').Progress; chunk?: import('../progress.ts').Progress },
  several: boolean,
): Promise<Prepared> {
  const { prepare } = await import('../../ingest/index.ts');
  const { progress } = await import('../progress.ts');
  return prepare(input, {
    ...documentOptions(opts, settings),
    dryRun: opts.dryRun,
    roles: settings.rolesMode,
    llm: llm && {
      ...llm,
      onChunk: (_done, total) => {
        if (total < 3 || opts.json || several) return;
        bars.chunk ??= progress('LLM chunks', total);
        bars.chunk.tick(1);
      },
    },
    onPage: (_p, total) => {
      if (total < 20 || opts.json || several) return;
      bars.page ??= progress('pages', total);
      bars.page.tick(1);
    },
  });
}

function printResults(results: IngestResult[], failed: number, post: Record<string, unknown>, dryRun: boolean): void {
  const dim = dimmer();
  for (const r of results) printResult(r, dim);
  for (const [k, v] of Object.entries(post)) console.log(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const totals = results.reduce((a, r) => ({ s: a.s + r.statements, c: a.c + r.created }), { s: 0, c: 0 });
  console.log(
    `\n${results.length} document(s) ingested${dryRun ? ' (dry run)' : ''}, ${totals.s} statements (${totals.c} new)` + (failed ? `; ${failed} failed` : ''),
  );
}

/** One document's outcome: its outline on a dry run, what became of it, its counts, notes and near duplicates. */
function printResult(r: IngestResult, dim: (s: string) => string): void {
  if (r.dryRun && r.outline) {
    console.log(`outline of "${r.title}" (${r.outline.length} blocks; page, role, confidence, source, statement, anchor, text):`);
    for (const line of outlineText(r.outline, dim)) console.log(`  ${line}`);
  }
  const what = r.dryRun ? 'would be' : r.documentStatus === 'created' ? 'new' : r.documentStatus;
  console.log(
    `${r.documentId} ${what}: "${r.title}" (${r.format}${r.pages ? `, ${r.pages} pages` : ''}, ${r.language}${r.date ? `, ${r.date}` : ''})` +
      (r.matchedBy ? ` — matched an earlier ingest by ${r.matchedBy}` : ''),
  );
  if (r.work?.joined) console.log(`  joined work ${r.work.id} (same ${r.work.joined.by === 'doi' ? 'DOI' : r.work.joined.by === 'title' ? 'title and year' : 'statement texts'} as ${r.work.joined.with}): one page, counted once`);
  console.log(`  ${roleSummary(r)}${r.corrections ? ` (${r.corrections} correction${r.corrections === 1 ? '' : 's'} applied)` : ''}`);
  if (r.llm)
    console.log(
      `  LLM: ${r.llm.spans} spans accepted, ${r.llm.rejected} rejected (not verbatim), ${r.llm.failedChunks} of ${r.llm.chunks} chunks failed; ` +
        `${r.llm.requests} requests, ${r.llm.inputTokens + r.llm.outputTokens} tokens${r.llm.costUsd !== undefined ? `, $${r.llm.costUsd.toFixed(4)}` : ''}`,
    );
  console.log(
    `  ${r.statements} statements: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.retired} retired` + (r.dryRun ? ' (dry run: nothing written)' : ''),
  );
  for (const n of r.notes) console.log(`  note: ${n}`);
  if (r.nearDuplicates.length) {
    console.log(`  ${r.nearDuplicates.length} near-duplicate statement(s) in other documents:`);
    for (const n of r.nearDuplicates.slice(0, 20)) console.log(`    ${n.statementId} ≈ ${n.otherId} (${n.otherDocumentId}, similarity ${n.similarity.toFixed(2)})`);
    if (r.nearDuplicates.length > 20) console.log(`    … and ${r.nearDuplicates.length - 20} more (see --json)`);
  }
}
