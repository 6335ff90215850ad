// The reference point for the embedded classifier: what a data scientist builds in ten minutes.
// TF-IDF over lower-cased word 1–2 grams (tokens of 2+ word characters), smooth idf, l2 norm,
// then a one-vs-rest linear SVM (squared hinge, C = 1, intercept), trained by dual coordinate descent.
import { argmax, l2normalise, linearScores, sparseFromMap, trainOvrSvm, type SparseVec } from '../embedded/sparse.ts';

const TOKEN = /[\p{L}\p{N}_]{2,}/gu;

export function baselineTokens(text: string): string[] {
  const words = text.toLowerCase().match(TOKEN) ?? [];
  const out = [...words];
  for (let i = 0; i + 1 < words.length; i++) out.push(`${words[i]} ${words[i + 1]}`);
  return out;
}

export class TfidfVectorizer {
  vocab = new Map<string, number>();
  idf: Float64Array = new Float64Array(0);

  constructor(private readonly tokens: (text: string) => string[] = baselineTokens) {}

  fit(texts: string[]): this {
    const df = new Map<string, number>();
    for (const t of texts) for (const tok of new Set(this.tokens(t))) df.set(tok, (df.get(tok) ?? 0) + 1);
    const terms = [...df.keys()].sort();
    this.vocab = new Map(terms.map((t, i) => [t, i]));
    const n = texts.length;
    this.idf = new Float64Array(terms.length);
    // smooth idf: ln((1 + n) / (1 + df)) + 1
    terms.forEach((t, i) => (this.idf[i] = Math.log((1 + n) / (1 + df.get(t)!)) + 1));
    return this;
  }

  get dim(): number {
    return this.vocab.size;
  }

  transform(text: string): SparseVec {
    const m = new Map<number, number>();
    for (const tok of this.tokens(text)) {
      const j = this.vocab.get(tok);
      if (j !== undefined) m.set(j, (m.get(j) ?? 0) + 1);
    }
    for (const [j, c] of m) m.set(j, c * this.idf[j]);
    return l2normalise(sparseFromMap(m));
  }
}

export interface BaselineModel {
  classes: string[];
  predict(texts: string[]): string[];
  scores(text: string): Float64Array;
}

/** Train the TF-IDF + linear SVM baseline on labelled texts. */
export function trainBaseline(texts: string[], labels: string[], opts: { C?: number; seed?: number } = {}): BaselineModel {
  if (texts.length !== labels.length) throw new Error('baseline: texts and labels differ in length');
  if (texts.length === 0) throw new Error('baseline: no training examples');
  const vec = new TfidfVectorizer().fit(texts);
  const classes = [...new Set(labels)].sort();
  const ci = new Map(classes.map((c, i) => [c, i]));
  const X = texts.map((t) => vec.transform(t));
  const y = Int32Array.from(labels, (l) => ci.get(l)!);
  const W =
    classes.length === 1 ? [] : trainOvrSvm(X, y, classes.length, vec.dim, { C: opts.C ?? 1, tol: 1e-4, seed: opts.seed ?? 1 });
  const scores = (text: string): Float64Array => {
    if (classes.length === 1) return Float64Array.of(1);
    return linearScores(vec.transform(text), W, vec.dim);
  };
  return {
    classes,
    scores,
    predict: (ts) => ts.map((t) => classes[argmax(scores(t))]),
  };
}
