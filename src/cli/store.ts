// Opening the store from a CLI command, with a message that says where the data lives.
import { loadConfig } from '../config.ts';
import { openStore, type Store } from '../store/index.ts';

export async function cliStore(opts: { quiet?: boolean } = {}): Promise<Store> {
  const config = loadConfig();
  const store = await openStore({ config });
  if (!opts.quiet && process.env.GOVNAV_QUIET !== '1') process.stderr.write(`database: ${store.location}\n`);
  return store;
}

/** Open the store, run `fn`, and always close it. */
export async function withCliStore<T>(fn: (s: Store) => Promise<T>, opts: { quiet?: boolean } = {}): Promise<T> {
  const store = await cliStore(opts);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
