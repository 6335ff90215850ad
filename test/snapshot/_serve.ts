// Starting `govnav serve` as a user would (a child process on its own data directory) and waiting
// for the address it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BUNDLED = fileURLToPath(new URL('../../snapshot/govnav-snapshot.json.gz', import.meta.url));
export const MANIFEST = fileURLToPath(new URL('../../snapshot/MANIFEST.json', import.meta.url));

export interface Served {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}

export function cliEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOVNAV_DATA_DIR: dataDir, GOVNAV_CONFIG: '', NO_COLOR: '1', ...extra };
  delete env.DATABASE_URL; // these runs use the embedded database in their own directory
  delete env.GOVNAV_QUIET;
  delete env.PORT;
  return env;
}

export function serve(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 300_000): Promise<Served> {
  const child = spawn(process.execPath, ['bin/govnav.js', 'serve', '--port', '0', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`serve did not start in time.\nstdout: ${out}\nstderr: ${err}`));
    }, timeoutMs);
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /open (http:\/\/[0-9.]+:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child, stderr: () => err, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before listening.\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}
