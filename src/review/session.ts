// A reviewer's decisions in one sitting (the interactive `govnav review next` loop), so that the
// last ones can be undone.
import type { Db } from '../store/db.ts';
import type { TaxonomyRegistry } from '../taxonomy/index.ts';
import { correctLabel, decide, undoDecision, type Decision } from './decisions.ts';

/** A reviewer's decisions in one sitting, so that the last ones can be undone. */
export class ReviewSession {
  readonly decisions: Decision[] = [];
  constructor(
    readonly db: Db,
    readonly registry: TaxonomyRegistry,
    readonly reviewer: string,
  ) {}
  async accept(labelId: number): Promise<Decision> {
    const [d] = await decide(this.db, 'accept', [labelId], this.reviewer);
    this.decisions.push(d!);
    return d!;
  }
  async reject(labelId: number): Promise<Decision> {
    const [d] = await decide(this.db, 'reject', [labelId], this.reviewer);
    this.decisions.push(d!);
    return d!;
  }
  async correct(labelId: number, code: string, reason?: string): Promise<Decision> {
    const d = await correctLabel(this.db, this.registry, labelId, code, this.reviewer, { reason });
    this.decisions.push(d);
    return d;
  }
  /** Undo the last decision of this session; undefined when there is none. */
  async undo(): Promise<Decision | undefined> {
    const d = this.decisions.at(-1);
    if (!d) return undefined;
    await undoDecision(this.db, d);
    this.decisions.pop();
    return d;
  }
}
