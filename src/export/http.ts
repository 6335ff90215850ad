// The export routes of the web app: /export.csv, /export.json, /export.jsonl and /export.xlsx take
// the query string of /search and stream every matching statement.
import { PassThrough, Readable } from 'node:stream';
import type { Env, Hono } from 'hono';
import { publicBaseUrl } from '../cite/public-url.ts';
import type { ReadContext } from '../store/read/context.ts';
import { ExportAborted } from './writers.ts';
import { CONTENT_TYPES, EXPORT_FORMATS, exportFilename, exportStatements, queryFromParams, queryString, QueryParamError } from './index.ts';

export function registerExports<E extends Env>(app: Hono<E>, ctx: ReadContext): void {
  for (const format of EXPORT_FORMATS) {
    app.get(`/export.${format}`, async (c) => {
      const params = new URL(c.req.url).searchParams;
      let query;
      try {
        query = queryFromParams(params, ctx.store.taxonomies);
      } catch (e) {
        if (e instanceof QueryParamError) {
          const first = e.errors[0]!;
          return c.json({ error: 'bad_parameter', message: `Parameter "${first.param}": ${JSON.stringify(first.value)} ${first.message}`, field: first.param }, 400);
        }
        throw e;
      }
      const base = publicBaseUrl(ctx.config);
      const out = new PassThrough({ highWaterMark: 256 * 1024 });
      // Write in the background; the response streams what has been written so far.
      exportStatements(ctx.store.db, ctx.store.taxonomies, { format, query, out, baseUrl: base }).catch((err: Error) => {
        if (err instanceof ExportAborted) return; // the client went away
        console.error(`[${new Date().toISOString()}] export.${format} failed: ${err.stack ?? err.message}`);
        out.destroy(err);
      });
      const name = exportFilename(format, queryString(query));
      return new Response(Readable.toWeb(out) as unknown as ReadableStream, {
        status: 200,
        headers: {
          'Content-Type': CONTENT_TYPES[format],
          'Content-Disposition': `attachment; filename="${name}"`,
          Link: `<${base}/about>; rel="license", <${base}/api/v1/datasets>; rel="describedby"`,
          'Cache-Control': 'no-store',
          'X-Robots-Tag': 'noindex',
        },
      });
    });
  }
}
