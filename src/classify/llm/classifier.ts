// The LLM classifier: prompt → provider (through the client: cache, limits, retries) → answer check,
// with one retry that tells the model what was wrong. Implements the common Classifier contract.
import type { TaxonomyRegistry } from '../../taxonomy/index.ts';
import { clampReasoning, type Classifier, type ClassifyInput, type ClassifyResult } from '../types.ts';
import { checkAnswer } from './answer.ts';
import { LlmClient, type ClientOptions } from './client.ts';
import type { LlmSettings } from './config.ts';
import { ClassificationFailure, LlmProtocolError, addUsage, emptyUsage, isAbort, isFatal, type UsageTotals } from './errors.ts';
import { costOf } from './pricing.ts';
import type { PromptSet } from './prompts.ts';
import type { FewShotExample } from './fewshot.ts';
import { createTransport, type ChatRequest, type Transport } from './transport.ts';

export interface LlmClassifierOptions extends ClientOptions {
  settings: LlmSettings;
  registry: TaxonomyRegistry;
  prompts: PromptSet;
  /** Defaults to the transport for settings.provider. */
  transport?: Transport;
  /**
   * Few-shot examples for an input that has none (e.g. `storeFewShot(db)`: the nearest annotated
   * statements in the store), looked up once per input and taxonomy before the prompt is rendered.
   */
  fewShot?: (input: ClassifyInput, taxonomy: string) => Promise<FewShotExample[]>;
}

export class LlmClassifier implements Classifier {
  readonly name: string;
  readonly client: LlmClient;
  /** Totals over every call made through this classifier. */
  readonly usage: UsageTotals = emptyUsage();

  constructor(private readonly o: LlmClassifierOptions) {
    const transport = o.transport ?? createTransport(o.settings);
    this.client = new LlmClient(transport, o.settings, o);
    this.name = `${o.settings.provider}:${o.settings.model}`;
  }

  get settings(): LlmSettings {
    return this.o.settings;
  }

  supports(taxonomy: string): boolean {
    return this.o.registry.has(taxonomy) && this.o.prompts.has(taxonomy);
  }

  /** Per input and taxonomy: the input with its few-shot examples (see `fewShot`). */
  private readonly withShots = new WeakMap<ClassifyInput, Map<string, Promise<ClassifyInput>>>();

  /** The input as the prompt sees it: with the few-shot examples of this taxonomy when `fewShot` is set. */
  private examplesFor(input: ClassifyInput, taxonomy: string): Promise<ClassifyInput> {
    const fewShot = this.o.fewShot;
    if (!fewShot || input.examples) return Promise.resolve(input);
    let byTax = this.withShots.get(input);
    if (!byTax) this.withShots.set(input, (byTax = new Map()));
    let p = byTax.get(taxonomy);
    if (!p) byTax.set(taxonomy, (p = fewShot(input, taxonomy).then((examples) => ({ ...input, examples }))));
    return p;
  }

  /** Requests rendered by prepare(), reused by classify() (rendering a long code list twice is waste). */
  private readonly rendered = new WeakMap<ClassifyInput, Map<string, ChatRequest>>();

  /** The first request that would be sent (for dry runs, cost estimates and cache prefetches). */
  firstRequest(input: ClassifyInput, taxonomy: string): { request: ChatRequest; promptVersion: string } {
    const prompt = this.o.prompts.get(taxonomy);
    let byTax = this.rendered.get(input);
    let request = byTax?.get(taxonomy);
    if (!request) {
      const t = this.o.registry.get(taxonomy);
      request = prompt.render(input, t, { maxTokens: this.o.settings.maxOutputTokens, temperature: this.o.settings.temperature });
      if (!byTax) this.rendered.set(input, (byTax = new Map()));
      byTax.set(taxonomy, request);
    }
    return { request, promptVersion: prompt.version };
  }

  /** The first request as `classify` will send it: with the few-shot examples of `fewShot` (dry runs, estimates). */
  async requestFor(input: ClassifyInput, taxonomy: string): Promise<{ request: ChatRequest; promptVersion: string }> {
    return this.firstRequest(await this.examplesFor(input, taxonomy), taxonomy);
  }

  /** Before a batch: look up the batch's first requests in the cache at once. */
  async prepare(items: { input: ClassifyInput; taxonomy: string }[]): Promise<void> {
    const cache = this.o.cache;
    if (!cache?.prefetch) return;
    const keys: ReturnType<LlmClient["cacheKey"]>[] = [];
    for (const i of items.filter((x) => this.supports(x.taxonomy))) {
      const { request, promptVersion } = this.firstRequest(await this.examplesFor(i.input, i.taxonomy), i.taxonomy);
      keys.push(this.client.cacheKey(request, promptVersion));
    }
    await cache.prefetch(keys);
  }

  /** Make every answer received so far durable in the cache. */
  async flush(): Promise<void> {
    await this.o.cache?.flush?.();
  }

  async classify(original: ClassifyInput, taxonomy: string, signal?: AbortSignal): Promise<ClassifyResult> {
    const input = await this.examplesFor(original, taxonomy);
    const t = this.o.registry.get(taxonomy);
    const prompt = this.o.prompts.get(taxonomy);
    const used = emptyUsage();
    let req = this.firstRequest(input, taxonomy).request;
    this.rendered.get(input)?.delete(taxonomy);
    let lastError = '';
    for (let attempt = 0; attempt < 2; attempt++) {
      let outcome;
      try {
        outcome = await this.client.chat(req, prompt.version, signal);
      } catch (e) {
        if (isAbort(e, signal) || isFatal(e)) throw e;
        const reason = e instanceof LlmProtocolError ? e.message : `request failed: ${(e as Error).message}`;
        this.account(used);
        throw new ClassificationFailure(reason, used);
      }
      const r = outcome.response;
      const cost = outcome.cached ? 0 : costOf(this.o.settings.model, this.o.settings.prices, r.inputTokens, r.outputTokens);
      addUsage(used, {
        inputTokens: outcome.cached ? 0 : r.inputTokens,
        outputTokens: outcome.cached ? 0 : r.outputTokens,
        costUsd: cost,
        requests: outcome.requests,
        cachedRequests: outcome.cached ? 1 : 0,
      });
      const check = checkAnswer(r.text, t, { registry: this.o.registry, finishReason: r.finishReason, allowed: prompt.allowedCodes(t) });
      if (check.ok) {
        this.account(used);
        const a = check.answer;
        return {
          taxonomy,
          code: a.code,
          secondary: a.secondary,
          reasoning: clampReasoning(a.reasoning),
          confidence: a.confidence,
          provenance: { source: 'llm', model: this.o.settings.model, modelVersion: r.model, promptVersion: prompt.version },
          usage: {
            inputTokens: used.inputTokens,
            outputTokens: used.outputTokens,
            costUsd: used.costUsd,
            cached: used.requests === 0 && used.cachedRequests > 0,
            requests: used.requests,
          } as NonNullable<ClassifyResult['usage']> & { requests: number },
        };
      }
      lastError = check.error;
      if (attempt === 0) req = prompt.renderRetry(req, r.text, check.error, input, t);
    }
    this.account(used);
    throw new ClassificationFailure(`invalid answer after one retry: ${lastError}`, used);
  }

  private account(u: UsageTotals): void {
    addUsage(this.usage, u);
  }
}
