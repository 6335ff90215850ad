// FINOS AI Governance Framework: 23 risks (ri-N) and 23 mitigations (mi-N). Reads either the JSON
// conversion (finos_aigf_risks_mitigations.json: {risks, mitigations, _source}) or the repository
// as published (a folder with docs/_risks/*.md and docs/_mitigations/*.md, YAML front matter +
// Markdown body). One document; each record a statement whose text is its full Markdown body;
// FINOS's own mapping fields (mitigates, related risks/mitigations, references to EU AI Act,
// ISO 42001, NIST, OWASP, …) stay in meta, with titles from the reference catalogues when present.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { StatementInput } from '../model/index.ts';
import { datasetInfo } from './datasets.ts';
import { cleanName } from '../text/markup.ts';
import { readUtf8 } from './tabular.ts';
import { AnomalyLog, ImportError, compact, type ParseContext, type ParsedDataset, type RowIssue } from './types.ts';
import { asRecord, readJson, readYaml, str, strList } from './yaml-file.ts';

const TYPE_NAMES: Record<string, string> = {
  OP: 'Operational',
  SEC: 'Security',
  RC: 'Regulatory and Compliance',
  PREV: 'Preventative',
  DET: 'Detective',
};

type Rec = Record<string, unknown>;

type Catalogues = Map<string, Map<string, { title?: string; url?: string }>>;

/** The records of either form of the framework: the JSON conversion or the repository folder. */
interface FinosSource {
  risks: Rec[];
  mitigations: Rec[];
  version: string;
  refDir?: string;
  files: string[];
  fileName: string;
}

export async function parseFinos(path: string, _ctx: ParseContext): Promise<ParsedDataset> {
  const src = await readFinosSource(path);
  const { risks, mitigations, version, files, fileName } = src;
  const catalogues = await readCatalogues(src.refDir);
  const info = datasetInfo('finos-aigf', { version });
  const provenance = { dataset: info.id, datasetVersion: info.version, licence: info.licence, attribution: info.attribution, sourceUrl: info.sourceUrl };
  const issues: RowIssue[] = [];
  const anomalies = new AnomalyLog();
  const statements: StatementInput[] = [];
  const ids = new Set<string>();
  const all = [...risks.map((r) => ['risk', r] as const), ...mitigations.map((m) => ['mitigation', m] as const)];
  for (const [i, [kind, raw]] of all.entries()) {
    const where = kind === 'risk' ? `risks[${risks.indexOf(raw)}]` : `mitigations[${mitigations.indexOf(raw)}]`;
    const rec = checkedRecord(kind, raw, where, fileName, ids, issues);
    if (!rec) continue;
    statements.push(finosStatement(kind, rec, i, catalogues, ids, anomalies));
  }
  for (const s of statements)
    for (const target of [...((s.meta?.mitigates as string[]) ?? []), ...((s.meta?.relatedRisks as string[]) ?? []), ...((s.meta?.relatedMitigations as string[]) ?? [])])
      if (!ids.has(target)) anomalies.add('dangling-link', 'links to ids that are not in the file (kept)', `${s.sourceKey} → ${target}`);
  const input = {
    sourceKey: 'finos-aigf',
    title: 'AI Governance Framework',
    organisation: 'FINOS (Fintech Open Source Foundation)',
    docType: 'framework' as const,
    language: 'en',
    url: 'https://air-governance-framework.finos.org/',
    provenance,
    meta: compact({ repository: 'finos/ai-governance-framework', version }),
  };
  return {
    format: 'finos-aigf',
    dataset: { ...info, meta: compact({ files: files.map((f) => basename(f)), catalogues: [...catalogues.keys()] }) },
    files,
    documents: [{ input, statements, labels: [] }],
    issues,
    anomalies: anomalies.list(),
  };
}

async function readFinosSource(path: string): Promise<FinosSource> {
  const isDir = statSync(path).isDirectory();
  const jsonInDir = isDir ? readdirSync(path).find((n) => /^finos_aigf.*\.json$/i.test(n)) : undefined;
  if (!isDir || jsonInDir) {
    const file = isDir ? join(path, jsonInDir!) : path;
    const fileName = basename(file);
    const j = asRecord(readJson(file));
    if (!j || !Array.isArray(j.risks) || !Array.isArray(j.mitigations))
      throw new ImportError(`${fileName}: expected an object with "risks" and "mitigations" lists`);
    const commit = str(asRecord(j._source)?.commit);
    const version = commit ? commit.slice(0, 7) : datasetInfo('finos-aigf').version;
    return { risks: j.risks as Rec[], mitigations: j.mitigations as Rec[], version, refDir: join(dirname(file), 'references'), files: [file], fileName };
  }
  // The repository folder as published.
  const root = existsSync(join(path, 'docs', '_risks')) ? path : undefined;
  if (!root) throw new ImportError(`${path}: no finos_aigf*.json and no docs/_risks folder`);
  const risks = await readMarkdownDir(join(root, 'docs', '_risks'), 'docs/_risks');
  const mitigations = await readMarkdownDir(join(root, 'docs', '_mitigations'), 'docs/_mitigations');
  return { risks, mitigations, version: datasetInfo('finos-aigf').version, refDir: join(root, 'docs', '_data', 'references'), files: [path], fileName: basename(path) };
}

/** Reference catalogues: id → title, url. */
async function readCatalogues(refDir: string | undefined): Promise<Catalogues> {
  const catalogues: Catalogues = new Map();
  if (!refDir || !existsSync(refDir)) return catalogues;
  for (const n of readdirSync(refDir).filter((x) => /\.ya?ml$/i.test(x))) {
    const y = asRecord(await readYaml(join(refDir, n)));
    const entries = asRecord(y?.entries);
    if (!entries) continue;
    const m = new Map<string, { title?: string; url?: string }>();
    for (const [id, v] of Object.entries(entries)) {
      const e = asRecord(v);
      m.set(id, compact({ title: str(e?.title), url: str(e?.url) }) as { title?: string; url?: string });
    }
    catalogues.set(n.replace(/\.ya?ml$/i, ''), m);
  }
  return catalogues;
}

/** The record when its id and title are right, else undefined (with an issue). */
function checkedRecord(kind: 'risk' | 'mitigation', raw: Rec, where: string, fileName: string, ids: Set<string>, issues: RowIssue[]): Rec | undefined {
  const rec = asRecord(raw);
  const id = str(rec?.id);
  const want = kind === 'risk' ? /^ri-\d+$/ : /^mi-\d+$/;
  if (!rec || !want.test(id)) {
    issues.push({ file: fileName, row: str(rec?.source_path) || where, field: 'id', key: id || undefined, message: `expected an id like ${kind === 'risk' ? 'ri-1' : 'mi-1'}` });
    return undefined;
  }
  if (ids.has(id)) {
    issues.push({ file: fileName, row: where, field: 'id', key: id, message: 'duplicate id' });
    return undefined;
  }
  if (!str(rec.title)) {
    issues.push({ file: fileName, row: where, field: 'title', key: id, message: 'missing title' });
    return undefined;
  }
  return rec;
}

/** A risk or mitigation as a statement: its Markdown body, under its kind and type, FINOS's links in meta. */
function finosStatement(kind: 'risk' | 'mitigation', rec: Rec, ord: number, catalogues: Catalogues, ids: Set<string>, anomalies: AnomalyLog): StatementInput {
  const id = str(rec.id);
  const body = typeof rec.body_markdown === 'string' ? rec.body_markdown.trim() : '';
  if (!body) anomalies.add('empty-body', 'records with an empty Markdown body', id);
  ids.add(id);
  const type = str(rec.type);
  const references = recordReferences(rec, id, catalogues, anomalies);
  const heading = [kind === 'risk' ? 'Risks' : 'Mitigations', ...(TYPE_NAMES[type] ? [TYPE_NAMES[type]!] : type ? [type] : [])];
  return {
    sourceKey: id,
    kind,
    ord,
    name: cleanName(str(rec.title)),
    text: body,
    headingPath: heading,
    meta: compact({
      markup: 'markdown',
      finosId: id,
      sequence: typeof rec.sequence === 'number' ? rec.sequence : undefined,
      docStatus: str(rec['doc-status']),
      type,
      sourcePath: str(rec.source_path),
      mitigates: strList(rec.mitigates),
      relatedRisks: strList(rec.related_risks),
      relatedMitigations: strList(rec.related_mitigations),
      references: Object.keys(references).length ? references : undefined,
    }),
  };
}

/** The `<catalogue>_references` fields of a record, each id with its title and URL when the catalogue has it. */
function recordReferences(rec: Rec, id: string, catalogues: Catalogues, anomalies: AnomalyLog): Record<string, unknown[]> {
  const references: Record<string, unknown[]> = {};
  for (const [k, v] of Object.entries(rec)) {
    const m = /^(.*)_references$/.exec(k);
    if (!m) continue;
    const cat = catalogues.get(m[1]!);
    references[m[1]!] = strList(v).map((ref) => {
      const e = cat?.get(ref);
      if (cat && !e) anomalies.add('unknown-reference', 'references not found in their catalogue (kept as ids)', `${id} → ${m[1]}:${ref}`);
      return e ? { id: ref, ...e } : { id: ref };
    });
  }
  return references;
}

async function readMarkdownDir(dir: string, rel: string): Promise<Rec[]> {
  if (!existsSync(dir)) throw new ImportError(`${rel}: folder missing`);
  const YAML = (await import('yaml')).default;
  const out: Rec[] = [];
  for (const n of readdirSync(dir).filter((x) => x.endsWith('.md')).sort((a, b) => seq(a) - seq(b) || a.localeCompare(b))) {
    const { text } = readUtf8(join(dir, n));
    const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
    if (!m) throw new ImportError(`${rel}/${n}: no YAML front matter (--- … ---) at the top`);
    let fm: unknown;
    try {
      fm = YAML.parse(m[1]!);
    } catch (e) {
      throw new ImportError(`${rel}/${n}: front matter is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    out.push({ ...(asRecord(fm) ?? {}), source_path: `${rel}/${n}`, body_markdown: m[2] });
  }
  return out;
}

function seq(name: string): number {
  const m = /^(?:ri|mi)-(\d+)/.exec(name);
  return m ? Number(m[1]) : 1e9;
}
