// `govnav db migrate|status|copy|dump|restore`
import type { Command } from 'commander';
import { sqlState } from '../../util/errors.ts';

export function register(program: Command): void {
  const db = program
    .command('db')
    .description('Database schema and moves: apply migrations, show their state, copy a store between engines, dump and restore backups.')
    .addHelpText(
      'after',
      '\nThe database is the embedded PGlite directory <data dir>/db, or PostgreSQL when DATABASE_URL is set.\n' +
        'Every command migrates automatically; these commands are for maintainers who want to see or do it explicitly.',
    );
  migrateCommand(db);
  statusCommand(db);
  copyCommand(db);
  dumpCommand(db);
  restoreCommand(db);
}

function migrateCommand(db: Command): void {
  db.command('migrate')
    .description('Apply pending SQL migrations (safe to run again: applies nothing the second time).')
    .action(async () => {
      const { loadConfig } = await import('../../config.ts');
      const { openStore, migrate } = await import('../../store/index.ts');
      const store = await openStore({ config: loadConfig(), migrate: false });
      try {
        const applied = await migrate(store.db);
        const { syncTaxonomies } = await import('../../store/index.ts');
        await syncTaxonomies(store.db, store.taxonomies);
        console.log(`database: ${store.location}`);
        console.log(applied.length ? applied.map((m) => `applied ${m.version}_${m.name}`).join('\n') : 'up to date: nothing to apply');
      } finally {
        await store.close();
      }
    });
}

function statusCommand(db: Command): void {
  db.command('status')
    .description('List applied and pending migrations, and what the database holds.')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { loadConfig } = await import('../../config.ts');
      const { openStore, migrationStatus } = await import('../../store/index.ts');
      const { table } = await import('../progress.ts');
      const store = await openStore({ config: loadConfig(), migrate: false });
      try {
        const st = await migrationStatus(store.db);
        const counts: Record<string, number> = {};
        if (st.applied.length)
          for (const t of ['documents', 'statements', 'classifications', 'feedback']) {
            try {
              counts[t] = await tableCount(store.db, t);
            } catch (e) {
              if (sqlState(e) !== '42P01') throw e; // 42P01: the table is not there yet
            }
          }
        if (opts.json) {
          console.log(JSON.stringify({ location: store.location, engine: store.db.kind, ...st, counts }, null, 2));
          return;
        }
        console.log(`database: ${store.location} (${store.db.kind})`);
        console.log(
          table(
            ['migration', 'state', 'applied at'],
            [
              ...st.applied.map((m) => [`${m.version}_${m.name}`, 'applied', m.appliedAt.toISOString()]),
              ...st.pending.map((m) => [`${m.version}_${m.name}`, 'PENDING', '']),
            ],
          ),
        );
        if (Object.keys(counts).length) console.log('\n' + Object.entries(counts).map(([k, v]) => `${k}: ${v}`).join(' · '));
        if (st.pending.length) console.log('\nRun `govnav db migrate` to apply the pending migrations.');
      } finally {
        await store.close();
      }
    });
}

function copyCommand(db: Command): void {
  db.command('copy')
    .description('Copy the whole store between the embedded database and PostgreSQL, verified per table (row counts and checksums).')
    .option('--to <url>', 'copy the configured store (the embedded one by default) into this PostgreSQL database')
    .option('--from <url>', 'copy this PostgreSQL database into the configured store (the embedded one when DATABASE_URL is not set)')
    .addHelpText(
      'after',
      '\nThe target must be empty (a new database, schema or data directory); it is migrated first, and everything is\n' +
        'written in one transaction that commits only when every table matches the source. Stop `govnav serve` on the\n' +
        'embedded database first (it can be opened by one process only).\n\n' +
        'Examples:\n  govnav db copy --to postgres://govnav@db.example.org/govnav\n  DATABASE_URL= govnav db copy --from postgres://govnav@db.example.org/govnav',
    )
    .action(async (opts: { to?: string; from?: string }) => {
      const { UserError } = await import('../main.ts');
      if (!!opts.to === !!opts.from) throw new UserError('Say where to copy: --to <postgres url> or --from <postgres url>.');
      const url = (opts.to ?? opts.from)!;
      if (!/^postgres(ql)?:\/\//.test(url)) throw new UserError(`--${opts.to ? 'to' : 'from'} must be a postgres:// URL, not "${url}".`);
      const { loadConfig } = await import('../../config.ts');
      const { openStore } = await import('../../store/index.ts');
      const { copyStore } = await import('../../store/copy.ts');
      const config = loadConfig();
      const local = { ...config, databaseUrl: opts.from && config.databaseUrl === url ? undefined : config.databaseUrl };
      const remote = { ...config, databaseUrl: url };
      const src = await openStore({ config: opts.to ? local : remote });
      try {
        const dst = await openStore({ config: opts.to ? remote : local });
        try {
          if (src.location === dst.location) throw new UserError(`Source and target are the same database (${src.location}).`);
          process.stderr.write(`copying ${src.location} → ${dst.location}\n`);
          const reports = await copyStore(src.db, dst.db, progressLine());
          printReports(reports, 'copied and verified');
        } finally {
          await dst.close();
        }
      } finally {
        await src.close();
      }
    });
}

function dumpCommand(db: Command): void {
  db.command('dump <file>')
    .description('Write a backup of the whole store: gzip JSON lines, one line per row, with row counts and checksums per table.')
    .action(async (file: string) => {
      const { withCliStore } = await import('../store.ts');
      const { dumpStore } = await import('../../store/copy.ts');
      await withCliStore(async (store) => {
        const reports = await dumpStore(store.db, file, progressLine());
        printReports(reports, `dumped to ${file}`);
      });
    });
}

function restoreCommand(db: Command): void {
  db.command('restore <file>')
    .description('Load a backup made by `govnav db dump` into an empty store (one transaction, verified per table).')
    .action(async (file: string) => {
      const { withCliStore } = await import('../store.ts');
      const { restoreStore } = await import('../../store/copy.ts');
      const { existsSync } = await import('node:fs');
      const { UserError } = await import('../main.ts');
      if (!existsSync(file)) throw new UserError(`${file} does not exist.`);
      await withCliStore(async (store) => {
        const reports = await restoreStore(store.db, file, progressLine());
        printReports(reports, `restored from ${file} and verified`);
      });
    });
}

function progressLine(): (table: string, rows: number) => void {
  let last = 0;
  return (table, rows) => {
    const now = Date.now();
    if (process.stderr.isTTY && now - last > 200) {
      last = now;
      process.stderr.write(`\r  ${table}: ${rows.toLocaleString('en-US')} rows\x1b[K`);
    }
  };
}

function printReports(reports: { table: string; rows: number; checksum: string }[], what: string): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const total = reports.reduce((a, r) => a + r.rows, 0);
  for (const r of reports) if (r.rows) console.log(`  ${r.table.padEnd(24)} ${String(r.rows).padStart(10)}  ${r.checksum.slice(0, 12)}`);
  console.log(`${total.toLocaleString('en-US')} rows in ${reports.length} tables ${what}.`);
}

/** The number of rows in a table. */
async function tableCount(db: import('../../store/index.ts').Db, table: string): Promise<number> {
  const { z } = await import('zod');
  const { parseRows } = await import('../../store/schema/index.ts');
  return parseRows(z.object({ n: z.number().int() }), await db.query(`SELECT count(*)::int AS n FROM ${table}`), `db status: rows in ${table}`)[0]!.n;
}
