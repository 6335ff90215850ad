// MIT AI Risk Mitigation Database as packaged by AI Atlas Nexus: a folder with
//   mit_ai_risk_mitigation_data.yaml          the source documents (and the v1 taxonomy)
//   mit_ai_risk_repository_data_controls.yaml the 831 mitigations
//   mit_ai_risk_mitigation_mappings.tsv       SSSOM: mitigation → v1 category (MIT's manual curation)
//   mit_mitigations_v1_labelled.csv           optional derived table; gives the NIST function of NIST rows
// Each document that mitigations cite becomes a document; each mitigation a `mitigation` statement;
// the SSSOM rows become imported human labels on `mitigation-v1`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DocumentInput, DocumentType } from '../model/index.ts';
import { datasetInfo } from './datasets.ts';
import { nist600Document, NIST_600_1_KEY } from './nist-doc.ts';
import { readCsv, requireColumns } from './tabular.ts';
import { AnomalyLog, ImportError, compact, type ParseContext, type ParsedDataset, type ParsedDocument, type RowIssue } from './types.ts';
import { asRecord, readYaml, str, strList } from './yaml-file.ts';
import type { Taxonomy } from '../taxonomy/index.ts';

const FILES = {
  data: /^mit_ai_risk_mitigation_data\.ya?ml$/i,
  controls: /^mit_ai_risk_repository_data_controls\.ya?ml$/i,
  mappings: /^mit_ai_risk_mitigation_mappings\.tsv$/i,
  labelled: /^mit_mitigations_v1_labelled\.csv$/i,
};

/** govnav's document type for the cited documents (the dataset itself does not say). */
const DOC_TYPES: Record<string, DocumentType> = {
  'doc-Wiener2024': 'law',
  'doc-EU AI Office2025': 'guidance',
  'doc-UK Government2023': 'guidance',
  'doc-FLI2024': 'report',
  'doc-Bengio2025': 'report',
  'doc-Barrett2024': 'framework',
  'doc-Eisenberg2025': 'framework',
  'doc-Campos2025': 'paper',
  'doc-Schuett2023': 'paper',
  'doc-Uuk2024': 'paper',
  'doc-Casper2025': 'paper',
  'doc-Gipiskis2024': 'paper',
  [NIST_600_1_KEY]: 'framework',
};

interface MitigationFiles {
  dataPath: string;
  controlsPath: string;
  mappingsPath?: string;
  labelledPath?: string;
}

/** What the steps share: the issues and anomalies found so far. */
interface Found {
  issues: RowIssue[];
  anomalies: AnomalyLog;
}

type Provenance = DocumentInput['provenance'];

export async function parseMitigations(path: string, ctx: ParseContext): Promise<ParsedDataset> {
  const { dataPath, controlsPath, mappingsPath, labelledPath } = findMitigationFiles(path);
  const found: Found = { anomalies: new AnomalyLog(), issues: [] };
  const info = datasetInfo('mit-airi-mitigations');
  const provenance = { dataset: info.id, datasetVersion: info.version, licence: info.licence, attribution: info.attribution, sourceUrl: info.sourceUrl };
  const docMeta = await readSourceDocuments(dataPath, provenance, found);
  const { docs, controlDoc } = await readControls(controlsPath, docMeta, provenance, found);
  const unreferenced = [...docMeta.keys()].filter((k) => !docs.has(k));
  await addV1Labels(mappingsPath, controlDoc, ctx, found);
  if (labelledPath) await addNistFunctions(labelledPath, controlDoc, ctx, found);
  const files = [dataPath, controlsPath, mappingsPath, labelledPath].filter((x): x is string => !!x);
  return {
    format: 'mit-mitigations',
    dataset: { ...info, meta: compact({ files: files.map((f) => basename(f)), documentsWithoutMitigations: unreferenced }) },
    files,
    documents: [...docs.values()],
    issues: found.issues,
    anomalies: found.anomalies.list(),
  };
}

/** The dataset's files in the folder of `path` (or `path` itself); the first two are required. */
function findMitigationFiles(path: string): MitigationFiles {
  const dir = statSync(path).isDirectory() ? path : dirname(path);
  const names = readdirSync(dir);
  const find = (re: RegExp) => {
    const n = names.find((x) => re.test(x));
    return n ? join(dir, n) : undefined;
  };
  const dataPath = find(FILES.data);
  const controlsPath = find(FILES.controls);
  if (!dataPath || !controlsPath)
    throw new ImportError(
      `${dir}: the MIT mitigation database needs mit_ai_risk_mitigation_data.yaml and mit_ai_risk_repository_data_controls.yaml in one folder` +
        ` (found: ${names.join(', ') || 'nothing'})`,
    );
  return { dataPath, controlsPath, mappingsPath: find(FILES.mappings), labelledPath: find(FILES.labelled) };
}

/** The source documents of the data file, by their id. */
async function readSourceDocuments(dataPath: string, provenance: Provenance, found: Found): Promise<Map<string, DocumentInput>> {
  const data = asRecord(await readYaml(dataPath));
  const dataFile = basename(dataPath);
  if (!data || !Array.isArray(data.documents)) throw new ImportError(`${dataFile}: expected a top-level "documents:" list`);
  const docMeta = new Map<string, DocumentInput>();
  (data.documents as unknown[]).forEach((raw, i) => {
    const d = asRecord(raw);
    const id = str(d?.id);
    const title = str(d?.name);
    if (!d || !id || !title) {
      found.issues.push({ file: dataFile, row: `documents[${i}]`, field: !id ? 'id' : 'name', message: 'missing' });
      return;
    }
    if (docMeta.has(id)) {
      found.issues.push({ file: dataFile, row: `documents[${i}]`, field: 'id', key: id, message: 'duplicate document id' });
      return;
    }
    const date = str(d.dateCreated);
    const year = /^(\d{4})/.exec(date)?.[1];
    docMeta.set(id, {
      sourceKey: id,
      title: title.replace(/^"(.*)"$/, '$1'),
      authors: str(d.author) || undefined,
      date: date || undefined,
      year: year ? Number(year) : undefined,
      docType: DOC_TYPES[id] ?? 'other',
      url: str(d.url) || undefined,
      abstract: str(d.description) || undefined,
      provenance,
      meta: compact({ sourceId: id, dateModified: str(d.dateModified) }),
    });
  });
  return docMeta;
}

/** The mitigations, each a statement of the one document it cites. */
async function readControls(
  controlsPath: string,
  docMeta: Map<string, DocumentInput>,
  provenance: Provenance,
  found: Found,
): Promise<{ docs: Map<string, ParsedDocument>; controlDoc: Map<string, ParsedDocument> }> {
  const controlsFile = basename(controlsPath);
  const controlsDoc = asRecord(await readYaml(controlsPath));
  if (!controlsDoc || !Array.isArray(controlsDoc.controls)) throw new ImportError(`${controlsFile}: expected a top-level "controls:" list`);
  const docs = new Map<string, ParsedDocument>();
  const controlDoc = new Map<string, ParsedDocument>();
  let emptyDescriptions = 0;
  (controlsDoc.controls as unknown[]).forEach((raw, i) => {
    const c = asRecord(raw);
    const checked = checkedControl(c, `controls[${i}]`, controlsFile, controlDoc, found.issues);
    if (!c || !checked) return;
    const { id, name, docId } = checked;
    let doc = docs.get(docId);
    if (!doc) {
      let input = docMeta.get(docId);
      if (!input && docId === NIST_600_1_KEY) input = nist600Document(provenance);
      if (!input) {
        found.issues.push({ file: controlsFile, row: `controls[${i}]`, field: 'hasDocumentation', key: id, message: `unknown document "${docId}"` });
        return;
      }
      docs.set(docId, (doc = { input, statements: [], labels: [] }));
    }
    const text = str(c.description);
    if (!text) emptyDescriptions++;
    doc.statements.push({ sourceKey: id, kind: 'mitigation', ord: doc.statements.length, name, text, meta: compact({ controlId: id, type: str(c.type) }) });
    controlDoc.set(id, doc);
  });
  if (emptyDescriptions) found.anomalies.add('empty-description', 'mitigations with an empty description (kept with their name)', undefined, emptyDescriptions);
  return { docs, controlDoc };
}

/** A control's id, name and source document id, or undefined (with an issue) when one is wrong. */
function checkedControl(
  c: Record<string, unknown> | undefined,
  where: string,
  file: string,
  controlDoc: Map<string, ParsedDocument>,
  issues: RowIssue[],
): { id: string; name: string; docId: string } | undefined {
  const id = str(c?.id);
  if (!c || !id) {
    issues.push({ file, row: where, field: 'id', message: 'missing id' });
    return undefined;
  }
  if (controlDoc.has(id)) {
    issues.push({ file, row: where, field: 'id', key: id, message: 'duplicate mitigation id' });
    return undefined;
  }
  const name = str(c.name);
  if (!name) {
    issues.push({ file, row: where, field: 'name', key: id, message: 'missing name' });
    return undefined;
  }
  const docIds = strList(c.hasDocumentation);
  if (docIds.length !== 1) {
    issues.push({ file, row: where, field: 'hasDocumentation', key: id, message: `expected one source document, found ${docIds.length}` });
    return undefined;
  }
  return { id, name, docId: docIds[0]! };
}

/** The v1 category labels of the SSSOM mapping file (MIT's manual curation), when it is there. */
async function addV1Labels(mappingsPath: string | undefined, controlDoc: Map<string, ParsedDocument>, ctx: ParseContext, found: Found): Promise<void> {
  const { issues, anomalies } = found;
  if (!mappingsPath) {
    anomalies.add('no-mappings', 'no mit_ai_risk_mitigation_mappings.tsv in the folder: mitigations imported without v1 labels', undefined, 1);
    return;
  }
  const labelled = new Set<string>();
  const t = await readCsv(mappingsPath, { delimiter: '\t', comments: true });
  issues.push(...t.issues);
  const cols = requireColumns(t, ['subject_id', 'object_id', 'object_label'], 'an SSSOM mapping');
  const tax = ctx.registry.get('mitigation-v1');
  const seen = new Map<string, number>();
  for (const r of t.rows) {
    const g = (c: string) => (r.values[cols.get(c) ?? c] ?? r.values[c] ?? '').trim();
    const subject = g('subject_id');
    const id = subject.replace(/^[A-Za-z-]+:/, '');
    const objectId = g('object_id');
    const label = g('object_label');
    const issue = (field: string, message: string) => issues.push({ file: t.file, row: r.row, field, key: subject, message });
    if (!controlDoc.has(id)) {
      issue('subject_id', `no mitigation with id "${id}"`);
      continue;
    }
    if (seen.has(id)) {
      issue('subject_id', `second label for the same mitigation (first at row ${seen.get(id)})`);
      continue;
    }
    const code = v1Code(tax, objectId, label, issue);
    if (!code) continue;
    seen.set(id, r.row);
    const justification = g('mapping_justification');
    controlDoc.get(id)!.labels.push({
      statementKey: id,
      taxonomy: 'mitigation-v1',
      code,
      human: justification === '' || /ManualMappingCuration/i.test(justification),
      source: 'imported',
      sourceValue: `${label} [${[objectId, g('author_id'), g('mapping_date')].filter(Boolean).join('; ')}]`,
    });
    labelled.add(id);
  }
  const unlabelled = [...controlDoc.keys()].filter((id) => !labelled.has(id));
  if (unlabelled.length) anomalies.add('unlabelled', 'mitigations with no v1 category label in the mapping file', unlabelled.slice(0, 12).join(', '), unlabelled.length);
}

/** The v1 code a mapping row names by its object id and label, or undefined (with an issue). */
function v1Code(tax: Taxonomy, objectId: string, label: string, issue: (field: string, message: string) => void): string | undefined {
  const byId = tax.resolve(objectId);
  const byLabel = label ? tax.resolve(label) : undefined;
  let code = byId ?? byLabel;
  if (byId && byLabel && byId !== byLabel) {
    // A category-level object whose label says "not otherwise categorized" is the category's N.0 code.
    if (tax.node(byLabel).parent === byId) code = byLabel;
    else {
      issue('object_label', `"${label}" disagrees with object_id "${objectId}"`);
      return undefined;
    }
  }
  if (!code) issue('object_id', `"${objectId}" (${label}) is not a code of taxonomy mitigation-v1`);
  return code;
}

/** The NIST AI RMF function of NIST mitigations, from the optional derived table. */
async function addNistFunctions(labelledPath: string, controlDoc: Map<string, ParsedDocument>, ctx: ParseContext, found: Found): Promise<void> {
  const { issues } = found;
  const t = await readCsv(labelledPath);
  issues.push(...t.issues);
  const cols = requireColumns(t, ['mitigation_id', 'nist_action_id', 'nist_function', 'nist_match'], 'the labelled mitigation table');
  const nist = ctx.registry.get('nist-ai-rmf');
  let unmatched = 0;
  for (const r of t.rows) {
    const g = (c: string) => (r.values[cols.get(c) ?? c] ?? r.values[c] ?? '').trim();
    const id = g('mitigation_id');
    const doc = controlDoc.get(id);
    const fn = g('nist_function');
    const match = g('nist_match');
    const action = g('nist_action_id');
    if (!doc) {
      issues.push({ file: t.file, row: r.row, field: 'mitigation_id', key: id, message: `no mitigation with id "${id}"` });
      continue;
    }
    if (doc.input.sourceKey === NIST_600_1_KEY && !fn) unmatched++;
    if (!fn) continue;
    const code = nist.resolve(fn);
    if (!code) {
      issues.push({ file: t.file, row: r.row, field: 'nist_function', key: id, message: `"${fn}" is not a code of taxonomy nist-ai-rmf` });
      continue;
    }
    // The function is NIST's own structure (the action id's prefix). The link from this
    // mitigation to a NIST action is a text match: exact matches count as the document's own
    // (human) structure, fuzzy matches are kept as imported but not human.
    doc.labels.push({
      statementKey: id,
      taxonomy: 'nist-ai-rmf',
      code,
      human: match === 'exact',
      source: 'imported',
      sourceValue: `${fn} (NIST AI 600-1 structure, via action ${action}; text match ${match || 'unknown'})`,
    });
  }
  if (unmatched) found.anomalies.add('nist-unmatched', 'NIST AI 600-1 mitigations with no matched NIST action (no nist-ai-rmf label)', undefined, unmatched);
}

export function hasMitigationFiles(dir: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((n) => FILES.controls.test(n));
}
