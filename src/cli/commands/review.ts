// `govnav review list|next|accept|reject|correct|stats`: human review of machine labels.
import { Option, type Command } from 'commander';
import type { QueueItem, ReviewStatsRow } from '../../review/index.ts';

interface FilterFlags {
  taxonomy?: string[];
  source?: string[];
  model?: string;
  maxConfidence?: string;
  where?: string;
  limit?: string;
  order?: string;
}

/** Repeatable, comma-separated option values. */
const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((x) => x.trim()).filter(Boolean)];

function addFilterOptions(cmd: Command, defaultLimit?: string): Command {
  return cmd
    .option('--taxonomy <id>', 'only labels of this taxonomy (repeat or comma-separate for several)', collect)
    .addOption(new Option('--source <source>', 'only labels from this source: llm, embedded or imported (repeatable)').argParser(collect))
    .option('--model <model>', 'only labels made by this model')
    .option('--max-confidence <x>', 'only labels with confidence at most x (0..1; unknown confidence counts as 0)')
    .option('--where <query>', 'filter the statements with the search query model, e.g. "risk-domain=2&kind=mitigation"')
    .addOption(new Option('--order <order>', 'lowest confidence first, or by label id').choices(['confidence', 'id']).default('confidence'))
    .option('--limit <n>', 'at most n labels', defaultLimit);
}

/** --reviewer, else $GOVNAV_REVIEWER, else the OS user name. */
async function reviewer(flag?: string): Promise<string> {
  const { reviewerName } = await import('../../review/index.ts');
  const { userInfo } = await import('node:os');
  return reviewerName(flag, process.env, () => userInfo().username);
}

/** Run a review action, turning the review module's input errors into CLI user errors. */
async function run<T>(fn: () => Promise<T>): Promise<T> {
  const { UserError } = await import('../main.ts');
  const { ReviewError } = await import('../../review/index.ts');
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ReviewError) throw new UserError(e.message);
    throw e;
  }
}

function parseIds(raw: string[]): number[] {
  return raw.map((r) => {
    const n = Number(r.replace(/^#/, ''));
    if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`"${r}" is not a label id (a positive whole number, as shown by \`govnav review list\`).`);
    return n;
  });
}

const clip = (s: string, n: number) => ([...s].length <= n ? s : [...s].slice(0, n - 1).join('') + '…');

/** The rows of the `review list` table (without the header). */
export function listRows(items: QueueItem[], width = 120): string[][] {
  const nameRoom = Math.max(20, Math.min(60, width - 90));
  return items.map((i) => [
    String(i.labelId),
    i.statementId,
    i.taxonomy,
    clip(`${i.code} ${i.codeName}`, 36),
    i.confidence === null ? '-' : i.confidence.toFixed(2),
    clip(i.model ? `${i.source}/${i.model}` : i.source, 28),
    clip((i.statementName || i.text).replace(/\s+/g, ' '), nameRoom),
  ]);
}

export const LIST_HEADERS = ['label', 'statement', 'taxonomy', 'code', 'conf', 'source/model', 'statement name'];

/** The rows of the `review stats` table. */
export function statsRows(rows: ReviewStatsRow[]): string[][] {
  return rows.map((r) => [
    r.taxonomy,
    r.source,
    String(r.machine),
    String(r.pending),
    String(r.reviewed),
    String(r.accepted),
    String(r.corrected),
    String(r.rejected),
    r.acceptanceRate === null ? '-' : `${(r.acceptanceRate * 100).toFixed(1)}%`,
  ]);
}

export const STATS_HEADERS = ['taxonomy', 'source', 'machine', 'pending', 'reviewed', 'accepted', 'corrected', 'rejected', 'accept rate'];

export function register(program: Command): void {
  const review = program
    .command('review')
    .description('Human review of machine labels: list the queue, accept, reject or correct labels, and see the tallies.')
    .addHelpText(
      'after',
      '\nThe queue holds current labels made by a machine (LLM, embedded classifier) that nobody has reviewed,\n' +
        'lowest confidence first. Decisions record the reviewer (--reviewer, else $GOVNAV_REVIEWER, else your\n' +
        'user name) and the time. Examples:\n' +
        '  govnav review list --taxonomy risk-domain --max-confidence 0.6\n' +
        '  govnav review list --where "kind=mitigation&mitigation-v2=2" --json\n' +
        '  govnav review next --source llm\n' +
        '  govnav review accept 812 815\n' +
        '  govnav review correct 813 2.1 --reason "about data governance, not security"\n' +
        '  govnav review stats',
    );

  listCommand(review);
  nextCommand(review);

  for (const action of ['accept', 'reject'] as const) {
    review
      .command(`${action} <label-id...>`)
      .description(
        action === 'accept'
          ? 'Accept machine labels as right (they stay current and count as reviewed).'
          : 'Reject machine labels as wrong (the next best label, if any, becomes current).',
      )
      .option('--reviewer <name>', 'who is reviewing')
      .option('--force', 'decide again on labels that were already reviewed')
      .option('--json', 'print JSON')
      .action(async (ids: string[], opts: { reviewer?: string; force?: boolean; json?: boolean }) => {
        const { withCliStore } = await import('../store.ts');
        const { decide } = await import('../../review/index.ts');
        const labelIds = parseIds(ids);
        const who = await reviewer(opts.reviewer);
        await run(() =>
          withCliStore(async (store) => {
            const out = await decide(store.db, action, labelIds, who, { force: opts.force });
            if (opts.json) return void console.log(JSON.stringify(out, null, 2));
            for (const d of out) {
              const cur = d.currentAfter ? `current: label ${d.currentAfter.labelId} (${d.currentAfter.code})` : 'no current label';
              console.log(`${action}ed label ${d.labelId} (${d.statementId} ${d.taxonomy} ${d.code}) · ${cur}`);
            }
            console.log(`${out.length} label${out.length === 1 ? '' : 's'} ${action}ed by ${who}.`);
          }),
        );
      });
  }

  correctCommand(review);
  statsCommand(review);
}

function listCommand(review: Command): void {
  addFilterOptions(review.command('list').description('List the labels waiting for review.'), '50')
    .option('--json', 'print JSON')
    .action(async (opts: FilterFlags & { json?: boolean }) => {
      const { withCliStore } = await import('../store.ts');
      const { table } = await import('../progress.ts');
      const { queueFilter, reviewQueue } = await import('../../review/index.ts');
      await run(() =>
        withCliStore(async (store) => {
          const filter = queueFilter(store.taxonomies, { ...filterOpts(opts), limit: opts.limit });
          const { total, items } = await reviewQueue(store.db, store.taxonomies, filter);
          if (opts.json) {
            console.log(JSON.stringify({ total, items }, null, 2));
            return;
          }
          if (!items.length) {
            console.log(total ? `${total} labels match, none on this page.` : 'Nothing to review: no unreviewed machine label matches.');
            return;
          }
          console.log(table(LIST_HEADERS, listRows(items, process.stdout.columns || 120)));
          console.log(`\n${items.length} of ${total} unreviewed machine label${total === 1 ? '' : 's'}` +
            (items.length < total ? ' (use --limit for more)' : '') +
            '. Decide with `govnav review accept|reject <label-id…>` or `govnav review correct <label-id> <code>`.');
        }),
      );
    });
}

function nextCommand(review: Command): void {
  addFilterOptions(review.command('next').description('Review the queue interactively, one label at a time (needs a terminal).'))
    .option('--reviewer <name>', 'who is reviewing')
    .action(async (opts: FilterFlags & { reviewer?: string }) => {
      const { UserError } = await import('../main.ts');
      if (!process.stdin.isTTY || !process.stdout.isTTY)
        throw new UserError(
          '`govnav review next` is interactive and needs a terminal (stdin and stdout are not both a TTY). ' +
            'For scripts use `govnav review list [--json]`, then `govnav review accept|reject <label-id…>` ' +
            'or `govnav review correct <label-id> <code>`.',
        );
      const { withCliStore } = await import('../store.ts');
      const { queueFilter } = await import('../../review/index.ts');
      const { reviewLoop } = await import('../../review/interactive.ts');
      const who = await reviewer(opts.reviewer);
      await run(() =>
        withCliStore(async (store) => {
          const filter = queueFilter(store.taxonomies, { ...filterOpts(opts), limit: opts.limit });
          await reviewLoop({
            db: store.db,
            registry: store.taxonomies,
            reviewer: who,
            filter,
            input: process.stdin,
            output: process.stdout,
            width: Math.min(process.stdout.columns || 80, 110),
            terminal: true,
          });
        }),
      );
    });
}

function correctCommand(review: Command): void {
  review
    .command('correct <label-id> <code>')
    .description('Replace a machine label by a human label with another code of the same taxonomy.')
    .option('--reason <text>', 'why (kept as the human label\'s reasoning, at most 500 characters)')
    .option('--reviewer <name>', 'who is reviewing')
    .option('--force', 'correct a label that was already reviewed')
    .option('--json', 'print JSON')
    .action(async (id: string, code: string, opts: { reason?: string; reviewer?: string; force?: boolean; json?: boolean }) => {
      const { withCliStore } = await import('../store.ts');
      const { correctLabel } = await import('../../review/index.ts');
      const [labelId] = parseIds([id]);
      const who = await reviewer(opts.reviewer);
      await run(() =>
        withCliStore(async (store) => {
          const d = await correctLabel(store.db, store.taxonomies, labelId!, code, who, { reason: opts.reason, force: opts.force });
          if (opts.json) return void console.log(JSON.stringify(d, null, 2));
          const t = store.taxonomies.get(d.taxonomy);
          console.log(
            `corrected label ${d.labelId} (${d.statementId} ${d.taxonomy}): ${d.code} ${t.nodes.get(d.code)?.name.en ?? ''} → ` +
              `${d.newCode} ${t.name(d.newCode!)} · new human label ${d.humanLabelId} by ${who} is current.`,
          );
        }),
      );
    });
}

function statsCommand(review: Command): void {
  review
    .command('stats')
    .description('Per taxonomy and source: machine labels, pending, reviewed, accepted, corrected, rejected, acceptance rate.')
    .option('--taxonomy <id>', 'only this taxonomy (repeatable)', collect)
    .option('--json', 'print JSON')
    .action(async (opts: { taxonomy?: string[]; json?: boolean }) => {
      const { withCliStore } = await import('../store.ts');
      const { table } = await import('../progress.ts');
      const { reviewStats, queueFilter } = await import('../../review/index.ts');
      await run(() =>
        withCliStore(async (store) => {
          const f = queueFilter(store.taxonomies, { taxonomies: opts.taxonomy });
          const rows = await reviewStats(store.db, { taxonomies: f.taxonomies });
          if (opts.json) return void console.log(JSON.stringify(rows, null, 2));
          if (!rows.length) return void console.log('No machine labels in the database yet (run `govnav classify`).');
          console.log(table(STATS_HEADERS, statsRows(rows)));
          const sum = (k: 'machine' | 'reviewed' | 'accepted') => rows.reduce((a, r) => a + r[k], 0);
          const rev = sum('reviewed');
          console.log(
            `\n${rev} of ${sum('machine')} machine labels reviewed` +
              (rev ? `; ${((100 * sum('accepted')) / rev).toFixed(1)}% accepted as they were.` : '.'),
          );
        }),
      );
    });
}

function filterOpts(o: FilterFlags) {
  return { taxonomies: o.taxonomy, sources: o.source, model: o.model, maxConfidence: o.maxConfidence, where: o.where, order: o.order };
}
