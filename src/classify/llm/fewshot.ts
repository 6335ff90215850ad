// Few-shot examples for LLM prompts: the annotated items nearest to a statement, by TF-IDF cosine.
// The vectors are those of the baseline (lower-cased word 1–2 grams, smooth idf, l2 norm), plus
// character bigrams of Chinese text (written without spaces, it would otherwise be one long "word").
// The statement itself (same id, or the same text) is never its own example.
import { z } from 'zod';
import { queryRows, type Queryable } from '../../store/schema/index.ts';
import { baselineTokens } from '../baseline/index.ts';

export interface FewShotExample {
  id?: string;
  name: string;
  text: string;
  code: string;
}

const HAN = /[\p{Script=Han}]+/gu;

/** Baseline tokens plus Han character bigrams (and single characters of one-character runs). */
export function fewShotTokens(text: string): string[] {
  const out = baselineTokens(text);
  for (const run of text.match(HAN) ?? []) {
    if (run.length === 1) out.push(run);
    for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
  }
  return out;
}

const norm = (s: string) => s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
const joined = (e: { name: string; text: string }) => (e.name && !e.text.startsWith(e.name) ? `${e.name} ${e.text}` : e.text || e.name);

type Vec = Map<string, number>;

export class FewShotIndex {
  private readonly idf = new Map<string, number>();
  private readonly vecs: Vec[];
  private readonly keys: string[];

  constructor(readonly examples: readonly FewShotExample[]) {
    const df = new Map<string, number>();
    const toks = examples.map((e) => fewShotTokens(joined(e)));
    for (const t of toks) for (const w of new Set(t)) df.set(w, (df.get(w) ?? 0) + 1);
    const n = examples.length;
    for (const [w, d] of df) this.idf.set(w, Math.log((1 + n) / (1 + d)) + 1);
    this.vecs = toks.map((t) => this.vector(t));
    this.keys = examples.map((e) => norm(e.text));
  }

  private vector(tokens: string[]): Vec {
    const v: Vec = new Map();
    for (const w of tokens) {
      const idf = this.idf.get(w);
      if (idf !== undefined) v.set(w, (v.get(w) ?? 0) + idf);
    }
    let sq = 0;
    for (const x of v.values()) sq += x * x;
    const len = Math.sqrt(sq);
    if (len > 0) for (const [w, x] of v) v.set(w, x / len);
    return v;
  }

  /** The k examples most similar to the statement (ties: earlier example first), excluding the statement itself. */
  nearest(q: { id?: string; name: string; text: string }, k: number): (FewShotExample & { similarity: number })[] {
    if (k <= 0 || !this.examples.length) return [];
    const qv = this.vector(fewShotTokens(joined(q)));
    const qk = norm(q.text);
    const scored: { i: number; s: number }[] = [];
    this.vecs.forEach((v, i) => {
      const e = this.examples[i]!;
      if ((q.id !== undefined && e.id === q.id) || (qk && this.keys[i] === qk)) return;
      let s = 0;
      const [small, large] = v.size < qv.size ? [v, qv] : [qv, v];
      for (const [w, x] of small) {
        const y = large.get(w);
        if (y !== undefined) s += x * y;
      }
      scored.push({ i, s });
    });
    scored.sort((a, b) => b.s - a.s || a.i - b.i);
    return scored.slice(0, k).map(({ i, s }) => ({ ...this.examples[i]!, similarity: s }));
  }
}

/**
 * The annotated examples of one taxonomy in the store: statements of the govnav-annotations dataset
 * with their 'annotation' label on it (the newest, when there are several), special codes left out.
 * For `classify --provider`: build a FewShotIndex from them and set each input's `examples`.
 */
export async function annotatedExamples(
  db: Queryable,
  taxonomy: string,
): Promise<FewShotExample[]> {
  const rows = await queryRows(
    db,
    z.object({ id: z.string(), name: z.string(), text: z.string(), code: z.string() }),
    `SELECT DISTINCT ON (s.id) s.id, s.name, s.text, c.code
     FROM classifications c JOIN statements s ON s.id = c.statement_id JOIN documents d ON d.id = s.document_id
     JOIN taxonomy_nodes n ON n.taxonomy = c.taxonomy AND n.code = c.code
     WHERE c.taxonomy = $1 AND c.source = 'annotation' AND d.dataset = 'govnav-annotations'
       AND s.retired_at IS NULL AND d.retired_at IS NULL AND n.special IS NULL
     ORDER BY s.id, c.created_at DESC, c.id DESC`,
    [taxonomy],
    'annotated examples',
  );
  return rows.map((r) => ({ id: r.id, name: r.name, text: r.text, code: r.code }));
}

/**
 * Few-shot examples for `classify --provider`, from the annotated set in the store: one index per
 * taxonomy, built on first use. Wire it in by setting `input.examples = await examplesFor(input, taxonomy)`
 * before the classifier renders the prompt. A statement of the annotated set never gets itself.
 */
export function storeFewShot(
  db: Queryable,
  k = 6,
): (input: { id?: string; name: string; text: string }, taxonomy: string) => Promise<FewShotExample[]> {
  const indexes = new Map<string, Promise<FewShotIndex>>();
  return async (input, taxonomy) => {
    let idx = indexes.get(taxonomy);
    if (!idx) indexes.set(taxonomy, (idx = annotatedExamples(db, taxonomy).then((ex) => new FewShotIndex(ex))));
    return (await idx).nearest(input, k).map(({ id, name, text, code }) => ({ id, name, text, code }));
  };
}
