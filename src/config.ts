// Configuration: defaults < config file < environment. The config file is JSON, found at
// $GOVNAV_CONFIG, else ./govnav.config.json, else <data dir>/config.json.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const FileConfig = z
  .object({
    dataDir: z.string().optional(),
    port: z.number().int().min(0).max(65535).optional(),
    host: z.string().optional(),
    databaseUrl: z.string().optional(),
    baseUrl: z.string().optional(),
    adminSecret: z.string().optional(),
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
  banner: { en: string; zh: string };
  llm: Record<string, unknown>;
  /** Where the config file was read from, if any. */
  configFile?: string;
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
    banner: {
      en: env.GOVNAV_BANNER ?? file.banner?.en ?? DEFAULT_BANNER.en,
      zh: env.GOVNAV_BANNER_ZH ?? file.banner?.zh ?? DEFAULT_BANNER.zh,
    },
    llm: file.llm ?? {},
    configFile,
  };
}
