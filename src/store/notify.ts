// Telling every process that the data changed. Migration 0901 makes each write transaction on the
// tables pages show send a notification on the channel `govnav_data` when it commits; a process
// LISTENs on its own connection (not the pool) and is called for every notification of its schema.
// Writes made inside this process (jobs run in-process on PGlite) are announced with
// `announceDataChange`, which reaches the same listeners without a round trip.
import { EventEmitter } from 'node:events';
import type { Db } from './db.ts';
import { queryRow, row, text } from './schema/columns.ts';
import { ignoreWhile } from '../util/errors.ts';

export const DATA_CHANNEL = 'govnav_data';

const local = new EventEmitter();
local.setMaxListeners(0);

/** Tell listeners in this process that data changed (the database notifies other processes itself). */
export function announceDataChange(): void {
  local.emit('change');
}

export interface DataListener {
  /** True while the PostgreSQL LISTEN connection is up (always false on PGlite). */
  readonly connected: boolean;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** PostgreSQL connection string; without it only in-process announcements are heard. */
  databaseUrl?: string;
  /** The store's schema (the notification payload); other schemas' notifications are ignored. */
  schema?: string;
  /** Called when the connection drops (it is re-made after `retryMs`). */
  onError?: (e: Error) => void;
  retryMs?: number;
}

/** The schema a store's tables live in (the first of its search path). */
export async function currentSchema(db: Db): Promise<string> {
  const r = await queryRow(db, row({ s: text() }), 'SELECT current_schema() AS s', [], 'current schema');
  return r?.s ?? 'public';
}

export async function listenDataChanges(onChange: () => void, o: ListenOptions = {}): Promise<DataListener> {
  const fire = () => onChange();
  local.on('change', fire);
  let closed = false;
  let client: import('pg').Client | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const state = { connected: false };
  const connect = async (): Promise<void> => {
    if (closed || !o.databaseUrl) return;
    const pgMod = await import('pg');
    const pg = pgMod.default ?? pgMod;
    const c = new pg.Client({ connectionString: o.databaseUrl });
    const retry = (e: Error) => {
      state.connected = false;
      o.onError?.(e);
      c.removeAllListeners();
      c.end().catch(ignoreWhile('closing a failed LISTEN connection'));
      if (!closed) {
        // Something may have changed while we were not listening.
        fire();
        timer = setTimeout(() => void connect(), o.retryMs ?? 1000);
        timer.unref?.();
      }
    };
    c.on('error', retry);
    c.on('notification', (m) => {
      if (m.channel === DATA_CHANNEL && (!o.schema || !m.payload || m.payload === o.schema)) fire();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${DATA_CHANNEL}`);
      client = c;
      state.connected = true;
    } catch (e) {
      retry(e as Error);
    }
  };
  await connect();
  return {
    get connected() {
      return state.connected;
    },
    close: async () => {
      closed = true;
      local.off('change', fire);
      if (timer) clearTimeout(timer);
      await client?.end().catch(ignoreWhile('closing the LISTEN connection'));
    },
  };
}
