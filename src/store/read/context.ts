// What a reader of the store needs: the store, the configuration (public base URL, …) and the data
// version (for ETags). The web app's context extends this; the API and the exports take only this,
// so that neither depends on the web layer.
import type { Config } from '../../config.ts';
import type { Store } from '../index.ts';

export interface ReadContext {
  store: Store;
  config: Config;
  /** Changes whenever the corpus or its labels change. */
  dataVersion: () => string;
}

