// The interactive review loop behind `govnav review next`. Its input and output are streams given
// by the caller (the terminal in the CLI, in-memory streams in tests); it never touches `process`.
// One label at a time: the statement, the proposed label with its evidence, then a decision.
import { createInterface } from 'node:readline/promises';
import type { Db } from '../store/db.ts';
import type { Taxonomy, TaxonomyRegistry } from '../taxonomy/index.ts';
import {
  labelDetails,
  reviewQueue,
  ReviewError,
  ReviewSession,
  roundConfidence,
  siblingLabels,
  type Decision,
  type QueueFilter,
  type QueueItem,
} from './index.ts';

export interface LoopOptions {
  db: Db;
  registry: TaxonomyRegistry;
  reviewer: string;
  filter?: QueueFilter;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Columns to wrap text to (default 80). */
  width?: number;
  /** Let readline treat the streams as a terminal (line editing); false for pipes and tests. */
  terminal?: boolean;
}

export interface LoopSummary {
  /** Labels in the queue when the session started. */
  queued: number;
  accepted: number;
  rejected: number;
  corrected: number;
  skipped: number;
  undone: number;
  /** Decisions still standing at the end (after undos). */
  decisions: Decision[];
  /** Why the loop ended. */
  ended: 'quit' | 'empty' | 'limit' | 'eof';
}

const HELP = `  a  accept the proposed label
  r  reject it (the next best label becomes current, if any)
  c  <code> [reason]  correct it to another code of the taxonomy (a human label)
  s  skip it for this session
  u  undo your last decision
  ?  list the taxonomy's codes
  q  quit`;

/** Wrap text to `width` columns, every line prefixed with `indent`. */
export function wrap(text: string, width: number, indent = ''): string {
  const room = Math.max(20, width - indent.length);
  const out: string[] = [];
  for (const para of text.replace(/\r\n?/g, '\n').split('\n')) {
    const words = para.split(/\s+/).filter(Boolean);
    let line = '';
    for (let w of words) {
      while ([...w].length > room) {
        if (line) out.push(indent + line), (line = '');
        out.push(indent + [...w].slice(0, room).join(''));
        w = [...w].slice(room).join('');
      }
      if (!line) line = w;
      else if ([...line].length + 1 + [...w].length <= room) line += ' ' + w;
      else out.push(indent + line), (line = w);
    }
    out.push(indent + line);
  }
  while (out.length > 1 && out.at(-1)!.trim() === '') out.pop();
  return out.join('\n');
}

function clip(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : chars.slice(0, n - 1).join('') + '…';
}

/** The screen for one label. */
export function renderItem(
  item: QueueItem,
  t: Taxonomy | undefined,
  others: { id: number; code: string; source: string; human: boolean; review_status: string; confidence: number | null; is_current: boolean }[],
  width: number,
  position: string,
): string {
  const lines: string[] = [];
  const rule = '─'.repeat(Math.min(width, 100));
  lines.push(rule);
  lines.push(wrap(`${position}  label ${item.labelId} · ${item.taxonomy} · statement ${item.statementId} (${item.kind})`, width));
  lines.push('');
  if (item.statementName) lines.push(wrap(item.statementName, width));
  if (item.text && item.text !== item.statementName) lines.push(wrap(item.text, width, '  '));
  const where = [item.documentTitle + ` (${item.documentId})`, item.documentOrganisation].filter(Boolean).join(' · ');
  lines.push(wrap(`document: ${where}`, width));
  if (item.headingPath.length) lines.push(wrap(`section: ${item.headingPath.join(' › ')}`, width));
  const loc = [item.page !== null ? `p. ${item.page}` : '', item.locatorRef ?? ''].filter(Boolean).join(' · ');
  if (loc) lines.push(`location: ${loc}`);
  lines.push('');
  lines.push(wrap(`proposed: ${item.code}  ${item.codeName}`, width));
  const node = t?.nodes.get(item.code);
  if (node?.path.length) lines.push(wrap(`under: ${node.path.map((c) => `${c} ${t!.name(c)}`).join(' › ')}`, width, '  '));
  if (node?.description?.en) lines.push(wrap(node.description.en, width, '  '));
  if (item.secondary.length)
    lines.push(wrap(`also: ${item.secondary.map((c) => `${c} ${t?.nodes.get(c)?.name.en ?? ''}`.trim()).join(', ')}`, width));
  if (item.reasoning) lines.push(wrap(`reasoning: ${item.reasoning}`, width));
  const prov = [
    item.confidence !== null ? `confidence ${item.confidence.toFixed(2)}` : 'confidence unknown',
    item.source,
    item.model ? `model ${item.model}${item.modelVersion ? ` ${item.modelVersion}` : ''}` : '',
    item.promptVersion ? `prompt ${item.promptVersion}` : '',
    item.runId ? `run ${item.runId}` : '',
    `labelled ${new Date(item.createdAt).toISOString().slice(0, 10)}`,
  ].filter(Boolean);
  lines.push(wrap(prov.join(' · '), width));
  const rest = others.filter((o) => o.id !== item.labelId);
  if (rest.length) {
    lines.push(
      wrap(
        'other labels: ' +
          rest
            .slice(0, 5)
            .map((o) => {
              const c = roundConfidence(o.confidence);
              return `${o.code} (${o.human ? 'human ' : ''}${o.source}${c !== null ? ` ${c.toFixed(2)}` : ''}, ${o.review_status})`;
            })
            .join('; ') +
          (rest.length > 5 ? '; …' : ''),
        width,
      ),
    );
  }
  return lines.join('\n');
}

/** The taxonomy's assignable codes, one per line, with the proposed one marked. */
export function renderCodes(t: Taxonomy, proposed: string, width: number): string {
  return t
    .assignableCodes()
    .map((c) => {
      const n = t.node(c);
      return clip(`${c === proposed ? '→' : ' '} ${'  '.repeat(n.level - 1)}${c}  ${n.name.en}`, width);
    })
    .join('\n');
}

/** What the loop keeps between labels. */
interface LoopState {
  db: Db;
  registry: TaxonomyRegistry;
  session: ReviewSession;
  counts: { accepted: number; rejected: number; corrected: number; skipped: number; undone: number };
  skipped: number[];
  shown: number;
  width: number;
  say: (s: string) => void;
  ask: (prompt: string) => Promise<string | null>;
}

/** After an answer: ask again about the same label, go on to the next, or end the loop. */
type Step = 'again' | 'next' | 'eof' | 'quit';

/** `c [code [reason]]`: asks for the code (and a reason) when not given on the line. */
async function correctLabel(st: LoopState, item: QueueItem, t: Taxonomy | undefined, words: string[]): Promise<Step> {
  let code = words[0];
  let reason = words.slice(1).join(' ');
  if (!code) {
    const c = await st.ask(`code of ${item.taxonomy} (? lists them) > `);
    if (c === null) return 'eof';
    if (c.trim() === '?') {
      if (t) st.say(renderCodes(t, item.code, st.width));
      return 'again';
    }
    code = c.trim();
    if (!code) return 'again';
    const r = await st.ask('reason (optional) > ');
    reason = r ?? '';
  }
  const d = await st.session.correct(item.labelId, code, reason || undefined);
  st.counts.corrected++;
  st.say(`corrected: ${item.code} → ${d.newCode} ${t?.nodes.get(d.newCode!)?.name.en ?? ''}`.trimEnd());
  return 'next';
}

async function undoLast(st: LoopState): Promise<Step> {
  const d = await st.session.undo();
  if (!d) {
    st.say('nothing to undo in this session.');
    return 'again';
  }
  if (d.action === 'accept') st.counts.accepted--;
  else if (d.action === 'reject') st.counts.rejected--;
  else st.counts.corrected--;
  st.counts.undone++;
  st.shown--;
  st.say(`undone: ${d.action} of label ${d.labelId}.`);
  return 'next';
}

/** Carry out one answer about the label on screen; a ReviewError is shown and the question asked again. */
async function answerItem(st: LoopState, item: QueueItem, t: Taxonomy | undefined, answer: string): Promise<Step> {
  const [cmd = '', ...restWords] = answer.trim().split(/\s+/);
  try {
    switch (cmd.toLowerCase()) {
      case '':
        return 'again';
      case 'a':
      case 'accept':
        await st.session.accept(item.labelId);
        st.counts.accepted++;
        st.say(`accepted: ${item.code} ${item.codeName}`);
        return 'next';
      case 'r':
      case 'reject': {
        const d = await st.session.reject(item.labelId);
        st.counts.rejected++;
        st.say(`rejected. ${await describeCurrent(st.db, st.registry, d)}`);
        return 'next';
      }
      case 'c':
      case 'correct':
        return await correctLabel(st, item, t, restWords);
      case 's':
      case 'skip':
        st.skipped.push(item.labelId);
        st.counts.skipped++;
        return 'next';
      case 'u':
      case 'undo':
        return await undoLast(st);
      case '?':
      case 'codes':
        st.say(t ? renderCodes(t, item.code, st.width) : `taxonomy "${item.taxonomy}" is not shipped with this version.`);
        return 'again';
      case 'h':
      case 'help':
        st.say(HELP);
        return 'again';
      case 'q':
      case 'quit':
        return 'quit';
      default:
        st.say(`"${clip(answer.trim(), 40)}" is not a choice.\n${HELP}`);
        return 'again';
    }
  } catch (e) {
    if (e instanceof ReviewError) {
      st.say(wrap(e.message, st.width));
      return 'again';
    }
    throw e;
  }
}

/**
 * Run the review loop until the queue is empty, the reviewer quits, the input ends, or `filter.limit`
 * labels have been shown. Each decision is its own transaction; `u` undoes the last one.
 */
export async function reviewLoop(opts: LoopOptions): Promise<LoopSummary> {
  const { db, registry, output } = opts;
  const filter: QueueFilter = { ...(opts.filter ?? {}) };
  const maxShown = filter.limit;
  delete filter.limit;
  delete filter.offset;
  const rl = createInterface({ input: opts.input, output, terminal: opts.terminal ?? false });
  const lines = rl[Symbol.asyncIterator]();
  const st: LoopState = {
    db,
    registry,
    session: new ReviewSession(db, registry, opts.reviewer),
    counts: { accepted: 0, rejected: 0, corrected: 0, skipped: 0, undone: 0 },
    skipped: [],
    shown: 0,
    width: Math.max(40, opts.width ?? 80),
    say: (s: string) => output.write(s + '\n'),
    ask: async (prompt: string) => {
      rl.setPrompt(prompt);
      rl.prompt();
      const r = await lines.next();
      return r.done ? null : String(r.value);
    },
  };
  const { counts } = st;
  const { total: queued } = await reviewQueue(db, registry, { ...filter, limit: 0 });
  let ended: LoopSummary['ended'] = 'empty';
  const decided = () => counts.accepted + counts.rejected + counts.corrected;
  try {
    st.say(`${queued} label${queued === 1 ? '' : 's'} to review · reviewer ${opts.reviewer} · h for help`);
    outer: for (;;) {
      if (maxShown !== undefined && st.shown >= maxShown) {
        ended = 'limit';
        break;
      }
      const { total: left, items } = await reviewQueue(db, registry, { ...filter, excludeIds: st.skipped, limit: 1 });
      const item = items[0];
      if (!item) {
        ended = 'empty';
        break;
      }
      st.shown++;
      const t = registry.has(item.taxonomy) ? registry.get(item.taxonomy) : undefined;
      const others = await siblingLabels(db, item.labelId);
      const all = decided() + counts.skipped + left;
      st.say(renderItem(item, t, others, st.width, `[${decided() + counts.skipped + 1} of ${all}] ${decided()} reviewed`));
      for (;;) {
        const answer = await st.ask('[a]ccept [r]eject [c]orrect <code> [s]kip [u]ndo [?]codes [q]uit > ');
        const step: Step = answer === null ? 'eof' : await answerItem(st, item, t, answer);
        if (step === 'again') continue;
        if (step === 'next') continue outer;
        ended = step;
        break outer;
      }
    }
  } finally {
    rl.close();
  }
  const summary: LoopSummary = { queued, ...counts, decisions: [...st.session.decisions], ended };
  st.say(renderSummary(summary));
  return summary;
}

async function describeCurrent(db: Db, registry: TaxonomyRegistry, d: Decision): Promise<string> {
  if (!d.currentAfter) return 'No label is current for this taxonomy now.';
  const cur = await labelDetails(db, registry, d.currentAfter.labelId);
  if (!cur) return '';
  return `Current now: ${cur.code} ${cur.codeName} (label ${cur.labelId}, ${cur.source}${
    cur.confidence !== null ? ` ${cur.confidence.toFixed(2)}` : ''
  }).`;
}

export function renderSummary(s: Pick<LoopSummary, 'accepted' | 'rejected' | 'corrected' | 'skipped' | 'undone' | 'queued'>): string {
  const reviewed = s.accepted + s.rejected + s.corrected;
  return (
    `reviewed ${reviewed} of ${s.queued}: accepted ${s.accepted} · rejected ${s.rejected} · corrected ${s.corrected}` +
    ` · skipped ${s.skipped}${s.undone ? ` · undone ${s.undone}` : ''}`
  );
}
