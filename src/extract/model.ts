// The text model of the role classifier: a multinomial naive Bayes over word uni/bigrams and
// Chinese character bigrams (the tokenisation of the embedded classifier), trained from the
// statement kinds already in the store (risks of the risk repositories, mitigations of the
// mitigation databases, principle sets). It only decides between the three statement kinds; the
// structure and lexicon in roles.ts decide whether a block states anything at all.
import { createHash } from 'node:crypto';
import type { Db } from '../store/index.ts';
import { STATEMENT_KINDS, type StatementKind } from '../model/index.ts';
import { tokenise, wordTerms } from '../classify/embedded/features.ts';
import type { RoleModel } from './roles.ts';
import { queryRows } from '../store/schema/columns.ts';
import { documents, statements } from '../store/schema/tables.ts';

export interface TrainingRow {
  kind: StatementKind;
  text: string;
}

const KINDS = STATEMENT_KINDS as readonly StatementKind[];
const UNIFORM: Record<StatementKind, number> = { mitigation: 1 / 3, principle: 1 / 3, risk: 1 / 3 };

/** No store: the lexicon and structure decide alone (the model's scores are uniform). */
export function defaultRoleModel(): RoleModel {
  return { id: 'lexicon', kindScores: () => ({ ...UNIFORM }) };
}

function terms(text: string): string[] {
  return wordTerms(tokenise(text), 2, true);
}

export interface NaiveBayesRoleModel extends RoleModel {
  /** Training rows per kind. */
  counts: Record<StatementKind, number>;
}

/**
 * Train the kind model. Kinds are weighted equally whatever their row counts (the store holds far
 * more risks than principles); scores are a softmax of the per-term mean log-likelihood, so a long
 * block is not more certain than a short one merely for being long.
 */
export function trainRoleModel(rows: TrainingRow[], id?: string): NaiveBayesRoleModel {
  const counts = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<StatementKind, number>;
  const tf = Object.fromEntries(KINDS.map((k) => [k, new Map<string, number>()])) as Record<StatementKind, Map<string, number>>;
  const totals = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<StatementKind, number>;
  const vocab = new Set<string>();
  for (const r of rows) {
    if (!KINDS.includes(r.kind) || !r.text.trim()) continue;
    counts[r.kind]++;
    // Binary within a row: one long row does not outweigh many short ones.
    for (const t of new Set(terms(r.text))) {
      tf[r.kind].set(t, (tf[r.kind].get(t) ?? 0) + 1);
      totals[r.kind]++;
      vocab.add(t);
    }
  }
  const present = KINDS.filter((k) => counts[k] > 0);
  const alpha = 0.5;
  const V = vocab.size + 1;
  const logp = new Map<string, Float64Array>();
  for (const t of vocab) {
    const v = new Float64Array(KINDS.length);
    KINDS.forEach((k, i) => (v[i] = Math.log(((tf[k].get(t) ?? 0) + alpha) / (totals[k] + alpha * V))));
    logp.set(t, v);
  }
  const unseen = KINDS.map((k) => Math.log(alpha / (totals[k] + alpha * V)));
  const modelId = id ?? hashRows(rows);
  return {
    id: modelId,
    counts,
    kindScores(text: string): Record<StatementKind, number> {
      if (present.length < 2) return { ...UNIFORM };
      const ts = terms(text).filter((t) => vocab.has(t));
      if (!ts.length) return { ...UNIFORM };
      const s = new Float64Array(KINDS.length);
      for (const t of ts) {
        const v = logp.get(t)!;
        for (let i = 0; i < KINDS.length; i++) s[i] += v[i]! - unseen[i]!;
      }
      // Mean evidence per term, sharpened a little, then softmax over the kinds the store has.
      const scale = 2 / Math.sqrt(ts.length);
      let max = -Infinity;
      KINDS.forEach((k, i) => present.includes(k) && (max = Math.max(max, s[i]! * scale)));
      const out = { ...UNIFORM };
      let z = 0;
      KINDS.forEach((k, i) => {
        const e = present.includes(k) ? Math.exp(s[i]! * scale - max) : 0;
        out[k] = e;
        z += e;
      });
      for (const k of KINDS) out[k] /= z;
      return out;
    },
  };
}

function hashRows(rows: TrainingRow[]): string {
  const h = createHash('sha256');
  for (const r of rows) h.update(r.kind).update('\u0001').update(r.text).update('\u0002');
  return `nb-${h.digest('hex').slice(0, 12)}`;
}

const cache = new Map<string, NaiveBayesRoleModel>();

/** A training row: a statement of an imported dataset with its kind and its document's dataset. */
const TRAINING_ROW = statements.row.pick({ kind: true, name: true, text: true, document_id: true }).extend(documents.row.pick({ dataset: true }).shape);

/**
 * Train from the statements of imported datasets in the store (never from ingested documents,
 * whose kinds came from this classifier). Cached by a hash of the training rows.
 */
export async function roleModelFromStore(db: Db, opts: { excludeDocuments?: string[]; excludeDatasets?: string[] } = {}): Promise<RoleModel> {
  const rows = await queryRows(
    db,
    TRAINING_ROW,
    `SELECT s.kind, s.name, s.text, s.document_id, d.dataset FROM statements s JOIN documents d ON d.id = s.document_id
      WHERE d.dataset <> 'ingest' AND s.retired_at IS NULL ORDER BY s.id`,
    [],
    'role model training statements',
  );
  const skip = new Set(opts.excludeDocuments ?? []);
  const skipDs = new Set(opts.excludeDatasets ?? []);
  const training: TrainingRow[] = rows
    .filter((r) => !skip.has(r.document_id) && !skipDs.has(r.dataset))
    .map((r) => ({ kind: r.kind, text: [r.name, r.text].filter(Boolean).join('. ') }));
  if (!training.length) return defaultRoleModel();
  const id = hashRows(training);
  const hit = cache.get(id);
  if (hit) return hit;
  const m = trainRoleModel(training, id);
  if (cache.size > 4) cache.delete(cache.keys().next().value!);
  cache.set(id, m);
  return m;
}
