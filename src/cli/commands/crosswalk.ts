// `govnav crosswalk list|show|export`: the SSSOM crosswalks between taxonomies in crosswalks/.
import { Option, type Command } from 'commander';
import { UserError } from '../main.ts';

async function load() {
  const { crosswalks } = await import('../../crosswalk/index.ts');
  return crosswalks();
}

async function pick(id: string) {
  const all = await load();
  const cw = all.find((c) => c.id === id);
  if (!cw) throw new UserError(`no crosswalk "${id}". The crosswalks are: ${all.map((c) => c.id).join(', ')} (govnav crosswalk list).`);
  return cw;
}

const short = (p: string) => p.replace('skos:', '');

export function register(program: Command): void {
  const cmd = program
    .command('crosswalk')
    .description('Crosswalks between taxonomies (SSSOM TSV files in crosswalks/): list, show, export.')
    .addHelpText(
      'after',
      '\nEach row maps a subject code to an object code with a SKOS predicate (exactMatch, closeMatch,\n' +
        'broadMatch = the object is broader, narrowMatch, relatedMatch), a justification and an author.\n' +
        'Examples:\n' +
        '  govnav crosswalk list\n' +
        '  govnav crosswalk show mitigation-v1_to_mitigation-v2\n' +
        '  govnav crosswalk show mitigation-v1_to_mitigation-v2 --code 3.3\n' +
        '  govnav crosswalk export ibm-risk-atlas_to_risk-domain --format csv > ibm.csv',
    );

  cmd
    .command('list')
    .description('List the crosswalks: id, from, to, rows, predicates, licence.')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const all = await load();
      if (opts.json) {
        console.log(JSON.stringify(all.map(({ mappings, file: _f, ...c }) => ({ ...c, rows: mappings.length })), null, 2));
        return;
      }
      const { table } = await import('../progress.ts');
      const rows = all.map((c) => {
        const counts = new Map<string, number>();
        for (const m of c.mappings) counts.set(short(m.predicate), (counts.get(short(m.predicate)) ?? 0) + 1);
        return [c.id, c.subjectPrefixes.join(', '), c.objectPrefixes.join(', '), c.mappings.length, [...counts].map(([k, v]) => `${k} ${v}`).join(', '), c.licence.replace(/^https?:\/\//, '')];
      });
      console.log(table(['id', 'from', 'to', 'rows', 'predicates', 'licence'], rows));
    });

  cmd
    .command('show')
    .description('Show the rows of one crosswalk (or only those of one code, in either direction).')
    .argument('<id>', 'crosswalk id, as printed by `govnav crosswalk list`')
    .option('--code <code>', 'only rows whose subject or object code is this')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { code?: string; json?: boolean }) => {
      const cw = await pick(id);
      const rows = cw.mappings.filter((m) => !opts.code || m.subject.code === opts.code || m.object.code === opts.code);
      if (opts.code && !rows.length) throw new UserError(`crosswalk ${id} has no row for code "${opts.code}".`);
      if (opts.json) {
        const { rowsOf } = await import('../../crosswalk/index.ts');
        console.log(JSON.stringify(rowsOf({ ...cw, mappings: rows }), null, 2));
        return;
      }
      console.log(`${cw.id}: ${cw.description}`);
      console.log(`licence ${cw.licence}${cw.attribution ? `; ${cw.attribution}` : ''}; by ${cw.creators.join(', ') || 'unknown'}\n`);
      const { table } = await import('../progress.ts');
      console.log(
        table(
          ['subject', 'predicate', 'object', 'justification'],
          rows.map((m) => [`${m.subject.code} ${m.subject.label}`, short(m.predicate), `${m.object.code} ${m.object.label}`, m.comment ?? m.justification]),
        ),
      );
    });

  cmd
    .command('export')
    .description('Write one crosswalk to standard output as SSSOM TSV (with its metadata), CSV or JSON.')
    .argument('<id>', 'crosswalk id')
    .addOption(new Option('--format <format>', 'output format').choices(['sssom', 'csv', 'json']).default('sssom'))
    .action(async (id: string, opts: { format: 'sssom' | 'csv' | 'json' }) => {
      const cw = await pick(id);
      const { rowsOf, toSssom } = await import('../../crosswalk/index.ts');
      if (opts.format === 'sssom') process.stdout.write(toSssom(cw));
      else if (opts.format === 'json') console.log(JSON.stringify({ id: cw.id, description: cw.description, licence: cw.licence, attribution: cw.attribution, creators: cw.creators, curieMap: cw.curieMap, mappings: rowsOf(cw) }, null, 2));
      else {
        const { stringify } = await import('csv-stringify/sync');
        const { csvSafe } = await import('../../export/writers.ts');
        const safe = rowsOf(cw).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, csvSafe(v)])));
        process.stdout.write(stringify(safe, { header: true }));
      }
    });
}
