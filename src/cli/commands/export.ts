// `govnav export`: every statement matching a query (the same parameters as /search and the API)
// as CSV, JSON, JSON Lines or XLSX, to a file or stdout.
import type { Command } from 'commander';

interface ExportOpts {
  format: string;
  out?: string;
  q?: string;
  facet: string[];
  query?: string;
  batch?: string;
  baseUrl?: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function register(program: Command): void {
  program
    .command('export')
    .description('Export every statement matching a query (the filters of /search) as CSV, JSON, JSON Lines or XLSX.')
    .option('-f, --format <format>', 'csv | json | jsonl | xlsx', 'csv')
    .option('-o, --out <file>', 'write to this file (default: stdout; required for xlsx on a terminal)')
    .option('--q <text>', 'full-text query (as q= on /search)')
    .option('--facet <name=value>', 'a filter such as risk-domain=2.1, kind=mitigation, doc=D0001, year=2024 (repeatable)', collect, [])
    .option('--query <string>', 'a whole query string copied from a /search URL, e.g. "q=audit&risk-domain=2"')
    .option('--batch <n>', 'rows per database round trip (default 1000)')
    .option('--base-url <url>', 'public base URL for the stable statement URLs (default: config baseUrl)')
    .addHelpText(
      'after',
      '\nExamples:\n  govnav export --format csv --facet risk-domain=2.1 --out privacy.csv\n' +
        '  govnav export --format jsonl --q "red teaming" --facet kind=mitigation > red-teaming.jsonl\n' +
        '  govnav export --format xlsx --query "doc=D0003&lifecycle=deploy" -o deploy.xlsx',
    )
    .action(async (opts: ExportOpts) => {
      const { UserError } = await import('../main.ts');
      const { EXPORT_FORMATS, exportStatements, queryFromParams, QueryParamError } = await import('../../export/index.ts');
      const { withCliStore } = await import('../store.ts');
      const { progress } = await import('../progress.ts');
      const { loadConfig } = await import('../../config.ts');
      const { createWriteStream } = await import('node:fs');
      const format = opts.format as (typeof EXPORT_FORMATS)[number];
      if (!EXPORT_FORMATS.includes(format)) throw new UserError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, not "${opts.format}".`);
      if (format === 'xlsx' && !opts.out && process.stdout.isTTY) throw new UserError('XLSX is binary: give --out FILE or redirect stdout to a file.');
      const params = new URLSearchParams(opts.query ?? '');
      if (opts.q) params.append('q', opts.q);
      for (const f of opts.facet) {
        const i = f.indexOf('=');
        if (i <= 0) throw new UserError(`--facet "${f}" must look like name=value, e.g. risk-domain=2.1`);
        params.append(f.slice(0, i), f.slice(i + 1));
      }
      const batch = opts.batch ? Number(opts.batch) : undefined;
      if (batch !== undefined && (!Number.isInteger(batch) || batch < 1 || batch > 50000)) throw new UserError('--batch must be a whole number from 1 to 50000.');
      const config = loadConfig();
      await withCliStore(async (store) => {
        let query;
        try {
          query = queryFromParams(params, store.taxonomies);
        } catch (e) {
          if (e instanceof QueryParamError) throw new UserError(`Bad query: ${e.message}`);
          throw e;
        }
        const out = opts.out ? createWriteStream(opts.out) : process.stdout;
        const bar = progress(`export ${format}`, 0);
        const started = Date.now();
        let totalSeen = 0;
        let done = 0;
        const res = await exportStatements(store.db, store.taxonomies, {
          format,
          query,
          out,
          batchSize: batch,
          baseUrl: opts.baseUrl ?? config.baseUrl,
          onBatch: (n, total) => {
            if (total !== totalSeen) bar.setTotal((totalSeen = total));
            bar.tick(n - done);
            done = n;
          },
        });
        bar.stop();
        const secs = (Date.now() - started) / 1000;
        process.stderr.write(
          `exported ${res.rows} statements as ${format}${opts.out ? ` to ${opts.out}` : ''} in ${secs.toFixed(1)}s` +
            (params.toString() ? ` (query: ${params.toString()})` : ' (no filter: every statement)') + '\n',
        );
      });
    });
}
