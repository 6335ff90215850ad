// What every request handler can reach: the store, the configuration and the interface language.
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
}

export type AppEnv = { Variables: { lang: Lang; ctx: AppContext } };
