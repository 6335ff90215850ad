// An LLM provider as a learner of the evaluation: "training" on the training folds means only that the
// few-shot examples of each prompt are drawn from them (the nearest annotated items by TF-IDF cosine).
// Every test item is one classification request; an abstention or a request that fails (after the
// client's retries, and one retry with the error for a malformed answer) is scored as "(none)".
import type { LlmClassifier } from '../classify/llm/classifier.ts';
import { ClassificationFailure } from '../classify/llm/errors.ts';
import { FewShotIndex } from '../classify/llm/fewshot.ts';
import type { StatementKind } from '../model/index.ts';
import type { Taxonomy } from '../taxonomy/index.ts';
import { NO_LABEL, type Learner, type Prediction, type TestItem, type TrainExample } from './csv-eval.ts';
import { PROTOCOL } from './defaults.ts';

export interface LlmLearnerOptions {
  /** Few-shot examples per prompt (0 = none). */
  k?: number;
  /** Statement kind sent in the prompt (default: the first kind the taxonomy applies to). */
  kind?: StatementKind;
  /** Called with each failure (item id, reason). */
  onFailure?: (id: string | undefined, reason: string) => void;
}

export function llmLearner(classifier: LlmClassifier, taxonomy: Taxonomy, opts: LlmLearnerOptions = {}): Learner {
  const k = opts.k ?? PROTOCOL.fewShotK;
  const kind: StatementKind = opts.kind ?? ((taxonomy.data.appliesTo?.[0] as StatementKind | undefined) ?? 'mitigation');
  return {
    name: classifier.name,
    fit(train: TrainExample[]) {
      const index = new FewShotIndex(train.map((e) => ({ id: e.id, name: e.name ?? '', text: e.body ?? e.text, code: e.code })));
      return async (texts: string[], items?: TestItem[]): Promise<Prediction[]> =>
        Promise.all(
          texts.map(async (text, i) => {
            const it = items?.[i];
            const name = it?.name ?? '';
            const body = it?.body ?? text;
            const examples = index.nearest({ id: it?.id, name, text: body }, k).map(({ id, name: n, text: t, code }) => ({ id, name: n, text: t, code }));
            try {
              const r = await classifier.classify({ id: it?.id, kind, name, text: body, language: it?.language, examples }, taxonomy.id);
              return r.code ? { label: r.code, confidence: r.confidence } : { label: NO_LABEL, abstained: true, confidence: r.confidence };
            } catch (e) {
              if (!(e instanceof ClassificationFailure)) throw e;
              opts.onFailure?.(it?.id, e.message);
              return { label: NO_LABEL, abstained: true, failed: true };
            }
          }),
        );
    },
  };
}
