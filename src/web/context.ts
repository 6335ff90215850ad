// What every request handler can reach: the store, the configuration and the interface language.
import type { SessionUser } from '../auth/roles.ts';
import type { Signin } from '../auth/signin.ts';
import type { Config } from '../config.ts';
import type { Lang } from '../model/index.ts';
import type { Store } from '../store/index.ts';
import type { Entry, LruCache } from './components/page-cache.ts';

export interface AppContext {
  store: Store;
  config: Config;
  /** Bumped whenever data changes through the web process (feedback does not count); used in ETags. */
  dataVersion: () => string;
  /** Rendered public pages (set up by routes/_cache.ts). */
  pageCache?: LruCache<Entry>;
  /** Sign-in service with its lockouts (set up by routes/signin.ts; src/auth/signin.ts). */
  signin?: Signin;
}

export type AppEnv = {
  Variables: {
    lang: Lang;
    ctx: AppContext;
    /** The signed-in account, or null for an anonymous reader (set by src/auth authMiddleware). */
    user: SessionUser | null;
    /** The session cookie value of a signed-in request (src/auth). */
    sessionId?: string;
    /** CSRF: the server key and this visitor's seed (src/auth). */
    csrfKey?: string;
    csrfSeed?: string;
    /** The response carries something personal (a CSRF token): never keep it in a shared cache. */
    personal?: boolean;
  };
};
