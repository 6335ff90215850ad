// MIT AI Risk Repository: the published workbook (sheets "AI Risk Database v4" and "Included
// resources") or its CSV export (ai_risk_database_v4.csv + included_resources_v4.csv). Both go
// through the same mapping, so they import identically.
//
// - each included resource becomes a document ("paper:<Paper_ID>");
// - "Risk Category", "Risk Sub-Category" and "Additional evidence" rows become risk statements,
//   keyed by Ev_ID (a repeated Ev_ID gets "~2", "~3" in file order); a sub-category's parent is its
//   category, a piece of additional evidence's parent is the row it supports;
// - "Paper" rows describe the document and are kept in its meta;
// - Entity / Intent / Timing / Domain / Sub-domain become imported human labels, codes as published.
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { DocumentType, StatementInput } from '../model/index.ts';
import { datasetInfo } from './datasets.ts';
import { cleanCell, findSheet, readCsv, readWorkbook, requireColumns, sheetTable, type Table, type TableRow } from './tabular.ts';
import {
  AnomalyLog,
  ImportError,
  compact,
  type ParseContext,
  type ParsedDataset,
  type ParsedDocument,
  type ParsedLabel,
  type RowIssue,
} from './types.ts';

export const DB_COLUMNS = [
  'Title',
  'QuickRef',
  'Ev_ID',
  'Paper_ID',
  'Cat_ID',
  'SubCat_ID',
  'AddEv_ID',
  'Category level',
  'Risk category',
  'Risk subcategory',
  'Description',
  'Additional ev.',
  'P.Def',
  'p.AddEv',
  'Entity',
  'Intent',
  'Timing',
  'Domain',
  'Sub-domain',
];
export const RESOURCE_COLUMNS = ['Paper_ID', 'Title', 'Authors (full)', 'Year', 'DOI', 'URL', 'Item type'];

const LEVELS = ['Paper', 'Risk Category', 'Risk Sub-Category', 'Additional evidence'] as const;
type Level = (typeof LEVELS)[number];

const ITEM_TYPES: Record<string, DocumentType> = {
  preprint: 'paper',
  'conference paper': 'paper',
  'journal article': 'paper',
  'book chapter': 'paper',
  report: 'report',
  'technical report': 'report',
  'policy brief': 'report',
  'white paper': 'report',
  website: 'other',
};

/** Read the workbook's two sheets. */
export async function parseRiskWorkbook(path: string, ctx: ParseContext): Promise<ParsedDataset> {
  const file = basename(path);
  const wb = await readWorkbook(path, (n) => /^AI Risk Database v\d+$/i.test(n) || /^Included resources$/i.test(n));
  const dbSheet = findSheet(wb, file, 'AI Risk Database v4', /^AI Risk Database v\d+$/i);
  const resSheet = findSheet(wb, file, 'Included resources');
  const db = sheetTable(dbSheet, file, ['Ev_ID', 'Category level', 'Description'], { stopAtBlank: true });
  const res = sheetTable(resSheet, file, ['Paper_ID', 'Title', 'Item type'], { stopAtBlank: true });
  const version = /v(\d+)\s*$/i.exec(dbSheet.name.trim())?.[0]?.toLowerCase() ?? 'unknown';
  let updated: string | undefined;
  for (let r = 1; r <= 3 && !updated; r++)
    for (const v of resSheet.rows[r] ?? [])
      if (typeof v === 'string' && /^Updated:/.test(v)) updated = v.replace(/^Updated:\s*/, '').trim();
  return mapRiskDb(db, res, ctx, { version, files: [path], format: 'mit-airi-xlsx', updated });
}

/** Read the CSV export: the database CSV, with the included-resources CSV beside it. */
export async function parseRiskCsv(path: string, ctx: ParseContext): Promise<ParsedDataset> {
  const dir = dirname(path);
  const resPath = findResourcesCsv(dir, basename(path));
  if (!resPath)
    throw new ImportError(
      `${basename(path)}: the included-resources CSV (e.g. included_resources_v4.csv, the "Included resources" sheet) must be in the same folder`,
    );
  const db = await readCsv(path);
  const res = await readCsv(resPath);
  const version = /_(v\d+)\.csv$/i.exec(basename(path))?.[1]?.toLowerCase() ?? 'unknown';
  return mapRiskDb(db, res, ctx, { version, files: [path, resPath], format: 'mit-airi-csv' });
}

export function findResourcesCsv(dir: string, dbFile?: string): string | undefined {
  const v = dbFile ? /_(v\d+)\.csv$/i.exec(dbFile)?.[1] : undefined;
  const names = existsSync(dir) ? readdirSync(dir) : [];
  const exact = v ? names.find((n) => n.toLowerCase() === `included_resources_${v.toLowerCase()}.csv`) : undefined;
  const any = names.find((n) => /^included_resources.*\.csv$/i.test(n));
  const found = exact ?? any;
  return found ? join(dir, found) : undefined;
}

interface RowInfo {
  t: TableRow;
  v: Record<string, string>;
  evId: string;
  key: string;
  paper: number;
  cat: number;
  sub: number;
  letter?: string;
  level: Level;
  catName: string;
  subName: string;
}

function intOrUndefined(s: string): number | undefined {
  return /^\d+$/.test(s) ? Number(s) : undefined;
}

/** What the steps of mapRiskDb share: the issues and anomalies found, and the rows left out. */
interface RiskMapState {
  issues: RowIssue[];
  anomalies: AnomalyLog;
  /** Rows left out as invalid (with what their Ev_ID says), so their children can be left out too. */
  skipped: { paper: number; cat: number; sub: number; level: Level | string; evId: string }[];
  /** A cleaned cell of a row (the column named as required, found by its normalised header). */
  cell: (cols: Map<string, string>, r: TableRow, name: string) => string;
  /** Cells that had control characters (removed). */
  controlChars: number;
}

type DocsByPaper = Map<number, { doc: ParsedDocument; row: number }>;

const none = (s: string) => (s === '' || s === '-' ? undefined : s);

export function mapRiskDb(
  db: Table,
  res: Table,
  ctx: ParseContext,
  meta: { version: string; files: string[]; format: string; updated?: string },
): ParsedDataset {
  const dbCols = requireColumns(db, DB_COLUMNS, 'the AI Risk Database');
  const resCols = requireColumns(res, RESOURCE_COLUMNS, 'the included resources');
  const st: RiskMapState = { issues: [...res.issues, ...db.issues], anomalies: new AnomalyLog(), skipped: [], controlChars: 0, cell: () => '' };
  st.cell = (cols, r, name) => {
    const c = cleanCell(r.values[cols.get(name) ?? name] ?? '');
    if (c.hadControl) st.controlChars++;
    return c.text;
  };
  const info = datasetInfo('mit-airi-risk-db', { version: meta.version });
  const { docs, docOrder } = resourceDocuments(res, resCols, info, st);
  const rows = databaseRows(db, dbCols, docs, ctx, st);
  const counts = { emptyDefinitions: 0, emptyText: 0 };
  for (const [paper, list] of groupByPaper(rows)) paperStatements(docs.get(paper)!.doc, paper, list, db.file, ctx, st, counts);
  const { anomalies } = st;
  if (counts.emptyDefinitions) anomalies.add('empty-description', 'category and sub-category rows with an empty Description', undefined, counts.emptyDefinitions);
  if (counts.emptyText) anomalies.add('empty-text', 'statements with no text at all (kept; name and heading still identify them)', undefined, counts.emptyText);
  return {
    format: meta.format,
    dataset: { ...info, meta: compact({ files: meta.files.map((f) => basename(f)), updated: meta.updated }) },
    files: meta.files,
    documents: docOrder.map((id) => docs.get(id)!.doc),
    issues: st.issues,
    anomalies: anomalies.list(),
  };
}

/** Included resources → documents ("paper:<Paper_ID>"), in file order; invalid rows become issues. */
function resourceDocuments(res: Table, resCols: Map<string, string>, info: ReturnType<typeof datasetInfo>, st: RiskMapState): { docs: DocsByPaper; docOrder: number[] } {
  const docs: DocsByPaper = new Map();
  const docOrder: number[] = [];
  const citeCol = res.header.find((h) => /^citations\b/i.test(h.trim()));
  const provenance = { dataset: info.id, datasetVersion: info.version, licence: info.licence, attribution: info.attribution, sourceUrl: info.sourceUrl };
  for (const r of res.rows) {
    const g = (n: string) => st.cell(resCols, r, n);
    const id = checkedResource(res.file, r.row, g, docs, st.issues);
    if (!id) continue;
    const year = intOrUndefined(id.yearRaw);
    const itemType = g('Item type');
    const docType = ITEM_TYPES[itemType.toLowerCase()] ?? 'other';
    if (itemType && !ITEM_TYPES[itemType.toLowerCase()]) st.anomalies.add('item-type', 'item type not known to govnav (document type "other")', itemType);
    const meta = compact({
      paperId: id.id,
      quickRef: g('QuickRef'),
      authorsShort: res.header.includes('Authors (short)') ? g('Authors (short)') : undefined,
      citations: citeCol ? g(citeCol) : undefined,
      citationsColumn: citeCol,
      included: res.header.includes('Included') ? g('Included') : undefined,
    });
    const input = {
      sourceKey: `paper:${id.id}`,
      title: id.title,
      authors: none(g('Authors (full)')),
      year,
      date: year !== undefined ? String(year) : undefined,
      docType,
      url: none(g('URL')),
      doi: none(g('DOI')),
      itemType: itemType || undefined,
      provenance,
      meta,
    };
    docs.set(id.id, { row: r.row, doc: { input, statements: [], labels: [] } });
    docOrder.push(id.id);
  }
  return { docs, docOrder };
}

/** The Paper_ID, title and year of a resource row, or undefined (with an issue) when one is wrong. */
function checkedResource(file: string, row: number, g: (n: string) => string, docs: DocsByPaper, issues: RowIssue[]): { id: number; title: string; yearRaw: string } | undefined {
  const idRaw = g('Paper_ID');
  const id = intOrUndefined(idRaw);
  if (id === undefined) {
    issues.push({ file, row, field: 'Paper_ID', message: `"${idRaw}" is not a whole number` });
    return undefined;
  }
  const title = g('Title');
  if (!title) {
    issues.push({ file, row, field: 'Title', key: `Paper_ID ${id}`, message: 'empty title' });
    return undefined;
  }
  const prev = docs.get(id);
  if (prev) {
    issues.push({ file, row, field: 'Paper_ID', key: `Paper_ID ${id}`, message: `duplicate Paper_ID (first at row ${prev.row})` });
    return undefined;
  }
  const yearRaw = g('Year');
  const year = intOrUndefined(yearRaw);
  if (yearRaw && (year === undefined || year < 1900 || year > 2100)) {
    issues.push({ file, row, field: 'Year', key: `Paper_ID ${id}`, message: `"${yearRaw}" is not a year` });
    return undefined;
  }
  return { id, title, yearRaw };
}

const LABEL_COLUMNS = [
  ['Entity', 'risk-entity'],
  ['Intent', 'risk-intent'],
  ['Timing', 'risk-timing'],
  ['Domain', 'risk-domain'],
  ['Sub-domain', 'risk-domain'],
] as const;

/** The database rows that can be imported, keyed by Ev_ID (a repeated one gets "~2", "~3"). */
function databaseRows(db: Table, dbCols: Map<string, string>, docs: DocsByPaper, ctx: ParseContext, st: RiskMapState): RowInfo[] {
  const seen = new Map<string, number>();
  const rows: RowInfo[] = [];
  const counts = { idsFromEvId: 0 };
  for (const r of db.rows) {
    const g = (n: string) => st.cell(dbCols, r, n);
    const parsed = checkedDbRow(db.file, r, g, docs, ctx, st, counts);
    if (!parsed) continue;
    const { evId, paper, cat, sub, letter, level } = parsed;
    const n = (seen.get(evId) ?? 0) + 1;
    seen.set(evId, n);
    const key = n === 1 ? evId : `${evId}~${n}`;
    const shape: Level = letter ? 'Additional evidence' : cat === 0 ? 'Paper' : sub === 0 ? 'Risk Category' : 'Risk Sub-Category';
    if (shape !== level) st.anomalies.add('level-shape', 'Category level differs from what the Ev_ID suggests (the published level is kept)', `${evId} is "${level}"`);
    rows.push({ t: r, v: Object.fromEntries(DB_COLUMNS.map((c) => [c, g(c)])), evId, key, paper, cat, sub, letter, level, catName: g('Risk category'), subName: g('Risk subcategory') });
  }
  const { anomalies } = st;
  for (const [evId, n] of seen) if (n > 1) anomalies.add('duplicate-ev-id', 'Ev_ID used by more than one row (later rows keyed "<Ev_ID>~2", "~3", …)', `${evId} ×${n}`);
  if (counts.idsFromEvId) anomalies.add('blank-ids', 'rows with blank Paper_ID/Cat_ID/SubCat_ID/AddEv_ID cells (taken from the Ev_ID)', undefined, counts.idsFromEvId);
  if (st.controlChars) anomalies.add('control-characters', 'cells with control characters (removed)', undefined, st.controlChars);
  return rows;
}

interface EvParts {
  evId: string;
  paper: number;
  cat: number;
  sub: number;
  letter?: string;
  level: Level;
}

/** A database row's Ev_ID parts and level, or undefined when the row is invalid (its issue recorded). */
function checkedDbRow(
  file: string,
  r: TableRow,
  g: (n: string) => string,
  docs: DocsByPaper,
  ctx: ParseContext,
  st: RiskMapState,
  counts: { idsFromEvId: number },
): EvParts | undefined {
  const evId = g('Ev_ID');
  const m = /^(\d+)\.(\d+)\.(\d+)(?:\.?([a-z]+))?$/.exec(evId);
  if (!m) {
    st.issues.push({ file, row: r.row, field: 'Ev_ID', key: evId || undefined, message: evId ? `"${evId}" is not an Ev_ID like 01.02.03 or 01.02.03.a` : 'empty Ev_ID' });
    return undefined;
  }
  const parts: EvParts = { evId, paper: Number(m[1]), cat: Number(m[2]), sub: Number(m[3]), letter: m[4], level: g('Category level') as Level };
  const { paper, cat, sub, level } = parts;
  if (!LEVELS.includes(level)) {
    st.issues.push({ file, row: r.row, field: 'Category level', key: evId, message: `"${level}" is not one of ${LEVELS.map((l) => `"${l}"`).join(', ')}` });
    return undefined;
  }
  const ids = idColumnsCheck(file, r.row, g, parts);
  if (ids.mismatch) {
    st.issues.push(ids.mismatch);
    st.skipped.push({ paper, cat, sub, level, evId });
    return undefined;
  }
  if (ids.blank && level !== 'Paper') counts.idsFromEvId++;
  if (!docs.has(paper)) {
    st.issues.push({ file, row: r.row, field: 'Paper_ID', key: evId, message: `no included resource with Paper_ID ${paper}` });
    return undefined;
  }
  // Labels are checked here so that a row with an unknown code is reported as a whole.
  let labelIssue: RowIssue | undefined;
  for (const [col, tax] of LABEL_COLUMNS) {
    const raw = g(col);
    if (raw && ctx.registry.get(tax).resolve(raw) === undefined)
      labelIssue ??= { file, row: r.row, field: col, key: evId, message: `"${raw}" is not a code of taxonomy ${tax}` };
  }
  if (labelIssue) {
    st.issues.push(labelIssue);
    st.skipped.push({ paper, cat, sub, level, evId });
    return undefined;
  }
  return parts;
}

/** The ID columns, when filled, must agree with the Ev_ID; when blank, the Ev_ID tells. */
function idColumnsCheck(file: string, row: number, g: (n: string) => string, p: EvParts): { mismatch?: RowIssue; blank: boolean } {
  let mismatch: RowIssue | undefined;
  let blank = false;
  for (const [col, want] of [
    ['Paper_ID', p.paper],
    ['Cat_ID', p.cat],
    ['SubCat_ID', p.sub],
    ['AddEv_ID', p.letter ? p.letter.charCodeAt(0) - 96 : undefined],
  ] as const) {
    const raw = g(col);
    if (raw === '') {
      if (col !== 'AddEv_ID' || p.letter) blank = true;
      continue;
    }
    if (!/^\d+$/.test(raw)) mismatch ??= { file, row, field: col, key: p.evId, message: `"${raw}" is not a whole number` };
    else if (Number(raw) !== want) mismatch ??= { file, row, field: col, key: p.evId, message: `${raw} disagrees with the Ev_ID ${p.evId}` };
  }
  return { mismatch, blank };
}

function groupByPaper(rows: RowInfo[]): Map<number, RowInfo[]> {
  const byPaper = new Map<number, RowInfo[]>();
  for (const r of rows) {
    let list = byPaper.get(r.paper);
    if (!list) byPaper.set(r.paper, (list = []));
    list.push(r);
  }
  return byPaper;
}

/** One document's statements and labels from its rows: "Paper" rows go to its meta, the others become risks. */
function paperStatements(
  doc: ParsedDocument,
  paper: number,
  list: RowInfo[],
  file: string,
  ctx: ParseContext,
  st: RiskMapState,
  counts: { emptyDefinitions: number; emptyText: number },
): void {
  const paperRows = list.filter((r) => r.level === 'Paper');
  if (paperRows.length) {
    doc.input.meta = { ...doc.input.meta, paperRow: paperRows.map(paperRowMeta) };
    if (paperRows.length > 1) st.anomalies.add('paper-rows', 'more than one "Paper" row for a document', `Paper_ID ${paper}`);
  }
  const all = list.filter((r) => r.level !== 'Paper');
  const { parentOf, dropped } = findParents(paper, all, file, st);
  for (const r of all.filter((x) => !dropped.has(x))) {
    doc.statements.push(riskStatement(r, parentOf.get(r), st.anomalies, counts));
    doc.labels.push(...rowLabels(r, ctx, st.anomalies));
  }
}

function paperRowMeta(p: RowInfo): Record<string, unknown> {
  return compact({
    evId: p.evId,
    riskCategory: p.catName,
    riskSubcategory: p.subName,
    description: p.v['Description'],
    additionalEvidence: p.v['Additional ev.'],
    pDef: p.v['P.Def'],
    pAddEv: p.v['p.AddEv'],
  });
}

/**
 * Each row's parent. Parents are found level by level, so that when a row was skipped as invalid,
 * the rows that hang from it are skipped too (rather than imported without their parent).
 */
function findParents(paper: number, all: RowInfo[], file: string, st: RiskMapState): { parentOf: Map<RowInfo, RowInfo | undefined>; dropped: Set<RowInfo> } {
  const parentOf = new Map<RowInfo, RowInfo | undefined>();
  const dropped = new Set<RowInfo>();
  const pos = new Map(all.map((x, i) => [x, i]));
  const pick = (r: RowInfo, cands: RowInfo[], sameNames: (c: RowInfo) => boolean) => {
    if (cands.length <= 1) return cands[0];
    const named = cands.filter(sameNames);
    const pool = named.length ? named : cands;
    const earlier = pool.filter((x) => pos.get(x)! < pos.get(r)!);
    return earlier.length ? earlier[earlier.length - 1] : pool[0];
  };
  for (const level of ['Risk Category', 'Risk Sub-Category', 'Additional evidence'] as const) {
    // Rows dropped at this level are never parents at this level, so the list can be reused.
    const live = all.filter((c) => !dropped.has(c));
    for (const r of all.filter((x) => x.level === level)) {
      const found = level === 'Risk Category' ? { parent: undefined } : parentAtLevel(r, paper, live, pick, st);
      if (found.lost) {
        dropped.add(r);
        st.skipped.push({ paper, cat: r.cat, sub: r.sub, level: r.level, evId: r.evId });
        st.issues.push({ file, row: r.t.row, key: r.evId, message: `skipped with its parent row ${found.lost}, which is invalid` });
        continue;
      }
      parentOf.set(r, found.parent);
    }
  }
  return { parentOf, dropped };
}

/** The parent of a sub-category or a piece of evidence, or the Ev_ID of its invalid parent (`lost`). */
function parentAtLevel(
  r: RowInfo,
  paper: number,
  live: RowInfo[],
  pick: (r: RowInfo, cands: RowInfo[], sameNames: (c: RowInfo) => boolean) => RowInfo | undefined,
  st: RiskMapState,
): { parent?: RowInfo; lost?: string } {
  if (r.level === 'Risk Sub-Category') {
    const parent = pick(r, live.filter((c) => c.level === 'Risk Category' && c.cat === r.cat), (c) => c.catName === r.catName);
    const lost = parent ? undefined : st.skipped.find((x) => x.paper === paper && x.level === 'Risk Category' && x.cat === r.cat);
    if (lost) return { lost: lost.evId };
    if (!parent) st.anomalies.add('orphan-subcategory', 'sub-category without a "Risk Category" row (kept without a parent)', r.evId);
    return { parent };
  }
  const parent =
    pick(r, live.filter((c) => c.level !== 'Additional evidence' && c.cat === r.cat && c.sub === r.sub), (c) => c.catName === r.catName && c.subName === r.subName) ??
    pick(r, live.filter((c) => c.level === 'Risk Category' && c.cat === r.cat), (c) => c.catName === r.catName);
  const lost = parent
    ? undefined
    : st.skipped.find((x) => x.paper === paper && x.level !== 'Additional evidence' && x.cat === r.cat && (x.sub === r.sub || x.sub === 0));
  if (lost) return { lost: lost.evId };
  if (!parent) st.anomalies.add('orphan-evidence', 'additional evidence without the row it supports (kept without a parent)', r.evId);
  return { parent };
}

/** A risk row as a statement (text, heading path, page locator, the published cells in meta). */
function riskStatement(r: RowInfo, parent: RowInfo | undefined, anomalies: AnomalyLog, counts: { emptyDefinitions: number; emptyText: number }): StatementInput {
  const desc = r.v['Description']!;
  const addEv = r.v['Additional ev.']!;
  const isEvidence = r.level === 'Additional evidence';
  const text = isEvidence ? addEv || desc : desc;
  if (!isEvidence && !desc) counts.emptyDefinitions++;
  if (!text) counts.emptyText++;
  const ref = (s: string) => (s ? (/^\d+$/.test(s) ? `p. ${s}` : s) : undefined);
  if (/^\d{4}-\d{2}-\d{2}$/.test(r.v['P.Def']!) || /^\d{4}-\d{2}-\d{2}$/.test(r.v['p.AddEv']!))
    anomalies.add('page-as-date', 'page reference stored as a date by the spreadsheet (kept as published)', r.evId);
  const heading =
    r.level === 'Risk Category' ? [] : r.level === 'Risk Sub-Category' ? [r.catName].filter(Boolean) : [r.catName, r.subName].filter((x) => x && x !== '-');
  return {
    sourceKey: r.key,
    kind: 'risk',
    parentSourceKey: parent?.key,
    // Order by the Ev_ID's parts, so that a row added or removed elsewhere does not renumber the others.
    ord: r.cat * 1_000_000 + r.sub * 1_000 + letterRank(r.letter),
    name: isEvidence ? '' : r.level === 'Risk Category' ? r.catName : r.subName,
    text,
    headingPath: heading,
    locator: compact({ ref: isEvidence ? ref(r.v['p.AddEv']!) ?? ref(r.v['P.Def']!) : ref(r.v['P.Def']!) }),
    meta: compact({
      evId: r.evId,
      level: r.level,
      quickRef: r.v['QuickRef'],
      riskCategory: r.catName,
      riskSubcategory: r.subName,
      additionalEvidence: isEvidence ? undefined : addEv,
      description: isEvidence ? desc : undefined,
      pDef: r.v['P.Def'],
      pAddEv: r.v['p.AddEv'],
    }),
  };
}

function rowLabels(r: RowInfo, ctx: ParseContext, anomalies: AnomalyLog): ParsedLabel[] {
  const out: ParsedLabel[] = [];
  const add = (taxonomy: string, raw: string) => {
    const code = ctx.registry.get(taxonomy).resolve(raw)!;
    out.push({ statementKey: r.key, taxonomy, code, human: true, source: 'imported', sourceValue: raw });
  };
  for (const [col, tax] of [
    ['Entity', 'risk-entity'],
    ['Intent', 'risk-intent'],
    ['Timing', 'risk-timing'],
  ] as const)
    if (r.v[col]) add(tax, r.v[col]!);
  const dom = r.v['Domain']!;
  const sub = r.v['Sub-domain']!;
  if (sub) {
    add('risk-domain', sub);
    if (dom) {
      const t = ctx.registry.get('risk-domain');
      const subCode = t.resolve(sub)!;
      const domCode = t.resolve(dom)!;
      if (t.node(subCode).path[0] !== domCode && subCode !== domCode)
        anomalies.add('subdomain-outside-domain', 'sub-domain outside the row\'s domain (the sub-domain code is kept)', `${r.evId}: ${dom} / ${sub}`);
    }
  } else if (dom) add('risk-domain', dom);
  return out;
}

function letterRank(letter: string | undefined): number {
  if (!letter) return 0;
  let n = 0;
  for (const ch of letter) n = n * 26 + (ch.charCodeAt(0) - 96);
  return Math.min(n, 999);
}
