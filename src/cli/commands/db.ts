// `govnav db migrate|status`
import type { Command } from 'commander';

export function register(program: Command): void {
  const db = program
    .command('db')
    .description('Database schema: apply migrations and show their state.')
    .addHelpText(
      'after',
      '\nThe database is the embedded PGlite directory <data dir>/db, or PostgreSQL when DATABASE_URL is set.\n' +
        'Every command migrates automatically; these commands are for maintainers who want to see or do it explicitly.',
    );
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
              counts[t] = (await store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`))[0]!.n;
            } catch {
              /* table not there yet */
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
