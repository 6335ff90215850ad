// LLM pipeline throughput against the loopback fake provider (OpenAI wire format) answering every
// request after 200 ms. With concurrency C the best possible rate is C / 0.2 s; the figure is the
// achieved rate as a fraction of that bound (target ≥ 0.9), for the whole `govnav classify` pipeline
// (run bookkeeping, cache lookups and writes, batched label transactions on in-memory PGlite) and
// for the provider client alone.
import { loadConfig } from '../src/config.ts';
import { openStore, upsertDataset, upsertDocument, upsertStatements } from '../src/store/index.ts';
import { LlmClassifier } from '../src/classify/llm/classifier.ts';
import { DbCache, MemoryCache } from '../src/classify/llm/cache.ts';
import { resolveLlmSettings } from '../src/classify/llm/config.ts';
import { loadPrompts } from '../src/classify/llm/prompts.ts';
import { runClassification } from '../src/classify/pipeline.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const LATENCY_MS = 200;
const CONCURRENCY = Number(process.env.GOVNAV_LLM_BENCH_C ?? 8);
const N = Number(process.env.GOVNAV_LLM_BENCH_N ?? 320);

const CODES = ['1.1.1', '1.2.1', '2.2.2', '2.3.4', '3.1.1', '3.3.3'];

/**
 * The fake provider runs in its own process, so that its work does not compete with the pipeline
 * for the event loop; the parent counts requests through the pipeline's own numbers.
 */
async function startServer(): Promise<{ baseUrl: string; requests: () => Promise<number>; close: () => Promise<void> }> {
  const fake = fileURLToPath(new URL('../test/classify/llm/fake-provider.ts', import.meta.url));
  const code = `
    const { startFakeProvider } = await import(${JSON.stringify('file://' + fake)});
    const s = await startFakeProvider({ wire: 'openai', latencyMs: ${LATENCY_MS} });
    process.stdout.write(s.baseUrl + '\\n');
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', async (d) => {
      if (d.includes('count')) process.stdout.write('count ' + s.requests.length + '\\n');
      if (d.includes('close')) { await s.close(); process.exit(0); }
    });`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  let buf = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const nextLine = () => new Promise<string>((resolve) => (lines.length ? resolve(lines.shift()!) : waiters.push(resolve)));
  const baseUrl = await nextLine();
  return {
    baseUrl,
    requests: async () => {
      child.stdin!.write('count\n');
      return Number((await nextLine()).split(' ')[1]);
    },
    close: async () => {
      child.stdin!.write('close\n');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

export async function run(): Promise<BenchResult[]> {
  const server = await startServer();
  const env = { ...process.env, GOVNAV_CONFIG: '' };
  delete (env as NodeJS.ProcessEnv).DATABASE_URL;
  const store = await openStore({ config: loadConfig(env), memory: true });
  try {
    const settings = {
      ...resolveLlmSettings({ provider: 'openai', baseUrl: server.baseUrl, model: 'gpt-4o-mini', concurrency: CONCURRENCY }, { OPENAI_API_KEY: 'bench' }),
      timeoutMs: 10_000,
    };
    const prompts = loadPrompts(undefined, store.taxonomies);
    const bound = CONCURRENCY / (LATENCY_MS / 1000);

    // 1. The provider client alone (no database): prompt rendering, limits, HTTP, answer checks.
    // A short warm-up first (connections opened, code compiled): the figures are steady-state rates.
    const bare = new LlmClassifier({ settings, registry: store.taxonomies, prompts, cache: new MemoryCache() });
    await Promise.all(
      Array.from({ length: 2 * CONCURRENCY }, (_, i) => bare.classify({ kind: 'mitigation', name: '', text: `Warm-up ${i}. [answer 1.1.1]` }, 'mitigation-v2')),
    );
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: N }, (_, i) =>
        bare.classify({ kind: 'mitigation', name: `m${i}`, text: `Client-only statement ${i}. [answer ${CODES[i % CODES.length]}]` }, 'mitigation-v2'),
      ),
    );
    const bareRate = N / ((performance.now() - t0) / 1000);

    // 2. The whole pipeline: a run over N statements on one taxonomy, stored in the database.
    const provenance = { dataset: 'bench-llm', datasetVersion: '1', licence: 'CC0-1.0', attribution: 'synthetic' };
    await upsertDataset(store.db, { id: 'bench-llm', version: '1', licence: 'CC0-1.0', attribution: 'synthetic' });
    const { id } = await upsertDocument(store.db, { sourceKey: 'd', title: 'Synthetic framework', docType: 'framework', provenance });
    await upsertStatements(
      store.db,
      id,
      Array.from({ length: N }, (_, i) => ({
        sourceKey: `s${i}`,
        kind: 'mitigation' as const,
        ord: i,
        name: `Measure ${i}`,
        text: `Pipeline statement ${i}: the developer shall do something about risk. [answer ${CODES[i % CODES.length]}]`,
      })),
    );
    const seenBefore = await server.requests();
    const classifier = new LlmClassifier({ settings, registry: store.taxonomies, prompts, cache: new DbCache(store.db) });
    const t1 = performance.now();
    const summary = await runClassification({
      db: store.db,
      registry: store.taxonomies,
      classifier,
      params: { provider: 'openai', model: 'gpt-4o-mini', taxonomies: ['mitigation-v2'] },
      concurrency: CONCURRENCY,
      batchSize: 25,
    });
    const secs = (performance.now() - t1) / 1000;
    const requests = (await server.requests()) - seenBefore;
    if (summary.labelled !== N || requests !== N) throw new Error(`bench run incomplete: ${summary.labelled} labelled, ${requests} requests, ${summary.failed} failed`);
    const pipeRate = requests / secs;
    const note = `${N} requests, ${LATENCY_MS} ms latency, concurrency ${CONCURRENCY}: bound ${bound.toFixed(0)} req/s`;
    return [
      { name: 'LLM pipeline: achieved rate / concurrency bound', value: round(pipeRate / bound), unit: 'fraction', note: `${note}; ${pipeRate.toFixed(1)} req/s incl. run bookkeeping and label writes` },
      { name: 'LLM client alone: achieved rate / concurrency bound', value: round(bareRate / bound), unit: 'fraction', note: `${note}; ${bareRate.toFixed(1)} req/s` },
      { name: 'LLM pipeline: request rate', value: round(pipeRate), unit: 'req/s', note },
    ];
  } finally {
    await store.close();
    await server.close();
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) console.log(`${r.name}: ${r.value} ${r.unit}${r.note ? ` (${r.note})` : ''}`);
}
