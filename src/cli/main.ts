// The `govnav` command. Each module listed in ./commands/index.ts registers one command group; heavy modules are
// imported inside the actions so that `govnav --help` stays quick.
import { readFileSync } from 'node:fs';
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
  const { COMMAND_MODULES } = await import('./commands/index.ts');
  for (const m of COMMAND_MODULES) m.register(program);
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
