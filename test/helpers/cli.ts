// Runs the `govnav` command in-process for CLI tests and captures what it prints.
// `out` holds the console.log lines joined by "\n"; with { stdout: true }, raw writes to
// process.stdout (exports) are captured too, in order, each console.log line ending in "\n".

export interface CliResult {
  out: string;
  err: string;
  code: number;
}

export async function runCli(args: string[], opts: { stdout?: boolean } = {}): Promise<CliResult> {
  const { main } = await import('../../src/cli/main.ts');
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const write = process.stdout.write.bind(process.stdout);
  const ewrite = process.stderr.write.bind(process.stderr);
  console.log = (...a: unknown[]) => void out.push(a.join(' ') + (opts.stdout ? '\n' : ''));
  if (opts.stdout) process.stdout.write = ((s: string) => (out.push(String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => (err.push(String(s)), true)) as typeof process.stderr.write;
  process.exitCode = 0;
  try {
    await main(['node', 'govnav', ...args]);
  } finally {
    console.log = log;
    process.stdout.write = write;
    process.stderr.write = ewrite;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out: opts.stdout ? out.join('') : out.join('\n'), err: err.join(''), code };
}
