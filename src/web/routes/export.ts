// Exports of any filtered set: /export.csv|json|jsonl|xlsx?<the query string of /search>; see src/export.
import type { Hono } from 'hono';
import type { AppContext, AppEnv } from '../context.ts';

export async function register(app: Hono<AppEnv>, ctx: AppContext): Promise<void> {
  const { registerExports } = await import('../../export/http.ts');
  registerExports(app, ctx);
}
