// Linking statements to topics in the store: incremental (new or changed statements, called by
// importers and ingest) or a full rebuild. Each batch of statements is one transaction that
// replaces those statements' links, so readers never see a statement half-linked.
import { loadConfig } from '../config.ts';
import type { Db } from '../store/db.ts';
import { loadLexicon, type Lexicon } from './lexicon.ts';
import { compileLexicon, scoreStatement, type CompiledLexicon } from './match.ts';
import { checkRows, queryRows } from '../store/schema/columns.ts';
import { statements, topics } from '../store/schema/tables.ts';

let defaultCompiled: CompiledLexicon | undefined;

/** The lexicon in effect: the built-in one plus <data dir>/topics/*.json, compiled once per process. */
export function defaultLexicon(): CompiledLexicon {
  defaultCompiled ??= compileLexicon(loadLexicon({ dataDir: loadConfig().dataDir }));
  return defaultCompiled;
}

/** Use this lexicon as the default from now on (the CLI's --lexicon option). */
export function setDefaultLexicon(lex: Lexicon | CompiledLexicon): CompiledLexicon {
  defaultCompiled = asCompiled(lex);
  return defaultCompiled;
}

export function asCompiled(lex?: Lexicon | CompiledLexicon): CompiledLexicon {
  if (!lex) return defaultLexicon();
  return 'exactFirst' in lex ? lex : compileLexicon(lex);
}

/** Write the lexicon's topics to the topics table; topics no longer in it are retired and lose their links. */
export async function syncTopics(db: Db, lex: Lexicon | CompiledLexicon): Promise<void> {
  const c = asCompiled(lex);
  const rows = c.topics.map((t, i) => ({
    id: t.id,
    ord: i,
    name_en: t.name.en,
    name_zh: t.name.zh ?? null,
    description_en: t.description.en,
    description_zh: t.description.zh ?? null,
    terms: t.terms.map((x) => ({ id: x.id, label: x.label, weight: x.weight })),
  }));
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO topics (id, ord, name_en, name_zh, description_en, description_zh, terms, lexicon_version, retired, updated_at)
       SELECT x.id, x.ord, x.name_en, x.name_zh, x.description_en, x.description_zh, x.terms, $2, false, now()
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, ord int, name_en text, name_zh text, description_en text,
         description_zh text, terms jsonb)
       ON CONFLICT (id) DO UPDATE SET ord = EXCLUDED.ord, name_en = EXCLUDED.name_en, name_zh = EXCLUDED.name_zh,
         description_en = EXCLUDED.description_en, description_zh = EXCLUDED.description_zh, terms = EXCLUDED.terms,
         lexicon_version = EXCLUDED.lexicon_version, retired = false, updated_at = now()
       WHERE topics.lexicon_version IS DISTINCT FROM EXCLUDED.lexicon_version OR topics.retired
         OR topics.terms IS DISTINCT FROM EXCLUDED.terms OR topics.ord IS DISTINCT FROM EXCLUDED.ord`,
      [JSON.stringify(rows), c.version],
    );
    const gone = await queryRows(
      tx,
      topics.row.pick({ id: true }),
      `UPDATE topics SET retired = true, updated_at = now() WHERE NOT retired AND NOT (id = ANY($1::text[])) RETURNING id`,
      [rows.map((r) => r.id)],
      'retired topics',
    );
    if (gone.length) await tx.query('DELETE FROM statement_topics WHERE topic_id = ANY($1::text[])', [gone.map((g) => g.id)]);
  });
}

export interface LinkOptions {
  lexicon?: Lexicon | CompiledLexicon;
  /** Statements per transaction (default 1000). */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface LinkReport {
  lexiconVersion: string;
  /** Statements looked at. */
  statements: number;
  /** Links written. */
  links: number;
  /** Statements that got no topic. */
  unlinked: number;
  /** Links per topic id. */
  byTopic: Record<string, number>;
}

/** What linking reads of a statement (transform-free: read through checkRows). */
const LinkInput = statements.row.pick({ id: true, document_id: true, kind: true, ord: true, name: true, text: true, heading_path: true, content_hash: true });
const Id = statements.row.pick({ id: true });

/**
 * (Re)link the given statements: their old links are replaced by the current lexicon's. Retired or
 * unknown ids are ignored. Safe to call inside a transaction (each batch becomes a savepoint).
 */
/** A report with nothing linked yet: every topic of the lexicon at 0. */
export function emptyReport(c: CompiledLexicon): LinkReport {
  const report: LinkReport = { lexiconVersion: c.version, statements: 0, links: 0, unlinked: 0, byTopic: {} };
  for (const t of c.topics) report.byTopic[t.id] = 0;
  return report;
}

export async function linkStatements(db: Db, ids: string[], opts: LinkOptions = {}): Promise<LinkReport> {
  const c = asCompiled(opts.lexicon);
  const report = emptyReport(c);
  if (!ids.length) return report;
  await syncTopics(db, c);
  const batch = Math.max(1, opts.batchSize ?? 1000);
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += batch) {
    const chunk = unique.slice(i, i + batch);
    const rows = checkRows(
      LinkInput,
      await db.query(
        `SELECT id, document_id, kind, ord, name, text, heading_path, content_hash FROM statements
         WHERE id = ANY($1::text[]) AND retired_at IS NULL`,
        [chunk],
      ),
      'statements to link',
    );
    const links: { statement_id: string; topic_id: string; score: number; matched_terms: unknown; document_id: string; kind: string; ord: number }[] = [];
    for (const r of rows) {
      const found = scoreStatement(c, { name: r.name, text: r.text, headingPath: r.heading_path, kind: r.kind });
      if (!found.length) report.unlinked++;
      for (const l of found) {
        links.push({ statement_id: r.id, topic_id: l.topic, score: l.score, matched_terms: l.terms, document_id: r.document_id, kind: r.kind, ord: r.ord });
        report.byTopic[l.topic] = (report.byTopic[l.topic] ?? 0) + 1;
      }
    }
    await db.transaction(async (tx) => {
      await tx.query('DELETE FROM statement_topics WHERE statement_id = ANY($1::text[])', [chunk]);
      if (links.length)
        await tx.query(
          `INSERT INTO statement_topics (statement_id, topic_id, score, matched_terms, lexicon_version, document_id, kind, ord)
           SELECT x.statement_id, x.topic_id, x.score, x.matched_terms, $2, x.document_id, x.kind, x.ord
           FROM jsonb_to_recordset($1::jsonb) AS x(statement_id text, topic_id text, score real, matched_terms jsonb,
             document_id text, kind text, ord int)`,
          [JSON.stringify(links), c.version],
        );
      if (rows.length)
        await tx.query(
          `INSERT INTO topic_link_state (statement_id, content_hash, lexicon_version, linked_at)
           SELECT x.id, x.h, $2, now() FROM jsonb_to_recordset($1::jsonb) AS x(id text, h text)
           ON CONFLICT (statement_id) DO UPDATE SET content_hash = EXCLUDED.content_hash,
             lexicon_version = EXCLUDED.lexicon_version, linked_at = now()`,
          [JSON.stringify(rows.map((r) => ({ id: r.id, h: r.content_hash }))), c.version],
        );
    });
    report.statements += rows.length;
    report.links += links.length;
    opts.onProgress?.(Math.min(i + chunk.length, unique.length), unique.length);
  }
  return report;
}

/** Ids of live statements that were never linked, changed since, or were linked with another lexicon version. */
export async function pendingStatementIds(db: Db, lexiconVersion: string): Promise<string[]> {
  const rows = await queryRows(
    db,
    Id,
    `SELECT s.id FROM statements s LEFT JOIN topic_link_state l ON l.statement_id = s.id
     WHERE s.retired_at IS NULL
       AND (l.statement_id IS NULL OR l.content_hash <> s.content_hash OR l.lexicon_version <> $1)
     ORDER BY s.id`,
    [lexiconVersion],
    'statements to link',
  );
  return rows.map((r) => r.id);
}

/**
 * Link what needs linking (new, changed, or linked with another lexicon), or everything with
 * `rebuild`. Links of retired statements are removed.
 */
export async function linkPending(db: Db, opts: LinkOptions & { rebuild?: boolean } = {}): Promise<LinkReport & { pending: number }> {
  const c = asCompiled(opts.lexicon);
  await syncTopics(db, c);
  const ids = opts.rebuild
    ? (await queryRows(db, Id, 'SELECT id FROM statements WHERE retired_at IS NULL ORDER BY id', [], 'live statements')).map((r) => r.id)
    : await pendingStatementIds(db, c.version);
  // Retiring a statement drops its links (a trigger); this catches links made before that trigger existed.
  await db.query(
    `DELETE FROM statement_topics WHERE statement_id IN (SELECT id FROM statements WHERE retired_at IS NOT NULL)`,
  );
  const report = await linkStatements(db, ids, { ...opts, lexicon: c });
  // After a large run the planner needs fresh statistics to aggregate links by topic quickly.
  if (ids.length >= 5000) await db.exec('ANALYZE statement_topics; ANALYZE topic_link_state');
  return { ...report, pending: ids.length };
}
