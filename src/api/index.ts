// Mounting the JSON API on the web app: /api/v1/* routes with ETags and JSON errors,
// /api/openapi.json, and the reference page /api.
import type { Context, Env, Hono } from 'hono';
import { publicBaseUrl } from '../cite/public-url.ts';
import { govnavVersion } from '../export/index.ts';
import type { ReadContext } from '../store/read/context.ts';
import { ApiError, CACHE_CONTROL, errorResponse, etagFor, matchesEtag } from './http.ts';
import { openApiDocument } from './openapi.ts';
import { apiRoutes, hasTopicTables, type RouteDoc } from './routes.ts';

export { apiRoutes, filterParams, type RouteDoc } from './routes.ts';
export { openApiDocument } from './openapi.ts';

export function honoPath(openApiPath: string): string {
  return openApiPath.replace(/\{(\w+)\}/g, ':$1');
}

/** The base of stable URLs: from configuration only, never from the request (its Host header can be forged). */
export function baseOf(ctx: ReadContext, _requestUrl?: string): string {
  return publicBaseUrl(ctx.config);
}

/** Conditional GET: 304 when If-None-Match matches; else the body with ETag and Cache-Control. */
async function cachedJson(c: Context, ctx: ReadContext, make: () => Promise<unknown>): Promise<Response> {
  const etag = etagFor(ctx.dataVersion(), c.req.url);
  c.header('Access-Control-Allow-Origin', '*');
  c.header('Vary', 'Accept-Encoding');
  if (matchesEtag(c.req.header('if-none-match'), etag)) {
    c.header('ETag', etag);
    c.header('Cache-Control', CACHE_CONTROL);
    return c.body(null, 304);
  }
  try {
    const body = await make();
    c.header('ETag', etag);
    c.header('Cache-Control', CACHE_CONTROL);
    return c.json(body as object);
  } catch (e) {
    if (e instanceof ApiError) return errorResponse(c, e);
    throw e;
  }
}

/** The JSON API routes on any app whose context extends ReadContext (the reference page /api is the web's: src/web/pages/api-reference.ts). */
export async function registerApi<E extends Env>(app: Hono<E>, ctx: ReadContext): Promise<RouteDoc[]> {
  const topics = await hasTopicTables(ctx.store.db);
  const routes = apiRoutes(ctx.store.taxonomies, { topics });
  const version = govnavVersion();

  app.get('/api/openapi.json', (c) =>
    cachedJson(c, ctx, async () => openApiDocument(routes, { version, baseUrl: ctx.config.baseUrl })),
  );
  app.get('/api/v1', (c) =>
    cachedJson(c, ctx, async () => ({
      name: 'govnav API',
      version,
      openapi: '/api/openapi.json',
      reference: '/api',
      routes: routes.map((r) => ({ path: r.path, summary: r.summary.en })),
    })),
  );
  for (const r of routes) {
    app.get(honoPath(r.path), (c) =>
      cachedJson(c, ctx, () =>
        r.handler(ctx, { params: new URL(c.req.url).searchParams, path: c.req.param() as Record<string, string>, base: baseOf(ctx, c.req.url) }),
      ),
    );
  }
  return routes;
}
