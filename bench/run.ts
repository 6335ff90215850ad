// `npm run bench [-- name ...]`: runs every bench/<name>.ts (each exports `run(): Promise<BenchResult[]>`),
// one at a time in its own process for clean numbers, and writes the figures with the machine and
// date to docs/benchmarks.md (sections of benches not run this time are kept from the last run).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const outFile = root + 'docs/benchmarks.md';

async function child(name: string) {
  const mod = (await import(new URL(`./${name}.ts`, import.meta.url).href)) as { run: () => Promise<BenchResult[]> };
  const results = await mod.run();
  process.stdout.write('\n@@RESULTS@@' + JSON.stringify(results) + '\n');
  process.exit(0);
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let pg = '';
  try {
    pg = execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    pg = 'psql not found';
  }
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}, ${pg}`;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-GB');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(3).replace(/\.?0+$/, '') || '0';
}

async function main() {
  const childName = process.env.GOVNAV_BENCH_CHILD;
  if (childName) return child(childName);
  const all = readdirSync(benchDir)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
  const wanted = process.argv.slice(2);
  const names = wanted.length ? all.filter((n) => wanted.includes(n)) : all;
  if (!names.length) {
    console.error(`No benchmarks matched. Available: ${all.join(', ')}`);
    process.exit(2);
  }
  const sections = new Map<string, string>();
  // Prose written after a section's figures (its reading against the targets) is kept as it is.
  const notes = new Map<string, string>();
  if (existsSync(outFile)) {
    const old = readFileSync(outFile, 'utf8');
    const marked = /<!-- bench:(\S+) -->\n([\s\S]*?)<!-- \/bench -->\n([\s\S]*?)(?=\n## |$)/g;
    for (const m of old.matchAll(marked)) {
      sections.set(m[1]!, m[2]!);
      if (m[3]!.trim()) notes.set(m[1]!, m[3]!.replace(/^\n+|\n+$/g, '') + '\n');
    }
  }
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const host = machine();
  let failed = 0;
  for (const name of names) {
    process.stderr.write(`\n▶ bench ${name}\n`);
    const started = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      cwd: root,
      env: { ...process.env, GOVNAV_BENCH_CHILD: name, NODE_ENV: 'production' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('@@RESULTS@@'));
    if (r.status !== 0 || !line) {
      failed++;
      process.stderr.write(`✗ ${name} failed (exit ${r.status})\n${(r.stdout ?? '').slice(-2000)}\n`);
      sections.set(name, `_Failed on ${date} (exit ${r.status}); see the console output of \`npm run bench -- ${name}\`._\n\n`);
      continue;
    }
    const results = JSON.parse(line.slice('@@RESULTS@@'.length)) as BenchResult[];
    for (const x of results) process.stderr.write(`  ${x.name}: ${fmt(x.value)} ${x.unit}${x.note ? ` (${x.note})` : ''}\n`);
    sections.set(
      name,
      `Run ${date} on ${host}; took ${secs} s.\n\n| measure | value | unit | note |\n|---|---:|---|---|\n` +
        results.map((x) => `| ${x.name} | ${fmt(x.value)} | ${x.unit} | ${x.note ?? ''} |`).join('\n') +
        '\n\n',
    );
  }
  const body = [...sections.keys()]
    .sort()
    .map((k) => `## ${k}\n\n<!-- bench:${k} -->\n${sections.get(k)}<!-- /bench -->\n${notes.has(k) ? `\n${notes.get(k)}` : ''}`)
    .join('\n');
  writeFileSync(
    outFile,
    `# Benchmarks\n\nWritten by \`npm run bench\` (or \`npm run bench -- <name>\` for one benchmark). Each section says when and on\nwhat machine it ran; benchmarks run one at a time, each in its own process. Figures from a loaded\nmachine are not comparable with those from an idle one.\n\n${body}`,
  );
  process.stderr.write(`\nwrote ${outFile}\n`);
  if (failed) process.exit(1);
}

await main();
