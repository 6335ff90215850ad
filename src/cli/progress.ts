// Progress for long CLI work: a bar with ETA on a terminal, periodic plain lines otherwise
// (CI logs, pipes). Always on stderr, so stdout stays clean for data.
import cliProgress from 'cli-progress';

export interface Progress {
  /** Advance by n (default 1); `extra` shows next to the bar (e.g. the current file). */
  tick(n?: number, extra?: string): void;
  setTotal(total: number): void;
  stop(): void;
}

export function progress(label: string, total: number, opts: { stream?: NodeJS.WriteStream; quiet?: boolean } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { tick() {}, setTotal() {}, stop() {} };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} |{bar}| {percentage}% {value}/{total} · {rate}/s · ETA {eta_formatted} {extra}`,
        stream,
        hideCursor: true,
        etaBuffer: 50,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    const start = Date.now();
    let value = 0;
    bar.start(total, 0, { extra: '', rate: '0' });
    return {
      tick(n = 1, extra = '') {
        value += n;
        const secs = (Date.now() - start) / 1000;
        bar.update(value, { extra, rate: secs > 0 ? (value / secs).toFixed(1) : '0' });
      },
      setTotal(t) {
        bar.setTotal(t);
      },
      stop() {
        bar.stop();
      },
    };
  }
  let value = 0;
  let last = 0;
  const start = Date.now();
  let t = total;
  const line = (extra = '') => {
    const secs = (Date.now() - start) / 1000;
    const rate = secs > 0 ? value / secs : 0;
    const eta = rate > 0 && t > value ? ` · ETA ${Math.ceil((t - value) / rate)}s` : '';
    stream.write(`${label}: ${value}/${t} (${t ? Math.floor((100 * value) / t) : 100}%) · ${rate.toFixed(1)}/s${eta}${extra ? ' · ' + extra : ''}\n`);
  };
  return {
    tick(n = 1, extra = '') {
      value += n;
      if (Date.now() - last > 2000) {
        last = Date.now();
        line(extra);
      }
    },
    setTotal(x) {
      t = x;
    },
    stop() {
      line();
    },
  };
}

/** Render rows as an aligned plain-text table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => {
        const pad = ' '.repeat(Math.max(0, widths[i]! - [...c].length));
        return /^-?[\d.,]+%?$/.test(c) && i > 0 ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  return [fmt(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(fmt)].join('\n');
}
