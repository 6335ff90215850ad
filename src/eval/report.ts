// Rendering evaluation results: aligned text tables (with the confusion matrix) and JSON objects.
import type { Agreement } from './metrics.ts';
import type { EvalResult, LearnerResult } from './csv-eval.ts';
import { formatInterval, intervalJson } from './bootstrap.ts';

export const fmt = (x: number | undefined, digits = 3): string =>
  x === undefined ? '' : Number.isNaN(x) ? 'n/a' : x.toFixed(digits);

/** Align columns: numbers right, text left. */
export function table(rows: string[][], rightAlign: (col: number) => boolean = (c) => c > 0): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (rightAlign(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function agreementJson(a: Agreement): Record<string, unknown> {
  const out: Record<string, unknown> = {
    n: a.n,
    accuracy: a.accuracy,
    kappa: a.kappa,
    macro_f1: a.macro_f1,
    alpha: a.alpha,
  };
  if (a.weighted_kappa !== undefined) {
    out.weighted_kappa = a.weighted_kappa;
    out.linear_weighted_kappa = a.linear_weighted_kappa;
    out.alpha_ordinal = a.alpha_ordinal;
  }
  out.per_class = a.per_class;
  out.confusion = { labels: a.confusion.labels, matrix: a.confusion.matrix };
  return out;
}

function learnerJson(r: LearnerResult): Record<string, unknown> {
  const out: Record<string, unknown> = { learner: r.learner, ...agreementJson(r.agreement) };
  if (r.kappaCI) out.kappa_ci = intervalJson(r.kappaCI);
  if (r.difference) out.kappa_difference_first_minus_this = intervalJson(r.difference);
  if (r.coverage) out.abstention = r.coverage;
  if (r.failed) out.failed = r.failed;
  if (r.levels)
    out.levels = Object.fromEntries(
      Object.entries(r.levels).map(([k, v]) => {
        const ci = r.levelsCI?.[k];
        return [k, { ...agreementJson(v), ...(ci ? { kappa_ci: intervalJson(ci.kappa), ...(ci.difference ? { kappa_difference_first_minus_this: intervalJson(ci.difference) } : {}) } : {}) }];
      }),
    );
  return out;
}

/** The `--json` object: the first learner's figures at top level, the baseline (if run) under `baseline`. */
export function evalJson(res: EvalResult): Record<string, unknown> {
  const [main, ...others] = res.results;
  const out: Record<string, unknown> = {
    gold: res.gold,
    mode: res.mode,
    skipped: res.skipped,
    filtered: res.filtered,
    ...(res.folds ? { folds: res.folds } : {}),
    ...learnerJson(main),
  };
  for (const o of others) out[o.learner] = learnerJson(o);
  return out;
}

export function confusionTable(a: Agreement): string {
  const { labels, matrix } = a.confusion;
  const rows = [['gold \\ predicted', ...labels]];
  labels.forEach((l, i) => rows.push([l, ...matrix[i].map(String)]));
  return table(rows);
}

export function perClassTable(a: Agreement): string {
  const rows = [['class', 'precision', 'recall', 'F1', 'support', 'predicted']];
  for (const c of a.per_class) rows.push([c.label, fmt(c.precision), fmt(c.recall), fmt(c.f1), String(c.support), String(c.predicted)]);
  return table(rows);
}

export function summaryRows(results: { name: string; a: Agreement }[]): string[][] {
  const ordinal = results.some((r) => r.a.weighted_kappa !== undefined);
  const head = ['', 'n', 'accuracy', 'kappa', 'macro-F1', 'alpha', ...(ordinal ? ['weighted kappa'] : [])];
  return [
    head,
    ...results.map((r) => [
      r.name,
      String(r.a.n),
      fmt(r.a.accuracy),
      fmt(r.a.kappa),
      fmt(r.a.macro_f1),
      fmt(r.a.alpha),
      ...(ordinal ? [fmt(r.a.weighted_kappa)] : []),
    ]),
  ];
}

/** The human-readable report of one CSV evaluation. */
export function formatEval(res: EvalResult, describeMode: string): string {
  const out: string[] = [];
  out.push(`Gold: ${res.gold}`);
  out.push(
    `Rows scored: ${res.n}` +
      (res.skipped ? `; ${res.skipped} skipped (empty label)` : '') +
      (res.filtered ? `; ${res.filtered} left out by --filter` : ''),
  );
  out.push(describeMode);
  out.push('');
  out.push(table(summaryRows(res.results.map((r) => ({ name: r.learner, a: r.agreement })))));
  const main = res.results[0];
  if (main?.kappaCI) {
    out.push('');
    out.push(`Cohen's kappa with 95% bootstrap intervals (${main.kappaCI.resamples} resamples of the rows, seed ${main.kappaCI.seed}):`);
    for (const r of res.results) {
      out.push(`  ${r.learner}: ${formatInterval(r.kappaCI)}` + (r.difference ? `; ${main.learner} − ${r.learner}: ${formatInterval(r.difference, 3, true)}` : ''));
    }
  }
  for (const r of res.results) {
    if (r.failed) out.push(`${r.learner}: no usable answer for ${r.failed} of ${res.n} rows (scored as "(none)")`);
    if (r.coverage)
      out.push(
        `${r.learner}: would abstain on ${r.coverage.abstained} of ${res.n} rows (coverage ${fmt(r.coverage.coverage, 2)}); ` +
          `accuracy on the rows it keeps ${fmt(r.coverage.accuracyCovered)}. Scores above count every row (best guess where it abstains).`,
      );
    for (const [name, a] of Object.entries(r.levels ?? {}))
      out.push(`${r.learner} at ${name}: n ${a.n}, accuracy ${fmt(a.accuracy)}, kappa ${fmt(a.kappa)}, macro-F1 ${fmt(a.macro_f1)}`);
  }
  for (const r of res.results) {
    out.push('');
    out.push(`Per class (${r.learner}):`);
    out.push(perClassTable(r.agreement));
    out.push('');
    out.push(`Confusion matrix (${r.learner}; rows = gold, columns = predicted):`);
    out.push(confusionTable(r.agreement));
  }
  return out.join('\n');
}

/** Report of one agreement (store sources): summary, levels, per class, confusion. */
export function formatAgreement(name: string, a: Agreement, levels: Record<string, Agreement> = {}): string {
  const out = [table(summaryRows([{ name, a }, ...Object.entries(levels).map(([k, v]) => ({ name: `  at ${k}`, a: v }))]))];
  out.push('', 'Per class:', perClassTable(a), '', 'Confusion matrix (rows = A, columns = B):', confusionTable(a));
  return out.join('\n');
}
