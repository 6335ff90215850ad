// The JSON API (/api/v1/*) and its OpenAPI document (/api/openapi.json) from src/api, and the
// readable reference page /api from pages/api-reference.ts. The web mounts the API; the API does not
// import the web.
import type { Hono } from 'hono';
import { registerApi } from '../../api/index.ts';
import { etagFor, matchesEtag } from '../../api/http.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { renderReference } from '../pages/api-reference.ts';

export async function register(app: Hono<AppEnv>, ctx: AppContext): Promise<void> {
  const routes = await registerApi(app, ctx);
  app.get('/api', async (c) => {
    const etag = etagFor(ctx.dataVersion() + c.get('lang'), c.req.url);
    if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304);
    c.header('ETag', etag);
    return c.html(await renderReference(c, ctx, routes));
  });
}
