// The evaluation protocol of ../shared/eval/README.md: eight axes, each a gold CSV, a text,
// a label, a row selection and a folds file (folds by source document; NIST by function).
import { join } from 'node:path';
import { taxonomies, type Taxonomy } from '../taxonomy/index.ts';
import type { HyperParameters } from '../classify/embedded/model.ts';
import { evaluateCsv, parseFilter, type EvalOptions, type EvalResult, type GoldSpec, type Learner } from './csv-eval.ts';
import { baselineLearner, embeddedLearner } from './learners.ts';
import { evalJson } from './report.ts';
import { PROTOCOL } from './defaults.ts';
import { formatInterval } from './bootstrap.ts';

export interface ProtocolAxis {
  id: string;
  title: string;
  /** Paths relative to the shared directory (the one holding data/ and eval/). */
  gold: string;
  text: string[];
  label: string;
  folds: string;
  group: string;
  /** Row selection as `--filter` arguments (COL=REGEX keeps matches, COL!=REGEX drops them). */
  filters: string[];
  /** Taxonomy id for descriptions / level scoring, when one exists in taxonomies/. */
  taxonomy?: string;
  /** Ordered scale (for weighted κ), if any. */
  ordinal?: string[];
  /** The labels are second-level codes: also score them at the top level. */
  levelOneToo?: boolean;
}

const RISK = 'data/mit-airi-risk-db-v4/airi_v4_classified_risks.csv';
const RISK_TEXT = ['risk_category', 'risk_subcategory', 'description'];
const RISK_FOLDS = 'eval/folds_risk_db_v4.csv';
const MIT = 'data/mit-airi-mitigations-v1/mit_mitigations_v1_labelled.csv';
const MIT_FOLDS = 'eval/folds_mitigations_v1.csv';

export const PROTOCOL_AXES: ProtocolAxis[] = [
  {
    id: 'risk-domain',
    title: 'Risk domain',
    gold: RISK,
    text: RISK_TEXT,
    label: 'domain_code',
    folds: RISK_FOLDS,
    group: 'paper_id',
    filters: ['subdomain_code!=^X'],
  },
  {
    id: 'risk-subdomain',
    title: 'Risk subdomain',
    gold: RISK,
    text: RISK_TEXT,
    label: 'subdomain_code',
    folds: RISK_FOLDS,
    group: 'paper_id',
    filters: ['subdomain_code!=^X|\\.0$'],
    levelOneToo: true,
  },
  {
    id: 'risk-entity',
    title: 'Entity',
    gold: RISK,
    text: RISK_TEXT,
    label: 'entity',
    folds: RISK_FOLDS,
    group: 'paper_id',
    filters: ['subdomain_code!=^X', 'entity=^[123]$'],
  },
  {
    id: 'risk-intent',
    title: 'Intent',
    gold: RISK,
    text: RISK_TEXT,
    label: 'intent',
    folds: RISK_FOLDS,
    group: 'paper_id',
    filters: ['subdomain_code!=^X', 'intent=^[123]$'],
  },
  {
    id: 'risk-timing',
    title: 'Timing',
    gold: RISK,
    text: RISK_TEXT,
    label: 'timing',
    folds: RISK_FOLDS,
    group: 'paper_id',
    filters: ['subdomain_code!=^X', 'timing=^[123]$'],
  },
  {
    id: 'mitigation-v1-category',
    title: 'Mitigation v1 category',
    gold: MIT,
    text: ['name', 'description'],
    label: 'mit_v1_category_code',
    folds: MIT_FOLDS,
    group: 'source_doc_id',
    filters: [],
  },
  {
    id: 'mitigation-v1-subcategory',
    title: 'Mitigation v1 subcategory',
    gold: MIT,
    text: ['name', 'description'],
    label: 'mit_v1_subcategory_code',
    folds: MIT_FOLDS,
    group: 'source_doc_id',
    filters: [],
    levelOneToo: true,
  },
  {
    id: 'nist-function',
    title: 'NIST AI RMF function',
    gold: 'data/ibm-ai-atlas-nexus/nist_ai_600_1_actions.csv',
    text: ['description'],
    label: 'nist_function',
    folds: 'eval/folds_nist_actions.csv',
    group: 'action_id',
    filters: [],
  },
];

export function axisSpec(axis: ProtocolAxis, sharedDir: string): GoldSpec {
  return {
    gold: join(sharedDir, axis.gold),
    text: axis.text,
    label: axis.label,
    folds: join(sharedDir, axis.folds),
    group: axis.group,
    filters: axis.filters.map(parseFilter),
  };
}

/** The equivalent `govnav eval` command line for one axis (run from the repository root). */
export function axisCommand(axis: ProtocolAxis, sharedRel = '../shared'): string {
  const q = (s: string) => (/^[\w./,:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = [
    'govnav eval',
    `--gold ${q(`${sharedRel}/${axis.gold}`)}`,
    `--text ${q(axis.text.join(','))}`,
    `--label ${axis.label}`,
    ...axis.filters.map((f) => `--filter ${q(f)}`),
    `--folds ${q(`${sharedRel}/${axis.folds}`)}`,
    `--group ${axis.group}`,
    ...(AXIS_TAXONOMY[axis.id] ? [`--taxonomy ${AXIS_TAXONOMY[axis.id]}`] : []),
    '--baseline',
  ];
  return parts.join(' ');
}

export interface AxisResult {
  axis: ProtocolAxis;
  result: EvalResult;
  /** Wall time of the axis, in milliseconds. */
  ms: number;
}

export interface ProtocolOptions {
  axes?: string[];
  /** Use the taxonomy files (descriptions as weak examples, label resolution). Default true. */
  useTaxonomies?: boolean;
  baseline?: boolean;
  hyper?: Partial<HyperParameters>;
  onFold?: EvalOptions['onFold'];
  onAxis?: (axis: ProtocolAxis, index: number, total: number) => void;
}

/** The taxonomy each protocol axis labels on (labels resolve through it, e.g. "GOVERN" → "govern"). */
export const AXIS_TAXONOMY: Record<string, string> = {
  'risk-domain': 'risk-domain',
  'risk-subdomain': 'risk-domain',
  'risk-entity': 'risk-entity',
  'risk-intent': 'risk-intent',
  'risk-timing': 'risk-timing',
  'mitigation-v1-category': 'mitigation-v1',
  'mitigation-v1-subcategory': 'mitigation-v1',
  'nist-function': 'nist-ai-rmf',
};

/** Run the protocol: for each axis, embedded classifier and baseline on the same folds. */
export async function runProtocol(sharedDir: string, opts: ProtocolOptions = {}): Promise<AxisResult[]> {
  const axes = opts.axes?.length ? opts.axes.map(findAxis) : PROTOCOL_AXES;
  const out: AxisResult[] = [];
  for (const [i, axis] of axes.entries()) {
    opts.onAxis?.(axis, i, axes.length);
    const spec = axisSpec(axis, sharedDir);
    let tax: Taxonomy | undefined;
    if (opts.useTaxonomies !== false) {
      const reg = taxonomies();
      const id = AXIS_TAXONOMY[axis.id];
      if (id && reg.has(id)) {
        const t = reg.get(id);
        tax = t;
        spec.labelMap = (l) => (t.has(l) ? l : t.resolve(l));
        spec.labelMapName = `taxonomy "${t.id}"`;
      }
    }
    const learners: Learner[] = [embeddedLearner({ taxonomy: tax, hyper: opts.hyper })];
    if (opts.baseline !== false) learners.push(baselineLearner(PROTOCOL.baselineC), baselineLearner(PROTOCOL.baselineAltC));
    const t0 = Date.now();
    const order = tax?.ordered().map((n) => n.code);
    // Subcategory axes are also scored at the top level of their taxonomy.
    const levels: Record<string, (c: string) => string | undefined> | undefined =
      tax && axis.levelOneToo ? { 'level 1': (c) => (tax.has(c) ? tax.ancestorAt(c, 1) : undefined) } : undefined;
    const result = await evaluateCsv(spec, learners, { onFold: opts.onFold, ordinal: axis.ordinal, order, levels });
    out.push({ axis, result, ms: Date.now() - t0 });
  }
  return out;
}

export function findAxis(id: string): ProtocolAxis {
  const a = PROTOCOL_AXES.find((x) => x.id === id);
  if (!a) throw new Error(`unknown protocol axis "${id}"; the axes are: ${PROTOCOL_AXES.map((x) => x.id).join(', ')}`);
  return a;
}

/**
 * The per-axis table as rows of strings: embedded, the baseline at C = 1 and at C = 0.5, κ with its
 * 95% bootstrap interval, and the κ gain over each baseline with its paired interval.
 */
export function protocolRows(results: AxisResult[]): string[][] {
  const f = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
  const ci = (i: Parameters<typeof formatInterval>[0], signed = false) => formatInterval(i, 3, signed);
  const rows = [
    [
      'axis',
      'n',
      'emb acc',
      'emb kappa [95% CI]',
      'emb macro-F1',
      'base acc',
      'base kappa [95% CI]',
      'base macro-F1',
      'kappa gain [95% CI]',
      'base C=0.5 kappa [95% CI]',
      'gain vs C=0.5 [95% CI]',
      'coverage',
      'acc covered',
    ],
  ];
  for (const r of results) {
    const e = r.result.results[0];
    const b = r.result.results[1];
    const b2 = r.result.results[2];
    rows.push([
      r.axis.id,
      String(r.result.n),
      f(e.agreement.accuracy),
      ci(e.kappaCI),
      f(e.agreement.macro_f1),
      b ? f(b.agreement.accuracy) : '',
      b ? ci(b.kappaCI) : '',
      b ? f(b.agreement.macro_f1) : '',
      b ? ci(b.difference, true) : '',
      b2 ? ci(b2.kappaCI) : '',
      b2 ? ci(b2.difference, true) : '',
      e.coverage ? e.coverage.coverage.toFixed(2) : '',
      e.coverage ? f(e.coverage.accuracyCovered) : '',
    ]);
  }
  return rows;
}

/** Lines giving the top-level agreement of second-level axes (subdomain → domain, subcategory → category). */
export function levelLines(results: AxisResult[]): string[] {
  const f = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
  const out: string[] = [];
  for (const r of results)
    for (const [name, e] of Object.entries(r.result.results[0].levels ?? {})) {
      const b = r.result.results[1]?.levels?.[name];
      const eci = r.result.results[0].levelsCI?.[name];
      const bci = r.result.results[1]?.levelsCI?.[name];
      out.push(
        `${r.axis.id} scored at ${name}: embedded κ ${eci ? formatInterval(eci.kappa) : f(e.kappa)} (accuracy ${f(e.accuracy)})` +
          (b ? `, baseline κ ${bci ? formatInterval(bci.kappa) : f(b.kappa)} (accuracy ${f(b.accuracy)})` : '') +
          (bci?.difference ? `, gain ${formatInterval(bci.difference, 3, true)}` : ''),
      );
    }
  return out;
}

export function protocolMarkdown(results: AxisResult[]): string {
  const rows = protocolRows(results);
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [line(rows[0]), line(rows[0].map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.slice(1).map(line)].join('\n');
}

export function protocolJson(results: AxisResult[]): Record<string, unknown>[] {
  return results.map((r) => ({
    axis: r.axis.id,
    command: axisCommand(r.axis),
    seconds: r.ms / 1000,
    ...evalJson(r.result),
  }));
}
