// The `govnav` command. Each file in ./commands registers one command group; heavy modules are
// imported inside the actions so that `govnav --help` stays quick.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';

export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** `.js` when running the compiled build (dist/), `.ts` when running the sources through tsx. */
const OWN_EXT = import.meta.url.endsWith('.js') ? '.js' : '.ts';

export async function buildProgram(): Promise<Command> {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const program = new Command('govnav')
    .description(
      'govnav: a navigable, citable map of AI risk mitigations, principles and risks.\n' +
        'Data lives in $GOVNAV_DATA_DIR (embedded PGlite database) or in PostgreSQL when DATABASE_URL is set.',
    )
    .version(pkg.version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true });
  const dir = fileURLToPath(new URL('./commands/', import.meta.url));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(OWN_EXT) && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'))
    .sort();
  for (const f of files) {
    const mod = (await import(new URL(`./commands/${f}`, import.meta.url).href)) as { register?: (p: Command) => void };
    if (typeof mod.register === 'function') mod.register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = await buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    const err = e as Error & { exitCode?: number };
    const debug = !!process.env.GOVNAV_DEBUG;
    process.stderr.write(`govnav: ${err.message}\n`);
    if (debug && err.stack) process.stderr.write(err.stack + '\n');
    else if (!(err instanceof UserError) && err.name !== 'ValidationError' && err.name !== 'DatabaseError')
      process.stderr.write('(set GOVNAV_DEBUG=1 for the full stack trace)\n');
    process.exitCode = typeof err.exitCode === 'number' ? err.exitCode : 1;
  }
}
