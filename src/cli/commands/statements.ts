// `govnav statements …`: look at a document's outline and correct its extraction. A correction is
// recorded (never deleted; a later one wins), then the document is extracted again from its stored
// outline with all its corrections, in one transaction. Re-ingesting the file applies them again.
import type { Command } from 'commander';
import { ROLES, type Correction, type Role } from '../../extract/types.ts';

interface Common {
  json?: boolean;
  author?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command('statements')
    .description("Show a document's outline and correct its extraction (set a block's role, merge or split statements).")
    .addHelpText(
      'after',
      '\nA block is named by the statement built from it (M000012) or as <document-id>#<anchor> (the anchor\n' +
        'prefix shown by `govnav statements outline`). Corrections are kept and applied again whenever the\n' +
        'document is re-ingested; statements that stop being statements are retired, the others keep their ids.\n\n' +
        'Examples:\n' +
        '  govnav statements outline D0003\n' +
        '  govnav statements set-role M000120 context\n' +
        '  govnav statements set-role D0003#9f2c41aa risk\n' +
        '  govnav statements merge M000121 M000122\n' +
        '  govnav statements split M000121',
    );

  outlineCommand(cmd);

  const correction = (name: string, description: string, args: string) =>
    cmd
      .command(name)
      .description(description)
      .argument(args)
      .option('--author <name>', 'who made the correction (default: $USER)')
      .option('--json', 'print the result as JSON');

  correction('set-role', "set a block's role (and so whether it is a statement, and of which kind)", '<block>')
    .argument('<role>', ROLES.join(' | '))
    .action(async (ref: string, role: string, opts: Common) => {
      const { UserError } = await import('../main.ts');
      if (!(ROLES as readonly string[]).includes(role)) throw new UserError(`role "${role}" is not one of ${ROLES.join(', ')}.`);
      await apply(opts, [ref], (refs) => refs[0]!.anchors.map((anchor) => ({ op: 'set-role', anchor, role: role as Role })));
    });

  correction('merge', 'merge the blocks of two or more statements into one statement', '<statements...>').action(
    async (refs: string[], opts: Common) => {
      const { UserError } = await import('../main.ts');
      if (refs.length < 2) throw new UserError('merge needs at least two statements or blocks.');
      await apply(opts, refs, (resolved) => [{ op: 'merge', anchors: [...new Set(resolved.flatMap((r) => r.anchors))] }]);
    },
  );

  correction('split', 'split a statement built from several blocks back into one statement per block', '<statement>').action(
    async (ref: string, opts: Common) => {
      await apply(opts, [ref], (resolved) => resolved[0]!.anchors.map((anchor) => ({ op: 'split', anchor })));
    },
  );
}

function outlineCommand(cmd: Command): void {
  cmd
    .command('outline')
    .description('print the outline of a document: every block with its role')
    .argument('<document-id>')
    .option('--role <role>', `only blocks with this role (${ROLES.join(', ')})`)
    .option('--json', 'print the blocks as JSON')
    .action(async (documentId: string, opts: { role?: string; json?: boolean }) => {
      const { UserError } = await import('../main.ts');
      const { withCliStore } = await import('../store.ts');
      const { listDocumentBlocks, listCorrectionRows } = await import('../../store/index.ts');
      const { dimmer, outlineText } = await import('./ingest.ts');
      if (opts.role && !(ROLES as readonly string[]).includes(opts.role)) throw new UserError(`--role "${opts.role}" is not one of ${ROLES.join(', ')}.`);
      await withCliStore(
        async (store) => {
          const [t] = await documentText(store.db, documentId);
          if (!t) throw new UserError(`document ${documentId} does not exist.`);
          const rows = await listDocumentBlocks(store.db, documentId);
          if (!rows.length || t.text === null)
            throw new UserError(`document ${documentId} has no stored outline (it was not ingested, or was ingested before outlines were kept: ingest its file again).`);
          const docText = t.text;
          const lines = rows
            .filter((r) => !opts.role || r.role === opts.role)
            .map((r) => ({
              ord: r.ord,
              anchor: r.anchor,
              ...(r.page !== null ? { page: r.page } : {}),
              kind: r.kind,
              role: r.role,
              source: r.role_source,
              confidence: r.confidence,
              reason: r.reason,
              text: docText.slice(r.char_start, r.char_end),
              ...(r.statement_id ? { statementId: r.statement_id } : {}),
            }));
          if (opts.json) {
            console.log(JSON.stringify({ documentId, blocks: lines, corrections: await listCorrectionRows(store.db, documentId) }, null, 2));
            return;
          }
          const counts = new Map<Role, number>();
          for (const r of rows) counts.set(r.role, (counts.get(r.role) ?? 0) + 1);
          console.log(`${documentId} "${t.title}": ${rows.length} blocks (${ROLES.map((r) => `${counts.get(r) ?? 0} ${r}`).join(', ')})`);
          for (const line of outlineText(lines, dimmer())) console.log(line);
        },
        { quiet: !!opts.json },
      );
    });
}

async function apply(opts: Common, refs: string[], make: (resolved: import('../../ingest/index.ts').BlockRef[]) => Correction[]): Promise<void> {
  const { UserError } = await import('../main.ts');
  const { withCliStore } = await import('../store.ts');
  const { CorrectionError, correctDocument, resolveBlockRef } = await import('../../ingest/index.ts');
  const { roleSummary } = await import('./ingest.ts');
  await withCliStore(
    async (store) => {
      let resolved;
      try {
        resolved = [];
        for (const r of refs) resolved.push(await resolveBlockRef(store.db, r));
      } catch (e) {
        if (e instanceof CorrectionError) throw new UserError(e.message);
        throw e;
      }
      const docs = new Set(resolved.map((r) => r.documentId));
      if (docs.size > 1) throw new UserError(`the blocks belong to different documents (${[...docs].join(', ')}); a correction concerns one document.`);
      const documentId = resolved[0]!.documentId;
      const corrections = make(resolved);
      const before = new Set(await liveStatementIds(store.db, documentId));
      let res;
      try {
        res = await correctDocument(store.db, documentId, corrections, { author: opts.author ?? process.env.USER ?? '' });
      } catch (e) {
        if (e instanceof CorrectionError) throw new UserError(e.message);
        throw e;
      }
      const added = res.statementIds.filter((id) => !before.has(id));
      const gone = [...before].filter((id) => !res.statementIds.includes(id));
      if (opts.json) {
        const { outline: _o, ...rest } = res;
        console.log(JSON.stringify({ ...rest, corrections: res.corrections, added, retiredIds: gone }, null, 2));
        return;
      }
      console.log(`${documentId}: correction recorded (${res.corrections} in all), extraction re-run.`);
      console.log(`  ${roleSummary({ byKind: res.byKind, blocks: res.blocks })}`);
      console.log(`  ${res.statements} statements: ${res.created} created, ${res.updated} updated, ${res.unchanged} unchanged, ${res.retired} retired`);
      if (added.length) console.log(`  new: ${added.join(', ')}`);
      if (gone.length) console.log(`  retired: ${gone.join(', ')}`);
    },
    { quiet: !!opts.json },
  );
}

type Db = import('../../store/index.ts').Db;

/** A document's title and its stored text (null when it was not ingested); no row when there is no such document. */
async function documentText(db: Db, documentId: string): Promise<{ text: string | null; title: string }[]> {
  const { z } = await import('zod');
  const { parseRows } = await import('../../store/schema/index.ts');
  const rows = await db.query('SELECT t.text, d.title FROM documents d LEFT JOIN document_texts t ON t.document_id = d.id WHERE d.id = $1', [documentId]);
  return parseRows(z.object({ text: z.string().nullable(), title: z.string() }), rows, `statements outline: the text of ${documentId}`);
}

/** The ids of a document's statements that are not retired. */
async function liveStatementIds(db: Db, documentId: string): Promise<string[]> {
  const { parseRows, tables } = await import('../../store/schema/index.ts');
  const rows = await db.query('SELECT id FROM statements WHERE document_id = $1 AND retired_at IS NULL', [documentId]);
  return parseRows(tables.statements.row.pick({ id: true }), rows, `statements: the statements of ${documentId}`).map((r) => r.id);
}
