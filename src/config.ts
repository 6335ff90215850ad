// Configuration: defaults < config file < environment. The config file is JSON, found at
// $GOVNAV_CONFIG, else ./govnav.config.json, else <data dir>/config.json.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseTrustProxy, type TrustProxy } from './web/client-address.ts';

const FileConfig = z
  .object({
    dataDir: z.string().optional(),
    port: z.number().int().min(0).max(65535).optional(),
    host: z.string().optional(),
    databaseUrl: z.string().optional(),
    baseUrl: z.string().optional(),
    adminSecret: z.string().optional(),
    trustProxy: z.union([z.number().int().min(0).max(20), z.string(), z.array(z.string())]).optional(),
    cursorSecret: z.string().min(16).optional(),
    auth: z
      .object({
        secureCookies: z.boolean(),
        sessionIdleMinutes: z.number().int().min(1).max(7 * 24 * 60),
        sessionAbsoluteHours: z.number().min(0.05).max(24 * 90),
        maxFailedSignins: z.number().int().min(1).max(1000),
        lockMinutes: z.number().int().min(1).max(24 * 60),
        oidc: z
          .object({ issuer: z.string().url(), clientId: z.string().min(1), clientSecret: z.string().optional(), redirectUrl: z.string().url(), label: z.string().optional() })
          .strict(),
      })
      .partial()
      .strict()
      .optional(),
    banner: z.object({ en: z.string(), zh: z.string().optional() }).partial().optional(),
    llm: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type FileConfig = z.infer<typeof FileConfig>;

export interface Config {
  dataDir: string;
  port: number;
  host: string;
  databaseUrl?: string;
  /** Public base URL used in citations (stable URLs), e.g. https://govnav.example.org */
  baseUrl?: string;
  adminSecret?: string;
  /** Reverse proxies in front of the server (a number of hops or their addresses); see src/web/client-address.ts. */
  trustProxy?: TrustProxy;
  /** Key for signing search paging cursors; when absent one is generated into the data directory. */
  cursorSecret?: string;
  /** Accounts and sessions (issue #13); see docs/security.md. Defaults in src/auth/config.ts. */
  auth?: AuthConfig;
  banner: { en: string; zh: string };
  llm: Record<string, unknown>;
  /** Where the config file was read from, if any. */
  configFile?: string;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** This server's callback, e.g. https://govnav.example.org/signin/oidc/callback */
  redirectUrl: string;
  /** Text of the sign-in button ("Sign in with <label>"). */
  label?: string;
}

export interface AuthConfig {
  /** Mark cookies Secure always (true: behind a TLS-terminating proxy) or never (false); default: when the request is HTTPS. */
  secureCookies?: boolean;
  sessionIdleMinutes?: number;
  sessionAbsoluteHours?: number;
  /** Failed sign-ins in a row (per account, and per address) before a lockout. */
  maxFailedSignins?: number;
  lockMinutes?: number;
  oidc?: OidcConfig;
}

export const DEFAULT_PORT = 8787;

export const DEFAULT_BANNER = {
  en: 'govnav is a research tool. Labels made by machines are marked as such and may be wrong; check the source before you cite.',
  zh: 'govnav 是一个研究工具。机器生成的标签均已注明，可能有误；引用前请核对原文。',
};

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'govnav');
  return join(homedir(), '.local', 'share', 'govnav');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const candidates = [
    env.GOVNAV_CONFIG ? resolve(cwd, env.GOVNAV_CONFIG) : undefined,
    resolve(cwd, 'govnav.config.json'),
    join(env.GOVNAV_DATA_DIR ?? defaultDataDir(env), 'config.json'),
  ].filter((x): x is string => !!x);
  let file: FileConfig = {};
  let configFile: string | undefined;
  for (const c of candidates) {
    if (!existsSync(c)) {
      if (c === candidates[0] && env.GOVNAV_CONFIG) throw new Error(`GOVNAV_CONFIG points to ${c}, which does not exist.`);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(c, 'utf8'));
    } catch (e) {
      throw new Error(`Config file ${c} is not valid JSON: ${(e as Error).message}`);
    }
    const parsed = FileConfig.safeParse(json);
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw new Error(`Config file ${c}: field "${i.path.join('.')}": ${i.message}`);
    }
    file = parsed.data;
    configFile = c;
    break;
  }
  const portRaw = env.PORT ?? (file.port !== undefined ? String(file.port) : undefined);
  const port = portRaw === undefined ? DEFAULT_PORT : Number(portRaw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a number from 0 to 65535, not "${portRaw}".`);
  return {
    dataDir: resolve(cwd, env.GOVNAV_DATA_DIR ?? file.dataDir ?? defaultDataDir(env)),
    port,
    host: env.HOST ?? file.host ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || file.databaseUrl || undefined,
    baseUrl: env.GOVNAV_BASE_URL ?? file.baseUrl,
    adminSecret: env.GOVNAV_ADMIN_SECRET ?? file.adminSecret,
    trustProxy: parseTrustProxy(env.GOVNAV_TRUST_PROXY ?? file.trustProxy),
    cursorSecret: env.GOVNAV_CURSOR_SECRET || file.cursorSecret,
    auth: authFromEnv(env, file.auth),
    banner: {
      en: env.GOVNAV_BANNER ?? file.banner?.en ?? DEFAULT_BANNER.en,
      zh: env.GOVNAV_BANNER_ZH ?? file.banner?.zh ?? DEFAULT_BANNER.zh,
    },
    llm: file.llm ?? {},
    configFile,
  };
}

function authFromEnv(env: NodeJS.ProcessEnv, file: FileConfig['auth']): AuthConfig {
  const auth: AuthConfig = { ...(file ?? {}) };
  if (env.GOVNAV_SECURE_COOKIES === '1' || env.GOVNAV_SECURE_COOKIES === 'true') auth.secureCookies = true;
  if (env.GOVNAV_SECURE_COOKIES === '0' || env.GOVNAV_SECURE_COOKIES === 'false') auth.secureCookies = false;
  if (env.GOVNAV_OIDC_ISSUER) {
    if (!env.GOVNAV_OIDC_CLIENT_ID || !env.GOVNAV_OIDC_REDIRECT_URL)
      throw new Error('GOVNAV_OIDC_ISSUER is set: set GOVNAV_OIDC_CLIENT_ID and GOVNAV_OIDC_REDIRECT_URL too (and GOVNAV_OIDC_CLIENT_SECRET for a confidential client).');
    auth.oidc = {
      issuer: env.GOVNAV_OIDC_ISSUER,
      clientId: env.GOVNAV_OIDC_CLIENT_ID,
      clientSecret: env.GOVNAV_OIDC_CLIENT_SECRET || undefined,
      redirectUrl: env.GOVNAV_OIDC_REDIRECT_URL,
      label: env.GOVNAV_OIDC_LABEL || undefined,
    };
  }
  return auth;
}
