// A topic-linking job: link pending statements to the lexicon. Linking is written in batches, each
// its own transaction, and a linked statement is no longer pending, so a retry continues where the
// killed attempt stopped.
import type { JobContext } from '../types.ts';

export interface TopicsLinkJobParams {
  rebuild?: boolean;
}

export async function topicsLinkJob(ctx: JobContext): Promise<unknown> {
  const { linkPending } = await import('../../topics/link.ts');
  const p = ctx.job.params as TopicsLinkJobParams;
  // A rebuild relinks everything once: later attempts only finish what is pending.
  const rebuild = !!p.rebuild && !ctx.job.checkpoint.rebuilt;
  if (rebuild) await ctx.store.db.transaction((tx) => ctx.saveCheckpoint(tx, { rebuilt: true }));
  const report = await linkPending(ctx.store.db, {
    rebuild,
    onProgress: (done, total) => ctx.progress({ done, total, message: 'linking statements to topics' }),
  });
  return report;
}
