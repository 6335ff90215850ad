// `govnav eval extraction`: the extraction (roles + statement boundaries) against the hand-annotated
// gold in gold/extraction/*.json (format: govnav-extraction-gold/1, see docs/evaluation.md).
// Each gold document is read again with the ingest readers (its checksum checked), extracted,
// and its gold blocks aligned to the fresh blocks by anchor. Reported per document and overall:
// per-role precision/recall/F1 over blocks, the share of predicted statements made of gold
// apparatus, boundary agreement (best character-span IoU per gold statement), table rows that came
// out as one clean statement, unaligned gold blocks, and the worst blocks.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { GoldDocumentError, readGoldDocument as readDoc } from './gold-doc.ts';
import { detectLanguage } from '../ingest/detect.ts';
import type { Extracted } from '../ingest/types.ts';
import { cellOffsets } from '../ingest/types.ts';
import { extractStatements, type ExtractOptions } from '../extract/index.ts';
import { ROLES, blockAnchor, isStatementRole, type Extraction, type Role } from '../extract/types.ts';
import { classifyAll, type RoleModel } from '../extract/roles.ts';
import { defaultRoleWeights, documentFeatures, isHeldOutSlug, trainRoleWeights, type RoleWeights, type TrainOptions, type TrainingDoc } from '../extract/learned.ts';

export const GOLD_FORMAT = 'govnav-extraction-gold/1';

export interface GoldBlock {
  i: number;
  anchor: string;
  page?: number;
  kind?: string;
  role: Role;
  statement?: string;
  parent?: string;
  ref?: string;
  textCell?: number;
  refCell?: number;
}

export interface GoldDoc {
  format: string;
  document: { source: 'corpus' | 'finos-aigf'; file: string; sha256: string; entries?: string[]; language?: string; format?: string };
  pass?: number;
  annotator?: string;
  reader?: { blocks: number; anchorsHash?: string };
  blocks: GoldBlock[];
  /** Where the gold file was read from. */
  path: string;
}

export class GoldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoldError';
  }
}

/** Read and check one gold file (clear errors naming the file and the field). */
export function readGold(path: string): GoldDoc {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new GoldError(`${path}: not readable JSON (${(e as Error).message})`);
  }
  const g = raw as GoldDoc;
  if (!g || typeof g !== 'object') throw new GoldError(`${path}: not a JSON object`);
  if (g.format !== GOLD_FORMAT) throw new GoldError(`${path}: "format" is ${JSON.stringify(g.format)}, expected "${GOLD_FORMAT}"`);
  const d = g.document;
  if (!d || typeof d.file !== 'string' || typeof d.sha256 !== 'string') throw new GoldError(`${path}: "document" needs "file" and "sha256"`);
  if (d.source !== 'corpus' && d.source !== 'finos-aigf') throw new GoldError(`${path}: document.source must be "corpus" or "finos-aigf", not ${JSON.stringify(d.source)}`);
  if (d.source === 'finos-aigf' && (!Array.isArray(d.entries) || !d.entries.length)) throw new GoldError(`${path}: a finos-aigf document needs "entries"`);
  if (!Array.isArray(g.blocks)) throw new GoldError(`${path}: "blocks" must be an array`);
  g.blocks.forEach((b, n) => {
    if (typeof b.anchor !== 'string' || !b.anchor) throw new GoldError(`${path}: blocks[${n}] has no "anchor"`);
    if (!(ROLES as readonly string[]).includes(b.role)) throw new GoldError(`${path}: blocks[${n}] (anchor ${b.anchor}) has role ${JSON.stringify(b.role)}, not one of ${ROLES.join(', ')}`);
  });
  return { ...g, path };
}

/** Every gold file of a file or directory (sorted by name). */
export function readGoldSet(fileOrDir: string): GoldDoc[] {
  if (!existsSync(fileOrDir)) throw new GoldError(`${fileOrDir}: no such gold file or directory`);
  if (statSync(fileOrDir).isDirectory()) {
    const files = readdirSync(fileOrDir).filter((f) => f.endsWith('.json')).sort();
    if (!files.length) throw new GoldError(`${fileOrDir}: no gold files (*.json) in this directory`);
    return files.map((f) => readGold(join(fileOrDir, f)));
  }
  return [readGold(fileOrDir)];
}

export interface Dirs {
  corpus: string;
  data: string;
}

/** Read the gold's document again with the ingest readers (src/eval/gold-doc.ts), checking its checksum. */
export async function readGoldDocument(g: GoldDoc, dirs: Dirs): Promise<Extracted> {
  try {
    return (await readDoc(g.document, dirs, g.path)).extracted;
  } catch (e) {
    if (e instanceof GoldDocumentError) throw new GoldError(e.message);
    throw e;
  }
}

// ------------------------------------------------------------------ scoring

export interface RoleScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
  gold: number;
}

export interface WorstBlock {
  gold: Role;
  predicted: Role | 'unaligned';
  page?: number;
  anchor: string;
  index?: number;
  reason?: string;
  snippet?: string;
}

export interface DocScore {
  document: string;
  gold: string;
  blocks: number;
  aligned: number;
  unaligned: number;
  roles: Record<Role, RoleScore>;
  statements: { predicted: number; apparatus: number; apparatusShare: number };
  boundary: { gold: number; meanIoU: number; shareAtLeast08: number };
  tableRows: { gold: number; clean: number; share: number };
  worst: WorstBlock[];
  /** Raw counts kept for pooling. */
  raw: { ious: number[]; confusion: Record<string, number> };
}

const emptyRoles = (): Record<Role, RoleScore> => Object.fromEntries(ROLES.map((r) => [r, { tp: 0, fp: 0, fn: 0, precision: 0, recall: 0, f1: 0, gold: 0 }])) as Record<Role, RoleScore>;

function finishRoles(r: Record<Role, RoleScore>): void {
  for (const s of Object.values(r)) {
    s.precision = s.tp + s.fp ? s.tp / (s.tp + s.fp) : s.fn ? 0 : 1;
    s.recall = s.tp + s.fn ? s.tp / (s.tp + s.fn) : 1;
    s.f1 = s.precision + s.recall ? (2 * s.precision * s.recall) / (s.precision + s.recall) : 0;
  }
}

function iou(a: [number, number], b: [number, number]): number {
  const inter = Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));
  const union = Math.max(a[1], b[1]) - Math.min(a[0], b[0]);
  return union > 0 ? inter / union : 0;
}

/** Severity of a confusion, for ranking the worst blocks. */
function severity(gold: Role, pred: Role | 'unaligned'): number {
  if (pred === 'unaligned') return 1;
  if (gold === pred) return 0;
  const gs = isStatementRole(gold);
  const ps = isStatementRole(pred);
  if (gold === 'apparatus' && ps) return 4;
  if (gs && pred === 'apparatus') return 3.5;
  if (gs && !ps) return 3;
  if (!gs && ps) return 3;
  if (gs && ps) return 2;
  return 1;
}

/** Align the gold blocks to a fresh extraction: first unused block with the same anchor, in order. */
export function alignGold(gold: GoldBlock[], ext: Extraction): (number | undefined)[] {
  const byAnchor = new Map<string, number[]>();
  for (const o of ext.outline) {
    const q = byAnchor.get(o.anchor);
    if (q) q.push(o.index);
    else byAnchor.set(o.anchor, [o.index]);
  }
  return gold.map((g) => byAnchor.get(g.anchor)?.shift());
}

export function scoreDocument(g: GoldDoc, ex: Extracted, ext: Extraction, worstN = 10): DocScore {
  const align = alignGold(g.blocks, ext);
  const { roles, worst, goldRoleOf, confusion } = scoreRoles(g, ext, align);
  // Predicted statements made of gold apparatus (the majority of their aligned blocks).
  let app = 0;
  for (const s of ext.statements) {
    const rs = s.blocks.map((b) => goldRoleOf.get(b)).filter((r): r is Role => !!r);
    if (rs.length && rs.filter((r) => r === 'apparatus').length * 2 > rs.length) app++;
  }
  const { ious, tableGold, tableClean } = scoreBoundaries(g, ext, align);
  const meanIoU = ious.length ? ious.reduce((a, b) => a + b, 0) / ious.length : 1;
  worst.sort((a, b) => b.sev - a.sev || (a.index ?? 0) - (b.index ?? 0));
  const aligned = align.filter((a) => a !== undefined).length;
  return {
    document: g.document.source === 'corpus' ? g.document.file : `finos-aigf:${g.document.entries!.join(',')}`,
    gold: g.path,
    blocks: g.blocks.length,
    aligned,
    unaligned: g.blocks.length - aligned,
    roles,
    statements: { predicted: ext.statements.length, apparatus: app, apparatusShare: ext.statements.length ? app / ext.statements.length : 0 },
    boundary: { gold: ious.length, meanIoU, shareAtLeast08: ious.length ? ious.filter((x) => x >= 0.8).length / ious.length : 1 },
    tableRows: { gold: tableGold, clean: tableClean, share: tableGold ? tableClean / tableGold : 1 },
    worst: worst.slice(0, worstN).map(({ sev: _s, ...w }) => w),
    raw: { ious, confusion },
  };
}

/** Per-role counts over the aligned gold blocks, the confusion, and every wrong block with its severity. */
function scoreRoles(g: GoldDoc, ext: Extraction, align: (number | undefined)[]) {
  const roles = emptyRoles();
  const worst: (WorstBlock & { sev: number })[] = [];
  const goldRoleOf = new Map<number, Role>();
  const confusion: Record<string, number> = {};
  g.blocks.forEach((gb, n) => {
    const at = align[n];
    roles[gb.role].gold++;
    const pred: Role | 'unaligned' = at === undefined ? 'unaligned' : ext.outline[at]!.decision.role;
    confusion[`${gb.role}>${pred}`] = (confusion[`${gb.role}>${pred}`] ?? 0) + 1;
    if (at !== undefined) goldRoleOf.set(at, gb.role);
    if (pred === gb.role) roles[gb.role].tp++;
    else {
      roles[gb.role].fn++;
      if (pred !== 'unaligned') roles[pred].fp++;
      const o = at === undefined ? undefined : ext.outline[at];
      worst.push({ gold: gb.role, predicted: pred, page: gb.page ?? o?.block.page, anchor: gb.anchor, index: at, reason: o?.decision.reason, snippet: o ? o.block.text.replace(/\s+/g, ' ').slice(0, 90) : undefined, sev: severity(gb.role, pred) });
    }
  });
  finishRoles(roles);
  return { roles, worst, goldRoleOf, confusion };
}

/** Boundaries: each gold statement's span in the fresh text vs the best predicted statement; and clean table rows. */
function scoreBoundaries(g: GoldDoc, ext: Extraction, align: (number | undefined)[]): { ious: number[]; tableGold: number; tableClean: number } {
  const groups = new Map<string, { blocks: { gb: GoldBlock; at?: number }[] }>();
  g.blocks.forEach((gb, n) => {
    if (!gb.statement || !isStatementRole(gb.role)) return;
    const grp = groups.get(gb.statement) ?? { blocks: [] };
    grp.blocks.push({ gb, at: align[n] });
    groups.set(gb.statement, grp);
  });
  const predSpans = ext.statements.map((s) => [s.charStart, s.charEnd] as [number, number]);
  const ious: number[] = [];
  let tableGold = 0;
  let tableClean = 0;
  for (const grp of groups.values()) {
    const spans: [number, number][] = [];
    for (const { gb, at } of grp.blocks) {
      if (at === undefined) continue;
      const b = ext.outline[at]!.block;
      // A heading that names a statement counts with its span whether or not the prediction includes it.
      if (b.kind === 'table-row' && gb.textCell !== undefined && b.cells[gb.textCell] !== undefined) {
        const [s, e] = cellOffsets(b.cells)[gb.textCell]!;
        spans.push([b.start + s, b.start + e]);
      } else spans.push([b.start, b.end]);
    }
    let best = 0;
    if (spans.length) {
      const span: [number, number] = [Math.min(...spans.map((s) => s[0])), Math.max(...spans.map((s) => s[1]))];
      for (const p of predSpans) best = Math.max(best, iou(span, p));
    }
    ious.push(best);
    // Table rows: one gold statement = one table-row block with a text cell.
    if (grp.blocks.length === 1 && grp.blocks[0]!.gb.kind === 'table-row' && grp.blocks[0]!.gb.textCell !== undefined) {
      tableGold++;
      const { gb, at } = grp.blocks[0]!;
      if (at !== undefined) {
        const b = ext.outline[at]!.block;
        const hits = ext.statements.filter((s) => s.blocks.includes(at));
        if (hits.length === 1 && b.kind === 'table-row' && hits[0]!.text.trim() === (b.cells[gb.textCell!] ?? '').trim()) tableClean++;
      }
    }
  }
  return { ious, tableGold, tableClean };
}

export interface ExtractionEval {
  documents: DocScore[];
  overall: Omit<DocScore, 'document' | 'gold' | 'worst' | 'raw'>;
  errors: { gold: string; error: string }[];
  model: string;
  /** The learned layer used, if any. */
  learned?: string;
}

/** Pool per-document counts into overall figures (micro-averaged over blocks and statements). */
export function poolScores(docs: DocScore[]): ExtractionEval['overall'] {
  const roles = emptyRoles();
  for (const d of docs)
    for (const r of ROLES) {
      roles[r].tp += d.roles[r].tp;
      roles[r].fp += d.roles[r].fp;
      roles[r].fn += d.roles[r].fn;
      roles[r].gold += d.roles[r].gold;
    }
  finishRoles(roles);
  const ious = docs.flatMap((d) => d.raw.ious);
  const pred = docs.reduce((a, d) => a + d.statements.predicted, 0);
  const app = docs.reduce((a, d) => a + d.statements.apparatus, 0);
  const tg = docs.reduce((a, d) => a + d.tableRows.gold, 0);
  const tc = docs.reduce((a, d) => a + d.tableRows.clean, 0);
  const blocks = docs.reduce((a, d) => a + d.blocks, 0);
  const aligned = docs.reduce((a, d) => a + d.aligned, 0);
  return {
    blocks,
    aligned,
    unaligned: blocks - aligned,
    roles,
    statements: { predicted: pred, apparatus: app, apparatusShare: pred ? app / pred : 0 },
    boundary: { gold: ious.length, meanIoU: ious.length ? ious.reduce((a, b) => a + b, 0) / ious.length : 1, shareAtLeast08: ious.length ? ious.filter((x) => x >= 0.8).length / ious.length : 1 },
    tableRows: { gold: tg, clean: tc, share: tg ? tc / tg : 1 },
  };
}

export interface EvalExtractionOptions extends Dirs {
  model?: RoleModel;
  /** A model per gold document (e.g. one trained without the document's own dataset); overrides `model`. */
  modelFor?: (g: GoldDoc) => Promise<RoleModel | undefined>;
  /** Extra extraction options (corrections are never applied in evaluation). */
  extract?: Partial<ExtractOptions>;
  worst?: number;
  onDocument?: (g: GoldDoc, i: number, n: number) => void;
  /** Stop on the first document that cannot be read, instead of reporting it. */
  strict?: boolean;
}

export async function evaluateExtraction(golds: GoldDoc[], opts: EvalExtractionOptions): Promise<ExtractionEval> {
  const documents: DocScore[] = [];
  const errors: { gold: string; error: string }[] = [];
  const models = new Set<string>();
  for (let i = 0; i < golds.length; i++) {
    const g = golds[i]!;
    opts.onDocument?.(g, i, golds.length);
    let ex: Extracted;
    try {
      ex = await readGoldDocument(g, opts);
    } catch (e) {
      if (opts.strict) throw e;
      errors.push({ gold: g.path, error: (e as Error).message });
      continue;
    }
    const language = g.document.language || detectLanguage(ex.text) || 'en';
    const model = opts.modelFor ? await opts.modelFor(g) : opts.model;
    if (model) models.add(model.id);
    const ext = extractStatements(ex, { ...opts.extract, language, model });
    documents.push(scoreDocument(g, ex, ext, opts.worst ?? 10));
  }
  const weights = opts.extract?.roleWeights === undefined ? defaultRoleWeights() : opts.extract.roleWeights;
  return { documents, overall: poolScores(documents), errors, model: models.size ? [...models].join(', ') : 'lexicon', learned: weights ? weightsLabel(weights) : undefined };
}

function weightsLabel(w: RoleWeights): string {
  return `learned weights trained on ${w.trainedOn?.length ?? '?'} gold documents (${w.blocks ?? '?'} blocks)`;
}

// ------------------------------------------------------------------ learned layer: training rows and LODO

/** The gold file's name without .json ("au_national-ai-plan_2025_en"). */
export const goldSlug = (g: GoldDoc): string => basename(g.path).replace(/\.json$/, '');

/**
 * One gold document as training rows for the learned layer: the rules' view of every block
 * (features) and the gold role of the blocks that align by anchor.
 */
export function goldTrainingDoc(g: GoldDoc, ex: Extracted, language: string): TrainingDoc {
  const ruled = classifyAll(ex.blocks, { language, pages: ex.pages });
  const features = documentFeatures({ blocks: ex.blocks, ...ruled, pages: ex.pages, language });
  const byAnchor = new Map<string, number[]>();
  ex.blocks.forEach((b, i) => {
    const a = blockAnchor(b.text);
    const q = byAnchor.get(a);
    if (q) q.push(i);
    else byAnchor.set(a, [i]);
  });
  const labels: (Role | undefined)[] = new Array(ex.blocks.length).fill(undefined);
  for (const gb of g.blocks) {
    const at = byAnchor.get(gb.anchor)?.shift();
    if (at !== undefined) labels[at] = gb.role;
  }
  return { slug: goldSlug(g), features, labels, rules: ruled.decisions.map((d) => d.role) };
}

export interface LodoOptions extends Omit<EvalExtractionOptions, 'model' | 'modelFor'> {
  train?: Partial<TrainOptions>;
}

/**
 * Leave-one-document-out: for each gold document, train the learned layer on the OTHER gold
 * documents (never on held-out slugs such as uk_* and eu-*), extract the document with those
 * weights and score it. No block of a document is ever scored by weights trained on it.
 */
export async function evaluateExtractionLodo(golds: GoldDoc[], opts: LodoOptions): Promise<ExtractionEval> {
  const read: { g: GoldDoc; ex: Extracted; language: string; train: TrainingDoc; heldOut: boolean }[] = [];
  const errors: { gold: string; error: string }[] = [];
  // Every gold document is scored. Held-out gold (uk_*, eu-*) is scored like the others (by weights
  // trained on the other documents) but never trains any fold: it stays unseen by every model.
  for (let i = 0; i < golds.length; i++) {
    const g = golds[i]!;
    opts.onDocument?.(g, i, golds.length);
    try {
      const ex = await readGoldDocument(g, opts);
      const language = g.document.language || detectLanguage(ex.text) || 'en';
      read.push({ g, ex, language, train: goldTrainingDoc(g, ex, language), heldOut: isHeldOutSlug(goldSlug(g)) });
    } catch (e) {
      if (opts.strict) throw e;
      errors.push({ gold: g.path, error: (e as Error).message });
    }
  }
  const trainable = read.filter((r) => !r.heldOut);
  if (trainable.length < 2) throw new GoldError(`leave-one-document-out needs at least 2 readable gold documents (not held out), got ${trainable.length}${errors.length ? `:\n${errors.map((e) => '  ' + e.error).join('\n')}` : ''}`);
  const documents: DocScore[] = [];
  // Held-out documents all see the same weights (trained on every trainable document): train them once.
  let allWeights: RoleWeights | undefined;
  for (const r of read) {
    const others = trainable.filter((o) => o !== r).map((o) => o.train);
    const weights = r.heldOut ? (allWeights ??= trainRoleWeights(others, opts.train)) : trainRoleWeights(others, opts.train);
    const ext = extractStatements(r.ex, { ...opts.extract, language: r.language, roleWeights: weights });
    documents.push(scoreDocument(r.g, r.ex, ext, opts.worst ?? 10));
  }
  const held = read.filter((r) => r.heldOut).length;
  return {
    documents,
    overall: poolScores(documents),
    errors,
    model: 'lexicon',
    learned: `leave-one-document-out over ${read.length} gold documents: each scored by weights trained on the other trainable gold documents${held ? ` (${held} held-out file(s) uk_*/eu-* scored too, never trained on)` : ''}`,
  };
}

// ------------------------------------------------------------------ report

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const f2 = (x: number) => x.toFixed(2);

export function formatExtractionEval(r: ExtractionEval, table: (rows: string[][], right?: (c: number) => boolean) => string): string {
  const out: string[] = [];
  const head = ['document', 'blocks', 'unal.', 'mit F1', 'risk F1', 'prin F1', 'ctx F1', 'app F1', 'stmts', 'app%', 'IoU', '≥0.8', 'rows clean'];
  const row = (name: string, d: Omit<DocScore, 'document' | 'gold' | 'worst' | 'raw'>) => [
    name,
    String(d.blocks),
    String(d.unaligned),
    d.roles.mitigation.gold || d.roles.mitigation.fp ? f2(d.roles.mitigation.f1) : '–',
    d.roles.risk.gold || d.roles.risk.fp ? f2(d.roles.risk.f1) : '–',
    d.roles.principle.gold || d.roles.principle.fp ? f2(d.roles.principle.f1) : '–',
    f2(d.roles.context.f1),
    f2(d.roles.apparatus.f1),
    String(d.statements.predicted),
    pct(d.statements.apparatusShare),
    f2(d.boundary.meanIoU),
    pct(d.boundary.shareAtLeast08),
    d.tableRows.gold ? `${d.tableRows.clean}/${d.tableRows.gold}` : '–',
  ];
  const rows = [head, ...r.documents.map((d) => row(d.document.length > 44 ? d.document.slice(0, 43) + '…' : d.document, d))];
  if (r.documents.length > 1) rows.push(row('OVERALL', r.overall));
  out.push(table(rows));
  out.push('');
  const o = r.overall;
  out.push(`Role classifier: ${r.model === 'lexicon' ? 'structure + lexicon (no store model)' : `structure + lexicon + text model ${r.model}`}${r.learned ? `, then ${r.learned}` : ', rules only (no learned layer)'}.`);
  out.push('Per role over all blocks (precision / recall / F1, gold blocks):');
  out.push(table([['role', 'P', 'R', 'F1', 'gold'], ...ROLES.map((x) => [x, f2(o.roles[x].precision), f2(o.roles[x].recall), f2(o.roles[x].f1), String(o.roles[x].gold)])]));
  out.push('');
  out.push(
    `Statements: ${o.statements.predicted} predicted, ${o.statements.apparatus} (${pct(o.statements.apparatusShare)}) made of gold apparatus. ` +
      `Boundaries: mean best IoU ${f2(o.boundary.meanIoU)} over ${o.boundary.gold} gold statements, ${pct(o.boundary.shareAtLeast08)} ≥ 0.8. ` +
      `Table rows: ${o.tableRows.clean}/${o.tableRows.gold} one clean statement. Unaligned gold blocks: ${o.unaligned}/${o.blocks}.`,
  );
  for (const d of r.documents) {
    if (!d.worst.length) continue;
    out.push('');
    out.push(`Worst blocks of ${d.document}:`);
    out.push(table([['gold', 'predicted', 'page', 'anchor', 'text', 'reason'], ...d.worst.map((w) => [w.gold, w.predicted, w.page === undefined ? '' : String(w.page), w.anchor, w.snippet ?? '', w.reason ?? ''])], () => false));
  }
  for (const e of r.errors) out.push(`\nNot evaluated: ${e.error}`);
  return out.join('\n');
}

export function extractionEvalJson(r: ExtractionEval): Record<string, unknown> {
  return {
    model: r.model,
    learned: r.learned ?? null,
    overall: r.overall,
    documents: r.documents.map(({ raw: _raw, ...d }) => d),
    errors: r.errors,
  };
}
