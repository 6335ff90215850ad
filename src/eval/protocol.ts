// The evaluation protocol of ../shared/eval/README.md: eight axes, each a gold CSV, a text,
// a label, a row selection and a folds file (folds by source document; NIST by function).
import { join } from 'node:path';
import { parseFilter, type GoldSpec } from './csv-eval.ts';

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
    '--baseline',
  ];
  return parts.join(' ');
}
