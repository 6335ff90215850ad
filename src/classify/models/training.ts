// The training examples of the persisted models, per taxonomy:
//   1. labels in the store that a person made or accepted/corrected (current ones), and labels of the
//      project's own annotation (source 'annotation'), whichever datasets are imported;
//   2. the project's annotation read straight from the repository (annotations/pass1/*.jsonl joined
//      with annotations/items.jsonl), so that training does not depend on the annotation dataset
//      being imported (an item also in the store counts once);
//   3. crosswalked labels (crosswalks/*.sssom.tsv): a person's label on one taxonomy carried over to
//      another through a mapping row, down-weighted (CROSSWALK_WEIGHT).
// Demo and sample data never train a model: the statements of the bundled demo dataset and of any
// document or dataset marked as sample are left out.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Db } from '../../store/db.ts';
import { checkRows, tables } from '../../store/schema/index.ts';
import type { Taxonomy, TaxonomyRegistry } from '../../taxonomy/index.ts';
import { statementText } from '../embedded/index.ts';
import { loadCrosswalks, type Mapping } from '../../crosswalk/index.ts';
import type { TrainingExample } from './hierarchy.ts';
import { STACK_AXES } from './stack.ts';
import { withDocContext } from '../embedded/doc-context.ts';
import { sourceDocContext, storedDocContext } from '../embedded/doc-sources.ts';

/** The dataset id of the bundled, invented demo corpus (samples/demo.json). */
export const DEMO_DATASET = 'govnav-demo';
/** Weight of a crosswalked label relative to a direct one. */
export const CROSSWALK_WEIGHT = 0.3;
/** Predicates under which a subject's label may stand for the object (the object is as broad or broader). */
const CROSSWALK_PREDICATES = new Set(['skos:exactMatch', 'skos:closeMatch', 'skos:broadMatch']);

export const REPO_DIR = fileURLToPath(new URL('../../../', import.meta.url));

/** SQL condition on documents d (joined with datasets ds) that is true for demo or sample data. */
export const SAMPLE_SQL = `(d.dataset = '${DEMO_DATASET}' OR coalesce(d.meta->>'sample', '') IN ('true', '1', 'yes')
  OR coalesce(ds.meta->>'sample', '') IN ('true', '1', 'yes'))`;

export interface TrainingSet {
  taxonomy: string;
  examples: TrainingExample[];
  /** Examples left out because they are demo or sample data (for the report). */
  excludedSample: number;
  /** Problems met while reading annotation or crosswalk files (the rest is still used). */
  warnings: string[];
}

interface AnnotationItem {
  id: string;
  name: string;
  text: string;
  group?: string;
  language?: string;
  dataset?: string;
  /** The source document's file (corpus items): with the dataset and the group, its document context. */
  file?: string;
  sample?: boolean;
}

function readJsonl(file: string, warnings: string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const v = JSON.parse(line) as unknown;
        if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v as Record<string, unknown>);
        else warnings.push(`${file}:${i + 1}: not a JSON object; skipped`);
      } catch (e) {
        warnings.push(`${file}:${i + 1}: ${(e as Error).message}; skipped`);
      }
    });
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);

/** Items of the annotation pool (annotations/items.jsonl), by id. */
function readItems(dir: string, warnings: string[]): Map<string, AnnotationItem> {
  const file = join(dir, 'items.jsonl');
  const items = new Map<string, AnnotationItem>();
  if (!existsSync(file)) return items;
  for (const r of readJsonl(file, warnings)) {
    const id = str(r.id);
    if (!id) continue;
    const src = (r.source && typeof r.source === 'object' ? r.source : {}) as Record<string, unknown>;
    const name = str(r.name) ?? '';
    const text = str(r.text) ?? str(r.excerpt) ?? '';
    items.set(id, {
      id,
      name,
      text,
      group: str(src.document) ?? str(r.document) ?? str(src.file),
      language: str(r.language) ?? str(src.language),
      dataset: str(src.dataset),
      file: str(src.file),
      sample: src.sample === true || r.sample === true,
    });
  }
  return items;
}

/**
 * The project's annotation from the repository: taxonomy → examples. Labels are
 * `labels[taxonomy].code`; a missing item, an empty code or a code the taxonomy does not know is
 * reported in `warnings` and skipped.
 */
export function annotationExamples(registry: TaxonomyRegistry, repoDir = REPO_DIR): { byTaxonomy: Map<string, TrainingExample[]>; warnings: string[]; excludedSample: number } {
  const warnings: string[] = [];
  const byTaxonomy = new Map<string, TrainingExample[]>();
  const dir = join(repoDir, 'annotations');
  const passDir = join(dir, 'pass1');
  let excludedSample = 0;
  if (!existsSync(passDir)) return { byTaxonomy, warnings, excludedSample };
  const items = readItems(dir, warnings);
  const files = readdirSync(passDir).filter((f) => f.endsWith('.jsonl')).sort();
  const seen = new Set<string>();
  for (const f of files) {
    const file = join(passDir, f);
    for (const r of readJsonl(file, warnings)) {
      const id = str(r.id);
      if (!id) continue;
      if (r.mitigation === false) continue; // not a mitigation: nothing to learn on the mitigation axes
      const item = items.get(id);
      if (!item) {
        warnings.push(`${file}: item "${id}" is not in annotations/items.jsonl; skipped`);
        continue;
      }
      if (item.dataset === DEMO_DATASET || item.sample) {
        excludedSample++;
        continue;
      }
      const labels = (r.labels && typeof r.labels === 'object' ? r.labels : {}) as Record<string, unknown>;
      const codes = recordCodes(registry, labels, (tax, code) => warnings.push(`${file}: item "${id}", ${tax}: "${code}" is not a code of ${tax}; skipped`));
      for (const [tax, resolved] of codes) {
        const key = `${tax}\u0000${id}`;
        if (seen.has(key)) continue; // the first file that labels an item wins
        seen.add(key);
        const list = byTaxonomy.get(tax) ?? [];
        list.push({
          id,
          name: item.name || undefined,
          // with the marks of its document's kind, as production classifies the same statement (doc-context.ts)
          text: withDocContext(statementText({ name: item.name, text: item.text }), sourceDocContext({ dataset: item.dataset ?? '', document: item.group ?? '', file: item.file })),
          code: resolved,
          group: item.group ? `doc:${item.group}` : undefined,
          origin: 'annotation',
          language: item.language,
          aux: otherAxes(registry, codes, tax),
        });
        byTaxonomy.set(tax, list);
      }
    }
  }
  return { byTaxonomy, warnings, excludedSample };
}

/** A record's labels as codes of known taxonomies (an unknown code is reported and left out). */
function recordCodes(registry: TaxonomyRegistry, labels: Record<string, unknown>, bad: (tax: string, code: string) => void): Map<string, string> {
  const out = new Map<string, string>();
  for (const [tax, v] of Object.entries(labels)) {
    if (!registry.has(tax)) continue;
    const code = typeof v === 'string' ? v : str((v as { code?: unknown } | null)?.code);
    if (!code) continue;
    const t = registry.get(tax);
    const resolved = t.has(code) ? code : t.resolve(code);
    if (resolved) out.set(tax, resolved);
    else bad(tax, code);
  }
  return out;
}

/**
 * The same item's labels on the other axes a stacked taxonomy learns from (src/classify/models/stack.ts),
 * special codes ("unable", "99.9 Other") left out; undefined when `tax` is not stacked or none is known.
 */
function otherAxes(registry: TaxonomyRegistry, codes: ReadonlyMap<string, string>, tax: string): Record<string, string> | undefined {
  const want = new Set((STACK_AXES[tax] ?? []).map((s) => s.taxonomy));
  const out: Record<string, string> = {};
  for (const [t, code] of codes) if (t !== tax && want.has(t) && !registry.get(t).node(code).special) out[t] = code;
  return Object.keys(out).length ? out : undefined;
}

/**
 * Mapping rows of crosswalks/*.sssom.tsv between two govnav taxonomies, read by the crosswalk
 * module (which validates every code against the taxonomies); a broken file is a warning here, so
 * training still runs on the rest.
 */
function crosswalkRows(registry: TaxonomyRegistry, repoDir: string, warnings: string[]): Mapping[] {
  try {
    return loadCrosswalks(registry, join(repoDir, 'crosswalks')).flatMap((c) => c.mappings.filter((m) => m.subject.taxonomy && m.object.taxonomy));
  } catch (e) {
    warnings.push(`${(e as Error).message}; crosswalked labels left out`);
    return [];
  }
}

/** A label read from the store with its statement (the columns training needs). */
const storeLabel = z.object({
  statement_id: z.string(),
  taxonomy: z.string(),
  code: z.string(),
  name: z.string(),
  text: z.string(),
  document_id: z.string(),
  language: z.string(),
  source: z.string(),
  sample: z.boolean(),
  doc_type: tables.documents.row.shape.doc_type,
  organisation: tables.documents.row.shape.organisation,
  meta: tables.statements.row.shape.meta,
});
type StoreLabel = z.infer<typeof storeLabel>;

/** Labels a person made or accepted, and the project's annotation, on these taxonomies. */
async function storeLabels(db: Db, taxonomyIds: string[]): Promise<StoreLabel[]> {
  if (!taxonomyIds.length) return [];
  const rows = await db.query(
    `SELECT c.statement_id, c.taxonomy, c.code, s.name, s.text, s.document_id, s.language, c.source, ${SAMPLE_SQL} AS sample,
       d.doc_type, d.organisation, s.meta
     FROM classifications c JOIN statements s ON s.id = c.statement_id JOIN documents d ON d.id = s.document_id
       LEFT JOIN datasets ds ON ds.id = d.dataset
     WHERE s.retired_at IS NULL AND c.taxonomy = ANY($1::text[]) AND c.review_status <> 'rejected'
       AND ((c.is_current AND (c.human OR c.review_status IN ('accepted', 'corrected', 'adjudicated'))) OR c.source = 'annotation')
     ORDER BY c.statement_id, c.is_current DESC, c.created_at DESC, c.id DESC`,
    [taxonomyIds],
  );
  return checkRows(storeLabel, rows, 'training labels');
}

/** What one taxonomy's examples are being collected into. */
interface Collecting {
  examples: TrainingExample[];
  /** Statements already giving an example, and the texts already used (a text counts once). */
  labelled: Set<string>;
  texts: Set<string>;
  excludedSample: number;
}

const originOf = (source: string) => (source === 'annotation' ? 'annotation' : source === 'human' || source === 'imported' ? 'human' : 'reviewed');

/** Record one example of a statement's text (the statement and the text then count as used). */
function addExample(
  c: Collecting,
  r: { statement_id: string; name: string; document_id: string; language: string },
  text: string,
  code: string,
  how: Pick<TrainingExample, 'origin' | 'weight' | 'aux'>,
): void {
  c.labelled.add(r.statement_id);
  c.texts.add(text);
  c.examples.push({ id: r.statement_id, name: r.name || undefined, text, code, group: `doc:${r.document_id}`, ...how, language: r.language });
}

/** Per statement, its labels by taxonomy (the first row of each, as the query orders them: the current one). */
function labelsByStatement(rows: StoreLabel[]): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const r of rows) {
    let m = out.get(r.statement_id);
    if (!m) out.set(r.statement_id, (m = new Map()));
    if (!m.has(r.taxonomy)) m.set(r.taxonomy, r.code);
  }
  return out;
}

/** Step 1: the store's labels on taxonomy `t` (demo and sample data left out and counted). */
function addStoreExamples(c: Collecting, t: Taxonomy, rows: StoreLabel[], registry: TaxonomyRegistry, byStatement: Map<string, Map<string, string>>): void {
  const stacked = !!STACK_AXES[t.id];
  for (const r of rows) {
    if (r.taxonomy !== t.id || c.labelled.has(r.statement_id)) continue;
    if (!t.has(r.code) || t.node(r.code).special) continue;
    if (r.sample) {
      c.excludedSample++;
      continue;
    }
    const text = withDocContext(statementText({ name: r.name, text: r.text }), storedDocContext(r));
    if (!text.trim()) continue;
    const own = stacked ? byStatement.get(r.statement_id) : undefined;
    const aux = own ? otherAxes(registry, own, t.id) : undefined;
    addExample(c, r, text, r.code, { origin: originOf(r.source), ...(aux ? { aux } : {}) });
  }
}

/** Step 3: a current human label on another taxonomy carried to `id` through a crosswalk, for statements with no direct label here. */
async function addCrosswalkExamples(c: Collecting, db: Db, registry: TaxonomyRegistry, id: string, crosswalks: Mapping[]): Promise<void> {
  const maps = crosswalks
    .filter((m) => CROSSWALK_PREDICATES.has(m.predicate))
    .map((m) => ({ s: { taxonomy: registry.get(m.subject.prefix), code: m.subject.code }, o: { taxonomy: registry.get(m.object.prefix), code: m.object.code } }))
    .filter((m) => m.o.taxonomy.id === id && !m.o.taxonomy.node(m.o.code).special);
  if (!maps.length) return;
  const subjectTaxa = [...new Set(maps.map((m) => m.s.taxonomy.id))];
  const src = checkRows(
    storeLabel.omit({ source: true }),
    await db.query(
      `SELECT c.statement_id, c.taxonomy, c.code, s.name, s.text, s.document_id, s.language, ${SAMPLE_SQL} AS sample,
         d.doc_type, d.organisation, s.meta
       FROM classifications c JOIN statements s ON s.id = c.statement_id JOIN documents d ON d.id = s.document_id
         LEFT JOIN datasets ds ON ds.id = d.dataset
       WHERE s.retired_at IS NULL AND c.is_current AND c.human AND c.taxonomy = ANY($1::text[])
       ORDER BY c.statement_id`,
      [subjectTaxa],
    ),
    'crosswalk source labels',
  );
  const target = new Map<string, string>();
  for (const m of maps) target.set(`${m.s.taxonomy.id}\u0000${m.s.code}`, m.o.code);
  for (const r of src) {
    if (r.sample || c.labelled.has(r.statement_id)) continue;
    const code = target.get(`${r.taxonomy}\u0000${r.code}`);
    if (!code) continue;
    const text = withDocContext(statementText({ name: r.name, text: r.text }), storedDocContext(r));
    if (!text.trim() || c.texts.has(text)) continue;
    addExample(c, r, text, code, { origin: 'crosswalk', weight: CROSSWALK_WEIGHT });
  }
}

/** Every training example for these taxonomies. */
export async function collectTrainingSets(
  db: Db,
  registry: TaxonomyRegistry,
  taxonomyIds: string[],
  opts: { repoDir?: string; crosswalks?: boolean } = {},
): Promise<TrainingSet[]> {
  const repoDir = opts.repoDir ?? REPO_DIR;
  // the labels of the other axes a stacked taxonomy learns from are read too (src/classify/models/stack.ts)
  const auxTaxa = taxonomyIds.flatMap((id) => (STACK_AXES[id] ?? []).map((s) => s.taxonomy)).filter((t) => registry.has(t));
  const rows = await storeLabels(db, [...new Set([...taxonomyIds, ...auxTaxa])]);
  const byStatement = labelsByStatement(rows);
  const files = annotationExamples(registry, repoDir);
  const warnings = [...files.warnings];
  const crosswalks = opts.crosswalks === false ? [] : crosswalkRows(registry, repoDir, warnings);
  const out: TrainingSet[] = [];
  for (const id of taxonomyIds) {
    const c: Collecting = { examples: [], labelled: new Set(), texts: new Set(), excludedSample: files.excludedSample };
    addStoreExamples(c, registry.get(id), rows, registry, byStatement);
    // Step 2: the annotation files (the same item imported into the store counts once).
    for (const e of files.byTaxonomy.get(id) ?? []) {
      if (c.texts.has(e.text)) continue;
      c.texts.add(e.text);
      c.examples.push(e);
    }
    await addCrosswalkExamples(c, db, registry, id, crosswalks);
    out.push({ taxonomy: id, examples: c.examples, excludedSample: c.excludedSample, warnings });
  }
  return out;
}
