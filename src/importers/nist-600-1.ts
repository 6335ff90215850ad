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
  let file = path;
  if (statSync(path).isDirectory()) {
    const names = readdirSync(path);
    const pick = names.find((n) => /^nist_ai_rmf_actions_data\.ya?ml$/i.test(n)) ?? names.find((n) => /^nist_ai_600_1_actions\.csv$/i.test(n));
    if (!pick) throw new ImportError(`${path}: no nist_ai_rmf_actions_data.yaml or nist_ai_600_1_actions.csv in this folder`);
    file = join(path, pick);
  }
  const name = basename(file);
  const issues: RowIssue[] = [];
  const anomalies = new AnomalyLog();
  const actions: Action[] = [];
  const files = [file];
  if (extname(file).toLowerCase() === '.csv') {
    const t = await readCsv(file);
    issues.push(...t.issues);
    const cols = requireColumns(t, ['action_id', 'nist_function', 'description'], 'NIST AI 600-1 actions');
    for (const r of t.rows) {
      const g = (c: string) => (r.values[cols.get(c) ?? c] ?? r.values[c] ?? '').trim();
      const list = (c: string) => g(c).split(';').map((x) => x.trim()).filter(Boolean);
      actions.push({
        id: g('action_id'),
        where: r.row,
        description: g('description'),
        fn: g('nist_function'),
        subcategory: g('nist_subcategory') || undefined,
        risks: list('gai_risks'),
        tasks: list('ai_actor_tasks'),
      });
    }
  } else {
    const doc = asRecord(await readYaml(file));
    if (!doc || !Array.isArray(doc.actions)) throw new ImportError(`${name}: expected a top-level "actions:" list`);
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
    (doc.actions as unknown[]).forEach((raw, i) => {
      const a = asRecord(raw);
      actions.push({
        id: str(a?.id),
        where: `actions[${i}]`,
        description: str(a?.description),
        risks: strList(a?.hasRelatedRisk).map((r) => riskNames.get(r) ?? r),
        tasks: strList(a?.hasAiActorTask),
      });
    });
  }

  const info = datasetInfo('nist-ai-600-1');
  const provenance = { dataset: info.id, datasetVersion: info.version, licence: info.licence, attribution: info.attribution, sourceUrl: info.sourceUrl };
  const nist = ctx.registry.get('nist-ai-rmf');
  const statements: StatementInput[] = [];
  const labels: ParsedLabel[] = [];
  const seen = new Map<string, string | number>();
  for (const a of actions) {
    const parts = nistActionParts(a.id);
    if (!parts) {
      issues.push({ file: name, row: a.where, field: a.fn !== undefined ? 'action_id' : 'id', key: a.id || undefined, message: a.id ? `"${a.id}" is not a NIST action id like GV-1.1-001` : 'missing action id' });
      continue;
    }
    if (seen.has(a.id)) {
      issues.push({ file: name, row: a.where, field: a.fn !== undefined ? 'action_id' : 'id', key: a.id, message: `duplicate action id (first at ${typeof seen.get(a.id) === 'number' ? 'row ' : ''}${seen.get(a.id)})` });
      continue;
    }
    if (a.fn !== undefined && a.fn.toUpperCase() !== parts.fnName) {
      issues.push({ file: name, row: a.where, field: 'nist_function', key: a.id, message: `"${a.fn}" disagrees with the action id (${parts.fnName})` });
      continue;
    }
    if (a.subcategory && a.subcategory !== parts.subcategory) {
      issues.push({ file: name, row: a.where, field: 'nist_subcategory', key: a.id, message: `"${a.subcategory}" disagrees with the action id (${parts.subcategory})` });
      continue;
    }
    if (!a.description) {
      issues.push({ file: name, row: a.where, field: 'description', key: a.id, message: 'empty description' });
      continue;
    }
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
