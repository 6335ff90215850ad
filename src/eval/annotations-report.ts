// Rendering the evaluation on the annotated set (text tables and JSON), and setting up an LLM
// provider as the learner scored (`govnav eval --provider …`).
import type { TaxonomyRegistry, Taxonomy } from '../taxonomy/index.ts';
import { formatInterval, intervalJson, type Interval } from './bootstrap.ts';
import type { AnnotationReport } from './annotations.ts';
import type { Learner } from './csv-eval.ts';
import { PROTOCOL } from './defaults.ts';
import { agreementJson, fmt, table } from './report.ts';

const ci = (i: Interval | undefined, signed = false) => formatInterval(i, 3, signed);

/** The report as text: settings, folds, one table of κ per axis, levels, languages, inter-annotator agreement. */
export function formatAnnotationReport(r: AnnotationReport): string {
  const out: string[] = [];
  out.push(`Annotated set: ${r.dir} (version ${r.version}): ${r.items} items, ${r.pass1} with a first-pass label (${r.mitigations} mitigations), ${r.pass2} with a second-pass label.`);
  out.push(
    `Scored: ${r.main}, against the first pass. ${r.settings.folds} folds by source document (seed ${r.settings.foldSeed}); ` +
      `intervals: ${Math.round(r.settings.level * 100)}% percentile bootstrap, ${r.settings.resamples} resamples of the items (seed ${r.settings.bootstrapSeed}).`,
  );
  out.push('Folds: ' + r.folds.map((f) => `${f.fold}: ${f.items} items from ${f.documents} document${f.documents === 1 ? '' : 's'}`).join(' · '));
  out.push('');
  const base = r.axes[0]?.baselines.map((b) => b.learner) ?? [];
  const head = ['axis', 'n', 'accuracy', 'kappa [95% CI]', 'macro-F1', ...base.flatMap((b) => [`${b} kappa [95% CI]`, `gain over ${b} [95% CI]`]), 'annotators kappa [95% CI]', 'n (both passes)'];
  const rows = [head];
  for (const a of r.axes)
    rows.push([
      a.axis,
      String(a.n),
      fmt(a.main.accuracy),
      ci(a.main.kappa),
      fmt(a.main.macro_f1),
      ...a.baselines.flatMap((b) => [ci(b.kappa), ci(a.difference[b.learner], true)]),
      a.interAnnotator.n ? ci(a.interAnnotator.kappa) : 'n/a',
      String(a.interAnnotator.n),
    ]);
  out.push(table(rows));
  for (const a of r.axes) {
    for (const l of a.levels ?? []) {
      const parts = Object.entries(l.scores).map(([name, k]) => `${name} ${ci(k)}`);
      const diffs = Object.entries(l.difference).map(([name, d]) => `gain over ${name} ${ci(d, true)}`);
      out.push(
        `${a.axis} at level ${l.level} (codes truncated; ${l.n} items with a gold code that deep): ${[...parts, ...diffs].join(', ')}` +
          (l.interAnnotator ? `; annotators ${l.interAnnotator.n ? ci(l.interAnnotator.kappa) : 'n/a'} (n ${l.interAnnotator.n})` : ''),
      );
    }
  }
  out.push('');
  out.push('Per language (kappa [95% CI], n):');
  for (const a of r.axes)
    out.push(
      `  ${a.axis}: ` +
        Object.entries(a.byLanguage)
          .map(([lang, x]) => `${lang} ${ci(x.kappa)} (n ${x.n}${x.few ? `, fewer than ${PROTOCOL.minItemsPerLanguage} items` : ''}; baseline ${ci(x.baselineKappa)})`)
          .join(' · '),
    );
  const notes: string[] = [];
  for (const a of r.axes) {
    if (a.unlabelled || a.special) notes.push(`${a.axis}: ${a.unlabelled} mitigations without a code on this axis and ${a.special} with "other"/"unable" are not scored`);
    if (a.repeats) notes.push(`${a.axis}: ${a.repeats} mitigations repeat the text of an earlier item and are scored once`);
    if (a.main.abstained) notes.push(`${a.axis}: ${r.main} abstained on ${a.main.abstained} of ${a.n} items (its best guess is scored where it has one; "(none)" otherwise)`);
    if (a.main.failed) notes.push(`${a.axis}: ${r.main} gave no usable answer for ${a.main.failed} items (scored as "(none)")`);
  }
  out.push('');
  out.push(
    `Is it a mitigation at all (pass 1 vs pass 2): kappa ${r.mitigationJudgement.n ? ci(r.mitigationJudgement.kappa) : 'n/a'}, ` +
      `agreement ${fmt(r.mitigationJudgement.accuracy)}, n ${r.mitigationJudgement.n}.`,
  );
  if (notes.length) out.push('', ...notes);
  return out.join('\n');
}

/** The report as a JSON object (intervals as {estimate, low, high, …}; NaN becomes null). */
export function annotationReportJson(r: AnnotationReport, opts: { predictions?: boolean } = {}): Record<string, unknown> {
  return {
    dir: r.dir,
    version: r.version,
    items: r.items,
    pass1: r.pass1,
    pass2: r.pass2,
    mitigations: r.mitigations,
    learner: r.main,
    settings: r.settings,
    fold_rule: r.foldRule,
    folds: r.folds,
    mitigation_judgement: { n: r.mitigationJudgement.n, accuracy: r.mitigationJudgement.accuracy, kappa: intervalJson(r.mitigationJudgement.kappa) },
    axes: r.axes.map((a) => ({
      axis: a.axis,
      n: a.n,
      unlabelled: a.unlabelled,
      special: a.special,
      repeats: a.repeats,
      accuracy: a.main.accuracy,
      kappa: intervalJson(a.main.kappa),
      macro_f1: a.main.macro_f1,
      ...(a.main.abstained !== undefined ? { abstained: a.main.abstained } : {}),
      ...(a.main.failed ? { failed: a.main.failed } : {}),
      baselines: a.baselines.map((b) => ({ learner: b.learner, accuracy: b.accuracy, kappa: intervalJson(b.kappa), macro_f1: b.macro_f1 })),
      kappa_difference: Object.fromEntries(Object.entries(a.difference).map(([k, v]) => [k, intervalJson(v)])),
      by_language: Object.fromEntries(
        Object.entries(a.byLanguage).map(([k, v]) => [k, { n: v.n, kappa: intervalJson(v.kappa), baseline_kappa: intervalJson(v.baselineKappa) }]),
      ),
      ...(a.levels
        ? {
            levels: a.levels.map((l) => ({
              level: l.level,
              n: l.n,
              kappa: Object.fromEntries(Object.entries(l.scores).map(([k, v]) => [k, intervalJson(v)])),
              kappa_difference: Object.fromEntries(Object.entries(l.difference).map(([k, v]) => [k, intervalJson(v)])),
              inter_annotator: l.interAnnotator ? { n: l.interAnnotator.n, kappa: intervalJson(l.interAnnotator.kappa) } : undefined,
            })),
          }
        : {}),
      inter_annotator: { n: a.interAnnotator.n, accuracy: a.interAnnotator.accuracy, kappa: intervalJson(a.interAnnotator.kappa) },
      detail: agreementJson(a.agreement),
      ...(opts.predictions ? { predictions: a.predictions } : {}),
    })),
  };
}

export interface LlmEvalOptions {
  provider: string;
  model?: string;
  baseUrl?: string;
  fewShot?: number;
  onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
  onFailure?: (id: string | undefined, reason: string) => void;
}

/**
 * A factory of LLM learners (one per taxonomy) for `govnav eval --provider`: settings from the options,
 * the environment and the config file, the shipped prompts, an in-memory response cache.
 */
export async function llmLearnerFactory(o: LlmEvalOptions, registry: TaxonomyRegistry): Promise<{ learner: (t: Taxonomy) => Learner; describe: string }> {
  const { resolveLlmSettings, describeSettings } = await import('../classify/llm/config.ts');
  const { LlmClassifier } = await import('../classify/llm/classifier.ts');
  const { loadPrompts } = await import('../classify/llm/prompts.ts');
  const { MemoryCache } = await import('../classify/llm/cache.ts');
  const { loadConfig } = await import('../config.ts');
  const { llmLearner } = await import('./llm-learner.ts');
  const settings = resolveLlmSettings({ provider: o.provider, model: o.model, baseUrl: o.baseUrl }, process.env, loadConfig().llm);
  const classifier = new LlmClassifier({ settings, registry, prompts: loadPrompts(undefined, registry), cache: new MemoryCache(), onRetry: o.onRetry });
  return {
    learner: (t) => llmLearner(classifier, t, { k: o.fewShot, onFailure: o.onFailure }),
    describe: describeSettings(settings),
  };
}
