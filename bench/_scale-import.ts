// Import rate for the scale bench: a synthetic govnav-json file (bench/import.ts) imported with
// `govnav import` semantics (one transaction, topic linking included) into an empty store, on
// PGlite and, when DATABASE_URL is set, on PostgreSQL (in a schema of its own).
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { importPath } from '../src/importers/index.ts';
import { setPhaseProbe } from '../src/importers/run.ts';
import { openStore } from '../src/store/index.ts';
import { syntheticCorpus } from './import.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const DOCS = Number(process.env.GOVNAV_SCALE_IMPORT_DOCS ?? 100);
const PER = 500;
/** Which engines to run (comma-separated: pglite, postgres); both by default (postgres when DATABASE_URL is set). */
const ENGINES = (process.env.GOVNAV_SCALE_IMPORT_ENGINES ?? 'pglite,postgres').split(',');

/** Local ports of this process's TCP connections to `port` on the loopback (from /proc: its sockets' inodes). */
function myPortsTo(port: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length > 9 && inodes.has(f[9]!) && parseInt(f[2]!.split(':')[1]!, 16) === port) ports.add(parseInt(f[1]!.split(':')[1]!, 16));
  }
  return ports;
}

/**
 * CPU seconds used so far by the PostgreSQL server processes that serve this process (a local
 * server: its backends name the client's port in their command line), from /proc; 0 where there is
 * no /proc. Other sessions' backends on the same server are not counted.
 */
function postgresCpu(): number {
  let ticks = 0;
  try {
    const ports = myPortsTo(Number(new URL(process.env.DATABASE_URL ?? 'postgres://x:5432').port || 5432));
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const m = /^postgres: .*\((\d+)\)/.exec(cmd);
        if (!m || !ports.has(Number(m[1]))) continue;
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(f[11]) + Number(f[12]);
      } catch {
        // The process ended meanwhile.
      }
    }
  } catch {
    return 0;
  }
  return ticks / 100;
}

export async function importRates(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-scale-import-'));
  const file = join(dir, 'synthetic.govnav.json');
  writeFileSync(file, JSON.stringify(syntheticCorpus(DOCS, PER)));
  const n = DOCS * PER;
  const out: BenchResult[] = [];
  try {
    const engines: [string, string | undefined][] = [];
    if (ENGINES.includes('pglite')) engines.push(['pglite', undefined]);
    if (process.env.DATABASE_URL && ENGINES.includes('postgres')) engines.push(['postgres', process.env.DATABASE_URL]);
    for (const [engine, url] of engines) {
      const env: NodeJS.ProcessEnv = { ...process.env, GOVNAV_CONFIG: '', GOVNAV_DATA_DIR: join(dir, engine) };
      delete env.DATABASE_URL;
      if (url) env.DATABASE_URL = url;
      const config = loadConfig(env);
      const store = await openStore({ config, ...(url ? { schema: `bench_import_${process.pid}`, dropSchemaOnClose: true } : {}) });
      try {
        setPhaseProbe(url ? postgresCpu : undefined);
        const cpu = process.cpuUsage();
        const server = url ? postgresCpu() : 0;
        const t = performance.now();
        const s = await importPath(store, file);
        const secs = (performance.now() - t) / 1000;
        const used = process.cpuUsage(cpu);
        const cpuMs = (used.user + used.system) / 1000;
        const serverNote = url ? `, its PostgreSQL backends ${(postgresCpu() - server).toFixed(2)} s` : '';
        process.stderr.write(`  import ${engine}: ${n} statements in ${secs.toFixed(2)} s (CPU ${(cpuMs / 1000).toFixed(2)} s${serverNote}; load ${loadavg()[0]!.toFixed(2)})\n`);
        if (s.statements.created !== n) throw new Error(`import created ${s.statements.created} statements, expected ${n}`);
        out.push({ name: `scale import ${engine}: statements/s`, value: n / secs, unit: '/s', note: `${n.toLocaleString('en-GB')} statements in ${DOCS} documents, one transaction, topic links included; load ${loadavg()[0]!.toFixed(1)} at the end${process.env.GOVNAV_BULK_COPY === '0' ? '; COPY off (GOVNAV_BULK_COPY=0)' : ''}` });
        // The machine may be shared: CPU time is the steadier figure (PGlite: database included; PostgreSQL: client only).
        out.push({ name: `scale import ${engine}: CPU per 1,000 statements`, value: (cpuMs * 1000) / n, unit: 'ms', note: engine === 'postgres' ? 'client process only' : 'database included (in-process)' });
      } finally {
        await store.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

if (process.argv[1]?.endsWith('_scale-import.ts')) void importRates().then((r) => console.log(r));
