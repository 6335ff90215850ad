// MITRE ATLAS (ATLAS.yaml). One document. Mitigations (AML.M*) become `mitigation` statements,
// with MITRE's category, ML-lifecycle stages and technique links in meta. Techniques (AML.T*) are
// adversary behaviours, i.e. threats to an AI system, so they become `risk` statements: a
// technique sits under the heading of its (first) tactic, and a sub-technique is the child of its
// technique. Tactics become heading paths only; case studies are not statements (counted in the
// dataset meta).
//
// Upstream quirk: in some mitigations (AML.M0018, AML.M0034) a technique object ({id, use}) sits
// inside the `ml-lifecycle` list. It is moved to the technique links, marked as such, and reported.
import { basename, join } from 'node:path';
import { statSync, readdirSync } from 'node:fs';
import type { StatementInput } from '../model/index.ts';
import { cleanName } from '../text/markup.ts';
import { datasetInfo } from './datasets.ts';
import { AnomalyLog, ImportError, compact, type ParseContext, type ParsedDataset, type RowIssue } from './types.ts';
import { asRecord, readYaml, str, strList } from './yaml-file.ts';

/** What the steps share: the file's name, the statements made, their ids, issues and anomalies. */
interface AtlasState {
  name: string;
  issues: RowIssue[];
  anomalies: AnomalyLog;
  statements: StatementInput[];
  ids: Set<string>;
}

type Obj = Record<string, unknown>;

export async function parseAtlas(path: string, _ctx: ParseContext): Promise<ParsedDataset> {
  const file = atlasFile(path);
  const name = basename(file);
  const root = asRecord(await readYaml(file));
  const matrices = Array.isArray(root?.matrices) ? (root!.matrices as unknown[]).map(asRecord) : [];
  if (!root || !matrices.length || !matrices[0]) throw new ImportError(`${name}: expected an ATLAS distribution with a "matrices" list`);
  const version = str(root.version) || datasetInfo('mitre-atlas').version;
  const info = datasetInfo('mitre-atlas', { version });
  const provenance = { dataset: info.id, datasetVersion: info.version, licence: info.licence, attribution: info.attribution, sourceUrl: info.sourceUrl };
  const st: AtlasState = { name, issues: [], anomalies: new AnomalyLog(), statements: [], ids: new Set() };
  let tacticCount = 0;
  matrices.forEach((mx, mi) => {
    if (mx) tacticCount += matrixStatements(mx, mi, st);
  });
  const caseStudies = Array.isArray(root['case-studies']) ? root['case-studies'].length : 0;
  const input = {
    sourceKey: str(root.id) || 'ATLAS',
    title: str(root.name) ? `MITRE ATLAS: ${str(root.name)}` : 'MITRE ATLAS',
    organisation: 'MITRE',
    docType: 'framework' as const,
    language: 'en',
    url: 'https://atlas.mitre.org/',
    provenance,
    meta: { atlasVersion: version },
  };
  return {
    format: 'mitre-atlas',
    dataset: { ...info, meta: { files: [name], tactics: tacticCount, caseStudies } },
    files: [file],
    documents: [{ input, statements: st.statements, labels: [] }],
    issues: st.issues,
    anomalies: st.anomalies.list(),
  };
}

/** The ATLAS.yaml file itself, or the one in the folder `path`. */
function atlasFile(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const n = readdirSync(path).find((x) => /^ATLAS\.ya?ml$/.test(x));
  if (!n) throw new ImportError(`${path}: no ATLAS.yaml in this folder`);
  return join(path, n);
}

/** The techniques and mitigations of one matrix as statements; returns its number of tactics. */
function matrixStatements(mx: Obj, mi: number, st: AtlasState): number {
  const tactics = new Map<string, string>();
  for (const t of Array.isArray(mx.tactics) ? mx.tactics : []) {
    const r = asRecord(t);
    if (r && str(r.id)) tactics.set(str(r.id), str(r.name));
  }
  const techniques = (Array.isArray(mx.techniques) ? mx.techniques : []).map(asRecord);
  const techById = new Map<string, Obj>();
  for (const t of techniques) if (t && str(t.id)) techById.set(str(t.id), t);
  techniques.forEach((t, i) => techniqueStatement(t, `matrices[${mi}].techniques[${i}]`, tactics, techById, st));
  // Sub-techniques may come before their parent in a file: parents must exist, order does not matter.
  const mitigations = (Array.isArray(mx.mitigations) ? mx.mitigations : []).map(asRecord);
  mitigations.forEach((m, i) => mitigationStatement(m, `matrices[${mi}].mitigations[${i}]`, techById, st));
  return tactics.size;
}

/** A technique as a risk statement under its (first) tactic; a sub-technique as its technique's child. */
function techniqueStatement(t: Obj | undefined, where: string, tactics: Map<string, string>, techById: Map<string, Obj>, st: AtlasState): void {
  const { name, issues, anomalies, statements, ids } = st;
  const id = str(t?.id);
  if (!t || !/^AML\.T\d{4}(\.\d{3})?$/.test(id)) {
    issues.push({ file: name, row: where, field: 'id', key: id || undefined, message: 'expected a technique id like AML.T0000 or AML.T0000.000' });
    return;
  }
  if (ids.has(id)) {
    issues.push({ file: name, row: where, field: 'id', key: id, message: 'duplicate id' });
    return;
  }
  const parentId = str(t['subtechnique-of']) || undefined;
  const parent = parentId ? techById.get(parentId) : undefined;
  if (parentId && !parent) {
    issues.push({ file: name, row: where, field: 'subtechnique-of', key: id, message: `no technique "${parentId}"` });
    return;
  }
  const tacticIds = strList((parent ?? t).tactics);
  const unknown = tacticIds.filter((x) => !tactics.has(x));
  if (unknown.length) anomalies.add('unknown-tactic', 'techniques naming a tactic that is not in the matrix', `${id} → ${unknown.join(', ')}`);
  const tacticName = tacticIds.map((x) => tactics.get(x)).find(Boolean);
  if (!tacticName) anomalies.add('no-tactic', 'techniques with no tactic (no heading)', id);
  if (!parent && tacticIds.length > 1) anomalies.add('multi-tactic', 'techniques under several tactics (heading uses the first; all are in meta)', id);
  ids.add(id);
  statements.push({
    sourceKey: id,
    kind: 'risk',
    parentSourceKey: parentId,
    ord: statements.length,
    name: cleanName(str(t.name)),
    text: str(t.description),
    headingPath: [...(tacticName ? [tacticName] : []), ...(parent ? [str(parent.name)] : [])],
    meta: compact({
      markup: 'markdown',
      atlasId: id,
      objectType: str(t['object-type']),
      tactics: strList(t.tactics),
      tacticNames: tacticIds.map((x) => tactics.get(x) ?? x),
      subtechniqueOf: parentId,
      maturity: str(t.maturity),
      attackReference: asRecord(t['ATT&CK-reference']) ?? undefined,
      created: str(t.created_date),
      modified: str(t.modified_date),
    }),
  });
}

/** A mitigation as a statement under "Mitigations" and its category, with its technique links. */
function mitigationStatement(m: Obj | undefined, where: string, techById: Map<string, Obj>, st: AtlasState): void {
  const { name, issues, anomalies, statements, ids } = st;
  const id = str(m?.id);
  if (!m || !/^AML\.M\d{4}$/.test(id)) {
    issues.push({ file: name, row: where, field: 'id', key: id || undefined, message: 'expected a mitigation id like AML.M0000' });
    return;
  }
  if (ids.has(id)) {
    issues.push({ file: name, row: where, field: 'id', key: id, message: 'duplicate id' });
    return;
  }
  const { lifecycle, techniqueUses } = mitigationLinks(m, id, anomalies);
  for (const u of techniqueUses)
    if (!techById.has(u.id)) anomalies.add('unknown-technique', 'mitigations linking to a technique not in the matrix', `${id} → ${u.id}`);
  ids.add(id);
  statements.push({
    sourceKey: id,
    kind: 'mitigation',
    ord: statements.length,
    name: cleanName(str(m.name)),
    text: str(m.description),
    headingPath: ['Mitigations', ...(str(m.category) ? [str(m.category)] : [])],
    meta: compact({
      markup: 'markdown',
      atlasId: id,
      category: str(m.category),
      mlLifecycle: lifecycle,
      techniques: techniqueUses,
      attackReference: asRecord(m['ATT&CK-reference']) ?? undefined,
      created: str(m.created_date),
      modified: str(m.modified_date),
    }),
  });
}

type TechniqueUse = { id: string; use?: string; fromMlLifecycleList?: true };

/** A mitigation's lifecycle stages and technique links (technique objects in the lifecycle list moved to the links). */
function mitigationLinks(m: Obj, id: string, anomalies: AnomalyLog): { lifecycle: string[]; techniqueUses: TechniqueUse[] } {
  const lifecycle: string[] = [];
  const techniqueUses: TechniqueUse[] = [];
  for (const x of Array.isArray(m.techniques) ? m.techniques : []) {
    const r = asRecord(x);
    if (r && str(r.id)) techniqueUses.push(compact({ id: str(r.id), use: str(r.use) }) as { id: string; use?: string });
  }
  for (const x of Array.isArray(m['ml-lifecycle']) ? m['ml-lifecycle'] : []) {
    if (typeof x === 'string') lifecycle.push(x.trim());
    else {
      const r = asRecord(x);
      if (r && str(r.id)) {
        techniqueUses.push({ ...(compact({ id: str(r.id), use: str(r.use) }) as { id: string; use?: string }), fromMlLifecycleList: true });
        anomalies.add('technique-in-lifecycle', 'technique objects found inside a mitigation\'s ml-lifecycle list (moved to its technique links)', `${id} → ${str(r.id)}`);
      }
    }
  }
  return { lifecycle, techniqueUses };
}
