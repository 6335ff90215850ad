// Citation files: /cite/<id>.bib (BibTeX) and /cite/<id>.json (CSL-JSON, an array of one item, as
// Zotero and Pandoc read it), for statements (M/R/P ids) and documents (D ids).
import type { Hono } from 'hono';
import { publicBaseUrl } from '../../cite/public-url.ts';
import { documentCitation, statementCitation, type Citation } from '../../cite/index.ts';
import { getDocument, getStatement, ID_PATTERN } from '../../store/index.ts';
import type { AppContext, AppEnv } from '../context.ts';

export async function citationFor(ctx: AppContext, id: string): Promise<Citation | undefined> {
  const db = ctx.store.db;
  const opts = { baseUrl: publicBaseUrl(ctx.config) };
  if (id.startsWith('D')) {
    const d = await getDocument(db, id);
    return d ? documentCitation(d, opts) : undefined;
  }
  const s = await getStatement(db, id);
  if (!s) return undefined;
  const d = await getDocument(db, s.document_id);
  return d ? statementCitation(s, d, opts) : undefined;
}

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  app.get('/cite/:file', async (c) => {
    const m = /^([A-Z]\d+)\.(bib|json)$/.exec(c.req.param('file'));
    if (!m || !ID_PATTERN.test(m[1]!)) return c.notFound();
    const cite = await citationFor(ctx, m[1]!);
    if (!cite) return c.notFound();
    c.header('Cache-Control', 'public, max-age=300');
    c.header('Access-Control-Allow-Origin', '*');
    if (m[2] === 'bib') {
      c.header('Content-Type', 'application/x-bibtex; charset=utf-8');
      c.header('Content-Disposition', `inline; filename="${cite.key}.bib"`);
      return c.body(cite.bibtex + '\n');
    }
    c.header('Content-Type', 'application/vnd.citationstyles.csl+json; charset=utf-8');
    c.header('Content-Disposition', `inline; filename="${cite.key}.json"`);
    return c.body(JSON.stringify([cite.csl], null, 2) + '\n');
  });
}
