// The dataset importers: format detection, parsing, and writing in one transaction.
//   importPath(store, path, { format?, dryRun?, skipInvalid? })
// `path` is a file, or a folder holding one dataset's files.
import { closeSync, existsSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Store } from '../store/index.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import { phaseTimer, writeParsed, type ImportOptions, type ImportSummary } from './run.ts';
import { ImportError, type ParseContext, type ParsedDataset } from './types.ts';
import { noteIgnored } from '../util/errors.ts';

export { writeParsed, type ImportOptions, type ImportSummary, type Counts } from './run.ts';
export { ImportError, issueText, type ParsedDataset, type RowIssue, type Anomaly } from './types.ts';

export interface Importer {
  format: string;
  description: string;
  /** How sure we are that `path` is in this format (0 = not at all). */
  detect(path: string, isDir: boolean): number;
  parse(path: string, ctx: ParseContext): Promise<ParsedDataset>;
}

function head(path: string, bytes = 4096): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
  } finally {
    closeSync(fd);
  }
}
const list = (dir: string) => readdirSync(dir);
const has = (dir: string, re: RegExp) => list(dir).find((n) => re.test(n));
const ext = (p: string) => extname(p).toLowerCase();

export const IMPORTERS: Importer[] = [
  {
    format: 'mit-airi-xlsx',
    description: 'MIT AI Risk Repository workbook (.xlsx, sheets "AI Risk Database vN" and "Included resources")',
    detect: (p, dir) => (dir ? (has(p, /\.xlsx$/i) ? 10 : 0) : ext(p) === '.xlsx' ? 10 : 0),
    parse: async (p, ctx) => {
      const { parseRiskWorkbook } = await import('./mit-airi.ts');
      return parseRiskWorkbook(statSync(p).isDirectory() ? join(p, has(p, /\.xlsx$/i)!) : p, ctx);
    },
  },
  {
    format: 'mit-airi-csv',
    description: 'MIT AI Risk Repository CSV export (ai_risk_database_vN.csv + included_resources_vN.csv)',
    detect: (p, dir) => {
      if (dir) return has(p, /^ai_risk_database.*\.csv$/i) ? 5 : 0;
      return ext(p) === '.csv' && /Ev_ID/.test(head(p, 2048).split('\n')[0] ?? '') ? 10 : 0;
    },
    parse: async (p, ctx) => {
      const { parseRiskCsv } = await import('./mit-airi.ts');
      return parseRiskCsv(statSync(p).isDirectory() ? join(p, has(p, /^ai_risk_database.*\.csv$/i)!) : p, ctx);
    },
  },
  {
    format: 'mit-mitigations',
    description: 'MIT AI Risk Mitigation Database (folder: mit_ai_risk_mitigation_data.yaml, …_controls.yaml, mappings .tsv)',
    detect: (p, dir) => {
      if (dir) return has(p, /^mit_ai_risk_repository_data_controls\.ya?ml$/i) ? 10 : 0;
      const b = basename(p);
      return /^(mit_ai_risk_repository_data_controls\.ya?ml|mit_ai_risk_mitigation_data\.ya?ml|mit_ai_risk_mitigation_mappings\.tsv)$/i.test(b) ? 8 : 0;
    },
    parse: async (p, ctx) => (await import('./mit-mitigations.ts')).parseMitigations(p, ctx),
  },
  {
    format: 'nist-600-1',
    description: 'NIST AI 600-1 suggested actions (nist_ai_rmf_actions_data.yaml or nist_ai_600_1_actions.csv)',
    detect: (p, dir) => {
      if (dir) return has(p, /^nist_ai_rmf_actions_data\.ya?ml$/i) || has(p, /^nist_ai_600_1_actions\.csv$/i) ? 8 : 0;
      const e = ext(p);
      if (e === '.csv') return /^\s*action_id\s*,/i.test(head(p, 512)) ? 10 : 0;
      if (e === '.yaml' || e === '.yml') return /^actions:/m.test(head(p, 512)) ? 10 : 0;
      return 0;
    },
    parse: async (p, ctx) => (await import('./nist-600-1.ts')).parseNistActions(p, ctx),
  },
  {
    format: 'finos-aigf',
    description: 'FINOS AI Governance Framework (JSON conversion, or the repository folder with docs/_risks and docs/_mitigations)',
    detect: (p, dir) => {
      if (dir) return has(p, /^finos_aigf.*\.json$/i) || existsSync(join(p, 'docs', '_risks')) ? 9 : 0;
      return ext(p) === '.json' && /"(risks|mitigations)"\s*:/.test(head(p)) && /"body_markdown"|"_source"/.test(head(p, 65536)) ? 10 : 0;
    },
    parse: async (p, ctx) => (await import('./finos-aigf.ts')).parseFinos(p, ctx),
  },
  {
    format: 'mitre-atlas',
    description: 'MITRE ATLAS distribution (ATLAS.yaml)',
    detect: (p, dir) => {
      if (dir) return has(p, /^ATLAS\.ya?ml$/) ? 9 : 0;
      const e = ext(p);
      return (e === '.yaml' || e === '.yml') && /^matrices:/m.test(head(p, 65536)) ? 10 : 0;
    },
    parse: async (p, ctx) => (await import('./mitre-atlas.ts')).parseAtlas(p, ctx),
  },
  {
    format: 'govnav-annotations',
    description: 'govnav’s annotated set (the annotations/ folder: items.jsonl, pass1/*.jsonl, README.md)',
    detect: (p, dir) => (dir && existsSync(join(p, 'items.jsonl')) && existsSync(join(p, 'pass1')) ? 15 : 0),
    parse: async (p, ctx) => (await import('./annotations.ts')).parseAnnotations(p, ctx),
  },
  {
    format: 'govnav-json',
    description: 'govnav JSON interchange format (docs/formats.md)',
    detect: (p, dir) => {
      if (dir) return 0;
      return ext(p) === '.json' && /"format"\s*:\s*"govnav-json"/.test(head(p)) ? 20 : 0;
    },
    parse: async (p, ctx) => (await import('./govnav-json.ts')).parseGovnavJson(p, ctx),
  },
];

export const FORMATS = IMPORTERS.map((i) => i.format);

/** Which importer reads this path. Throws when none does, or when several are equally likely. */
export function detectFormat(path: string): Importer {
  if (!existsSync(path)) throw new ImportError(`${path}: no such file or folder`);
  const isDir = statSync(path).isDirectory();
  const scored = IMPORTERS.map((i) => {
    try {
      return { i, s: i.detect(path, isDir) };
    } catch (e) {
      // A detector that cannot read the file does not claim it; the chosen importer reports the problem.
      noteIgnored(`${i.format} format detection on ${path}`, e);
      return { i, s: 0 };
    }
  })
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s);
  if (!scored.length)
    throw new ImportError(
      `${path}: cannot tell which dataset format this is. Give --format (one of: ${FORMATS.join(', ')}); see docs/datasets.md.`,
    );
  if (scored.length > 1 && scored[0]!.s === scored[1]!.s)
    throw new ImportError(
      `${path}: this could be ${scored.filter((x) => x.s === scored[0]!.s).map((x) => x.i.format).join(' or ')}; give --format.`,
    );
  return scored[0]!.i;
}

export async function parsePath(path: string, opts: { format?: string; registry: TaxonomyRegistry }): Promise<ParsedDataset> {
  let imp: Importer;
  if (opts.format) {
    const found = IMPORTERS.find((i) => i.format === opts.format);
    if (!found) throw new ImportError(`unknown format "${opts.format}" (known: ${FORMATS.join(', ')})`);
    if (!existsSync(path)) throw new ImportError(`${path}: no such file or folder`);
    imp = found;
  } else imp = detectFormat(path);
  return imp.parse(path, { registry: opts.registry });
}

export async function importPath(
  store: Store,
  path: string,
  opts: ImportOptions & { format?: string; onParsed?: (p: ParsedDataset) => void } = {},
): Promise<ImportSummary> {
  const phase = phaseTimer();
  const parsed = await parsePath(path, { format: opts.format, registry: store.taxonomies });
  phase('parse');
  opts.onParsed?.(parsed);
  return writeParsed(store, parsed, opts);
}
