// `govnav documents works|same|split`: documents that carry the same work (one page, counted once).
import type { Command } from 'commander';

export function register(program: Command): void {
  const docs = program
    .command('documents')
    .description('Works: documents from several datasets or ingests that are the same work (list, confirm, undo).')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  govnav documents works                 the works carried by more than one document\n' +
        '  govnav documents same --auto           detect works over the whole store (done after every import and ingest)\n' +
        '  govnav documents same D0012 D0088      a maintainer confirms: the same work\n' +
        '  govnav documents split D0088           undo: D0088 is its own work again (remembered)\n',
    );

  worksCommand(docs);
  sameCommand(docs);
  splitCommand(docs);
}

function worksCommand(docs: Command): void {
  docs
    .command('works')
    .description('List works with their member documents.')
    .option('--all', 'include works carried by one document only')
    .option('--json', 'print JSON')
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      const { withCliStore } = await import('../store.ts');
      const { listWorks } = await import('../../store/works.ts');
      await withCliStore(async (store) => {
        const works = await listWorks(store.db, { all: opts.all });
        if (opts.json) {
          console.log(JSON.stringify(works, null, 2));
          return;
        }
        if (!works.length) {
          console.log(opts.all ? 'no documents yet' : 'no work is carried by more than one document');
          return;
        }
        for (const w of works) {
          console.log(`${w.id}  ${w.title}${w.year ? ` (${w.year})` : ''}${w.doi ? `  doi:${w.doi}` : ''}`);
          for (const m of w.members)
            console.log(
              `  ${m.id}  ${m.dataset} ${m.dataset_version}  ${m.statements} statements (${m.distinct} not the same text as another)  matched by: ${m.work_match ?? 'own'}`,
            );
        }
      });
    });
}

function sameCommand(docs: Command): void {
  docs
    .command('same')
    .description('Confirm that two documents are the same work, or detect works over the whole store with --auto.')
    .argument('[documents...]', 'two document ids (D0001 D0002)')
    .option('--auto', 'run automatic detection (same DOI, title and year, or shared statement texts)')
    .option('--json', 'print JSON')
    .action(async (ids: string[], opts: { auto?: boolean; json?: boolean }) => {
      const { UserError } = await import('../main.ts');
      const { withCliStore } = await import('../store.ts');
      const { detectWorks, markSame } = await import('../../store/works.ts');
      if (opts.auto ? ids.length : ids.length !== 2) throw new UserError(opts.auto ? '--auto takes no document ids' : 'give two document ids, e.g. `govnav documents same D0012 D0088`, or --auto');
      await withCliStore(async (store) => {
        if (opts.auto) {
          const r = await store.db.transaction((tx) => detectWorks(tx));
          if (opts.json) return void console.log(JSON.stringify(r, null, 2));
          for (const j of r.joined) console.log(`${j.document} joined ${j.joined} (by ${j.by}, with ${j.with})`);
          console.log(`${r.joined.length} document(s) joined a work; ${r.canonicalChanged} statement(s) changed canonical`);
          return;
        }
        try {
          const r = await markSame(store.db, ids[0]!, ids[1]!);
          if (opts.json) return void console.log(JSON.stringify(r));
          console.log(`${ids[0]} and ${ids[1]} are one work: ${r.work}`);
        } catch (e) {
          throw new UserError((e as Error).message);
        }
      });
    });
}

function splitCommand(docs: Command): void {
  docs
    .command('split')
    .description('Undo a match: the document becomes its own work again; auto-detection will not merge it back.')
    .argument('<document>', 'document id')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const { UserError } = await import('../main.ts');
      const { withCliStore } = await import('../store.ts');
      const { splitDocument } = await import('../../store/works.ts');
      await withCliStore(async (store) => {
        try {
          const r = await splitDocument(store.db, id);
          if (opts.json) return void console.log(JSON.stringify(r));
          console.log(`${id} is now its own work ${r.work} (was in ${r.from} with ${r.others.join(', ')})`);
        } catch (e) {
          throw new UserError((e as Error).message);
        }
      });
    });
}
