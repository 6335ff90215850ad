// Registered first (the name sorts before every other routes file): the rendered-page cache with
// ETag / 304 handling in front of every public GET page. See components/page-cache.ts.
import type { Hono } from 'hono';
import type { AppContext, AppEnv } from '../context.ts';
import { LruCache, pageCache } from '../components/page-cache.ts';

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  // One cache per app, so two apps in one process (tests) never share pages; the server's fast
  // path (serveCachedRaw) reads the same cache through the context.
  ctx.pageCache ??= new LruCache();
  app.use('*', pageCache(ctx.pageCache));
}
