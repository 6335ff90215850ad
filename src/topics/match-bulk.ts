// Topic links for statements an import has just written, without reading them back: the importer
// hands over what it wrote (id, document, kind, order, texts, content hash). Each distinct
// (kind, name, heading path, text) is matched once; links and link states of new statements go in
// by COPY (nothing of theirs can exist yet), statements that were updated are relinked the usual
// way (their old links are replaced). The rows are the ones linkStatements writes.
import type { Db } from '../store/db.ts';
import type { WrittenStatement } from '../store/corpus.ts';
import { WriteQueue, canCopy, copyRows, yieldToIo, type CopyValue } from '../store/bulk/copy.ts';
import { ignoreWhile } from '../util/errors.ts';
import { RowTriggerSwitch, canSkipRowTriggers, checkSubset, fireStatementTriggers, lockReferenced } from '../store/bulk/triggers.ts';
import { asCompiled, emptyReport, linkStatements, syncTopics, type LinkOptions, type LinkReport } from './link.ts';
import { scoreStatement, type CompiledLexicon, type TopicLink } from './match.ts';

/** Rows per COPY. */
const CHUNK = 5000;
const LINK_COLUMNS = ['statement_id', 'topic_id', 'score', 'matched_terms', 'lexicon_version', 'document_id', 'kind', 'ord'];

/**
 * Matches per distinct statement (kind, name, heading path, text), so that a text repeated across
 * documents is matched once. Looked up by the text itself (a string the statement already holds:
 * no key is built per statement), then by the other three. An importer may fill one while its new
 * statements are written (`links` for each, from upsertStatementsMany's onCreated) and hand it to
 * linkWritten, which then only looks the matches up.
 */
export class MatchCache {
  private readonly seen = new Map<string, { s: WrittenStatement; links: TopicLink[] }[]>();
  constructor(readonly c: CompiledLexicon) {}

  links(s: WrittenStatement): TopicLink[] {
    let same = this.seen.get(s.text);
    for (const e of same ?? []) if (e.s.kind === s.kind && e.s.name === s.name && sameList(e.s.headingPath, s.headingPath)) return e.links;
    const links = scoreStatement(this.c, { name: s.name, text: s.text, headingPath: [...s.headingPath], kind: s.kind });
    if (!same) this.seen.set(s.text, (same = []));
    same.push({ s, links });
    return links;
  }
}

/** A match cache for an importer to fill as it writes new statements, or undefined where linkWritten will not COPY (nothing to gain). */
export function matchCacheFor(db: Db, lexicon?: LinkOptions['lexicon']): MatchCache | undefined {
  return canCopy(db) ? new MatchCache(asCompiled(lexicon)) : undefined;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function addReport(into: LinkReport, r: LinkReport): void {
  into.statements += r.statements;
  into.links += r.links;
  into.unlinked += r.unlinked;
  for (const [k, v] of Object.entries(r.byTopic)) into.byTopic[k] = (into.byTopic[k] ?? 0) + v;
}

/** Write link and link-state rows (with row triggers off when the caller has turned them off). */
async function writeLinkRows(db: Db, links: CopyValue[][], states: CopyValue[][]): Promise<void> {
  const whereLink = (k: number) => `topic link ${String(links[k]?.[0])} → ${String(links[k]?.[1])}`;
  const whereState = (k: number) => `topic link state of ${String(states[k]?.[0])}`;
  await copyRows(db, 'statement_topics', LINK_COLUMNS, links, whereLink);
  await copyRows(db, 'topic_link_state', ['statement_id', 'content_hash', 'lexicon_version'], states, whereState);
}

/** Links and link states of new statements, matched here and written by COPY in chunks (each written while the next is matched). */
async function copyNewLinks(db: Db, cache: MatchCache, rows: WrittenStatement[], report: LinkReport): Promise<void> {
  if (!rows.length) return;
  const c = cache.c;
  const queue = new WriteQueue();
  const trusted = await canSkipRowTriggers(db);
  const topicIds = new Set(c.topics.map((t) => t.id));
  // Without row triggers where allowed: every statement id is one this transaction has just written
  // (linkWritten's contract), every topic id one that syncTopics has just written, locked here.
  const triggers = new RowTriggerSwitch(db);
  if (trusted) {
    await lockReferenced(db, 'topics', topicIds, 'topic links');
    await triggers.off();
  }
  try {
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const links: CopyValue[][] = [];
      const states: CopyValue[][] = [];
      for (const s of chunk) {
        const found = cache.links(s);
        if (!found.length) report.unlinked++;
        for (const l of found) {
          links.push([s.id, l.topic, l.score, JSON.stringify(l.terms), c.version, s.documentId, s.kind, s.ord]);
          report.byTopic[l.topic] = (report.byTopic[l.topic] ?? 0) + 1;
        }
        states.push([s.id, s.contentHash, c.version]);
      }
      if (trusted) checkSubset(links.map((l) => l[1] as string), topicIds, 'topic');
      queue.push(() => writeLinkRows(db, links, states));
      report.statements += chunk.length;
      report.links += links.length;
      await yieldToIo();
    }
    await queue.done();
  } finally {
    // After a failure the transaction is rolled back (which restores the setting too).
    await triggers.on().catch(ignoreWhile('turning row triggers on again'));
  }
  // The statement-level triggers (search changes, data-change notice) that COPYs without row triggers skipped.
  if (trusted) await fireStatementTriggers(db, ['statement_topics']);
}

/**
 * Link statements just written in this transaction (live, each listed once). Where the engine
 * cannot COPY, this is linkStatements over their ids. `matches`: a cache already filled with some
 * of these statements (its lexicon is the one used; `lexicon` is then ignored).
 */
export async function linkWritten(db: Db, rows: WrittenStatement[], opts: Pick<LinkOptions, 'lexicon'> & { matches?: MatchCache } = {}): Promise<LinkReport> {
  const c = opts.matches?.c ?? asCompiled(opts.lexicon);
  if (!canCopy(db)) return linkStatements(db, rows.map((r) => r.id), { lexicon: c });
  const report = emptyReport(c);
  if (!rows.length) return report;
  await syncTopics(db, c);
  const updated = rows.filter((r) => !r.created);
  if (updated.length) addReport(report, await linkStatements(db, updated.map((r) => r.id), { lexicon: c }));
  await copyNewLinks(db, opts.matches ?? new MatchCache(c), rows.filter((r) => r.created), report);
  return report;
}
