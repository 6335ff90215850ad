// NIST AI 600-1 suggested actions, from AI Atlas Nexus's YAML (nist_ai_rmf_actions_data.yaml, with
// nist_ai_rmf_data.yaml beside it for the risk names) or the derived CSV (nist_ai_600_1_actions.csv).
// One document; each action a `mitigation` statement named by its id, under the heading path
// [function, subcategory] (e.g. ["GOVERN", "GOVERN 1.1"]). The function is the document's own
// structure, so it is stored as an imported label with human = true (NIST's authors placed each
// action there); the GAI risks and AI actor tasks stay in meta.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { StatementInput } from '../model/index.ts';
import { datasetInfo } from './datasets.ts';
import { nist600Document, nistActionParts } from './nist-doc.ts';
import { readCsv, requireColumns } from './tabular.ts';
import { AnomalyLog, ImportError, compact, type ParseContext, type ParsedDataset, type ParsedLabel, type RowIssue } from './types.ts';
import { asRecord, readYaml, str, strList } from './yaml-file.ts';

interface Action {
  id: string;
  where: string | number;
  description: string;
  fn?: string;
  subcategory?: string;
  risks: string[];
  tasks: string[];
}

export async function parseNistActions(path: string, ctx: ParseContext): Promise<ParsedDataset> {
  const file = actionsFile(path);
  const name = basename(file);
  const issues: RowIssue[] = [];
  const anomalies = new AnomalyLog();
  const files = [file];
  const actions = extname(file).toLowerCase() === '.csv' ? await csvActions(file, issues) : await yamlActions(file, files, anomalies);
  const info = datasetInfo('nist-ai-600-1');
  const provenance = { dataset: info.id, datasetVersion: info.version, licence: info.licence, attribution: info.attribution, sourceUrl: info.sourceUrl };
  const nist = ctx.registry.get('nist-ai-rmf');
  const statements: StatementInput[] = [];
  const labels: ParsedLabel[] = [];
  const seen = new Map<string, string | number>();
  for (const a of actions) {
    const parts = checkedAction(a, name, seen, issues);
    if (!parts) continue;
    seen.set(a.id, a.where);
    const code = nist.resolve(parts.fnName)!;
    statements.push({
      sourceKey: a.id,
      kind: 'mitigation',
      ord: statements.length,
      name: a.id,
      text: a.description,
      headingPath: [parts.fnName, parts.subcategory],
      meta: compact({ actionId: a.id, subcategory: parts.subcategory, gaiRisks: a.risks, aiActorTasks: a.tasks }),
    });
    labels.push({
      statementKey: a.id,
      taxonomy: 'nist-ai-rmf',
      code,
      human: true,
      source: 'imported',
      sourceValue: `${parts.fnName} (NIST AI 600-1 structure: ${a.id} is listed under ${parts.subcategory})`,
    });
  }
  return {
    format: 'nist-600-1',
    dataset: { ...info, meta: { files: files.map((f) => basename(f)) } },
    files,
    documents: [{ input: nist600Document(provenance), statements, labels }],
    issues,
    anomalies: anomalies.list(),
  };
}

/** The actions file itself, or the one in the folder `path` (the YAML preferred). */
function actionsFile(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const names = readdirSync(path);
  const pick = names.find((n) => /^nist_ai_rmf_actions_data\.ya?ml$/i.test(n)) ?? names.find((n) => /^nist_ai_600_1_actions\.csv$/i.test(n));
  if (!pick) throw new ImportError(`${path}: no nist_ai_rmf_actions_data.yaml or nist_ai_600_1_actions.csv in this folder`);
  return join(path, pick);
}

async function csvActions(file: string, issues: RowIssue[]): Promise<Action[]> {
  const t = await readCsv(file);
  issues.push(...t.issues);
  const cols = requireColumns(t, ['action_id', 'nist_function', 'description'], 'NIST AI 600-1 actions');
  return t.rows.map((r) => {
    const g = (c: string) => (r.values[cols.get(c) ?? c] ?? r.values[c] ?? '').trim();
    const list = (c: string) => g(c).split(';').map((x) => x.trim()).filter(Boolean);
    return {
      id: g('action_id'),
      where: r.row,
      description: g('description'),
      fn: g('nist_function'),
      subcategory: g('nist_subcategory') || undefined,
      risks: list('gai_risks'),
      tasks: list('ai_actor_tasks'),
    };
  });
}

/** The actions of the YAML file; GAI risk ids become NIST's names when nist_ai_rmf_data.yaml is beside it (added to `files`). */
async function yamlActions(file: string, files: string[], anomalies: AnomalyLog): Promise<Action[]> {
  const doc = asRecord(await readYaml(file));
  if (!doc || !Array.isArray(doc.actions)) throw new ImportError(`${basename(file)}: expected a top-level "actions:" list`);
  // Risk ids (nist-data-privacy) → the names NIST uses, from nist_ai_rmf_data.yaml when it is beside.
  const riskNames = new Map<string, string>();
  const riskFile = join(dirname(file), 'nist_ai_rmf_data.yaml');
  if (existsSync(riskFile)) {
    files.push(riskFile);
    const rd = asRecord(await readYaml(riskFile));
    for (const e of Array.isArray(rd?.entries) ? (rd!.entries as unknown[]) : []) {
      const r = asRecord(e);
      if (r && str(r.id) && str(r.name)) riskNames.set(str(r.id), str(r.name));
    }
  } else anomalies.add('risk-ids', 'nist_ai_rmf_data.yaml is not beside the actions file: GAI risks kept as ids', undefined, 1);
  return (doc.actions as unknown[]).map((raw, i) => {
    const a = asRecord(raw);
    return {
      id: str(a?.id),
      where: `actions[${i}]`,
      description: str(a?.description),
      risks: strList(a?.hasRelatedRisk).map((r) => riskNames.get(r) ?? r),
      tasks: strList(a?.hasAiActorTask),
    };
  });
}

/** The parts of an action's id when the action is valid, else undefined (with an issue). */
function checkedAction(a: Action, name: string, seen: Map<string, string | number>, issues: RowIssue[]): ReturnType<typeof nistActionParts> {
  const parts = nistActionParts(a.id);
  const idField = a.fn !== undefined ? 'action_id' : 'id';
  if (!parts) {
    issues.push({ file: name, row: a.where, field: idField, key: a.id || undefined, message: a.id ? `"${a.id}" is not a NIST action id like GV-1.1-001` : 'missing action id' });
    return undefined;
  }
  if (seen.has(a.id)) {
    issues.push({ file: name, row: a.where, field: idField, key: a.id, message: `duplicate action id (first at ${typeof seen.get(a.id) === 'number' ? 'row ' : ''}${seen.get(a.id)})` });
    return undefined;
  }
  if (a.fn !== undefined && a.fn.toUpperCase() !== parts.fnName) {
    issues.push({ file: name, row: a.where, field: 'nist_function', key: a.id, message: `"${a.fn}" disagrees with the action id (${parts.fnName})` });
    return undefined;
  }
  if (a.subcategory && a.subcategory !== parts.subcategory) {
    issues.push({ file: name, row: a.where, field: 'nist_subcategory', key: a.id, message: `"${a.subcategory}" disagrees with the action id (${parts.subcategory})` });
    return undefined;
  }
  if (!a.description) {
    issues.push({ file: name, row: a.where, field: 'description', key: a.id, message: 'empty description' });
    return undefined;
  }
  return parts;
}
