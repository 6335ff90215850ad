// JSON twins of pages, as in Datasette: /m/<id>.json, /d/<id>.json, /t/<taxonomy>/<code>.json,
// /risk/<code>.json and /topics/<id>.json, or the page's own URL with `Accept: application/json`.
// A twin is built from the same read model as the HTML page, and every page links its twin with
// <link rel="alternate" type="application/json">.
import type { Context } from 'hono';
import type { AppEnv } from './context.ts';
import { html, type Html } from './html.ts';
import { prefersJson } from './components/page-cache.ts';

/** The path parameter without its `.json` suffix, and whether JSON was asked for (suffix or Accept header). */
export function jsonTwin(c: Context<AppEnv>, param: string): { id: string; json: boolean } {
  if (param.endsWith('.json')) return { id: param.slice(0, -5), json: true };
  return { id: param, json: prefersJson(c.req.header('accept')) };
}

/** Send a twin: JSON, readable from any origin, revalidated like the pages. */
export function sendTwin(c: Context<AppEnv>, body: unknown): Response {
  c.header('Access-Control-Allow-Origin', '*');
  c.header('Cache-Control', 'no-cache');
  c.header('Vary', 'Accept, Cookie, Accept-Language');
  return c.json(body as object);
}

/** A 404 for a twin: JSON, naming what was not found. */
export function twinNotFound(c: Context<AppEnv>, message: string): Response {
  c.header('Cache-Control', 'no-store');
  return c.json({ error: 'not_found', message }, 404);
}

/** The <link> of a page to its JSON twin. */
export function twinLink(href: string): Html {
  return html`<link rel="alternate" type="application/json" href="${href}">`;
}
