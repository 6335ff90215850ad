// The JSON API (/api/v1/*), its OpenAPI document (/api/openapi.json) and reference page (/api): see src/api.
import type { Hono } from 'hono';
import type { AppContext, AppEnv } from '../context.ts';

export async function register(app: Hono<AppEnv>, ctx: AppContext): Promise<void> {
  const { registerApi } = await import('../../api/index.ts');
  await registerApi(app, ctx);
}
