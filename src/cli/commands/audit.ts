// `govnav audit export|list`: the audit log (sign-ins, account changes, review decisions,
// proposals). Nothing in it is ever changed or deleted; exports stream it in id order.
import type { Command } from 'commander';

const COLUMNS = ['id', 'at', 'actor_id', 'actor', 'action', 'target_type', 'target_id', 'before', 'after', 'detail'] as const;

export function register(program: Command): void {
  const audit = program
    .command('audit')
    .description('The audit log: who did what, when, with the state before and after (append-only).');

  exportCommand(audit);
  listCommand(audit);
}

function exportCommand(audit: Command): void {
  audit
    .command('export')
    .description('Write the whole audit log, oldest first, as CSV or JSON Lines (to standard output or --out).')
    .option('--format <format>', 'csv | jsonl', 'jsonl')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (opts: { format: string; out?: string }) => {
      const { UserError } = await import('../main.ts');
      if (opts.format !== 'csv' && opts.format !== 'jsonl') throw new UserError(`--format "${opts.format}" is not csv or jsonl.`);
      const { withReadOnlyStore } = await import('../store.ts');
      const { iterateAudit } = await import('../../store/audit.ts');
      const { csvSafe } = await import('../../export/writers.ts');
      const { stringify } = await import('csv-stringify/sync');
      const { createWriteStream } = await import('node:fs');
      const file = opts.out ? createWriteStream(opts.out) : undefined;
      const write = (s: string) => (file ? file.write(s) : process.stdout.write(s));
      let n = 0;
      await withReadOnlyStore(async (s) => {
        if (opts.format === 'csv') write(stringify([[...COLUMNS]]));
        for await (const e of iterateAudit(s.db)) {
          n++;
          const row = {
            id: e.id,
            at: e.at.toISOString(),
            actor_id: e.actorId,
            actor: e.actor,
            action: e.action,
            target_type: e.targetType,
            target_id: e.targetId,
            before: e.before,
            after: e.after,
            detail: e.detail,
          };
          if (opts.format === 'jsonl') write(JSON.stringify(row) + '\n');
          else
            write(
              stringify([
                COLUMNS.map((k) => {
                  const v = row[k];
                  if (v === null || v === undefined) return '';
                  return csvSafe(typeof v === 'object' ? JSON.stringify(v) : v);
                }),
              ]),
            );
        }
      });
      if (file) {
        await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())));
        process.stderr.write(`${n} audit entries written to ${opts.out}\n`);
      }
    });
}

function listCommand(audit: Command): void {
  audit
    .command('list')
    .description('Show the latest audit entries (newest first).')
    .option('--target <type:id>', 'only entries about this target, e.g. user:ann or statement:M000123')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { target?: string; limit: string; json?: boolean }) => {
      const { UserError } = await import('../main.ts');
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UserError(`--limit must be a whole number from 1 to 10000, not "${opts.limit}".`);
      let targetType: string | undefined;
      let targetId: string | undefined;
      if (opts.target) {
        const i = opts.target.indexOf(':');
        if (i < 1) throw new UserError(`--target must look like type:id (e.g. user:ann), not "${opts.target}".`);
        targetType = opts.target.slice(0, i);
        targetId = opts.target.slice(i + 1);
      }
      const { withReadOnlyStore } = await import('../store.ts');
      const { listAudit } = await import('../../store/audit.ts');
      const rows = await withReadOnlyStore((s) => listAudit(s.db, { targetType, targetId, limit, order: 'desc' }));
      if (opts.json) return void console.log(JSON.stringify(rows, null, 2));
      if (!rows.length) return void console.log('nothing recorded');
      const { table } = await import('../progress.ts');
      const show = (v: unknown) => (v === null || v === undefined ? '' : JSON.stringify(v));
      console.log(
        table(
          ['#', 'when (UTC)', 'who', 'action', 'target', 'before → after'],
          rows.map((r) => [r.id, r.at.toISOString().slice(0, 19).replace('T', ' '), r.actor, r.action, `${r.targetType}:${r.targetId}`, r.before !== null || r.after !== null ? `${show(r.before)} → ${show(r.after)}` : r.detail ?? '']),
        ),
      );
    });
}
