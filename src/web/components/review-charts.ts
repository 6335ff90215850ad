// The review pages' charts, drawn on the server as SVG like the others (src/web/charts.ts), each
// with its table of numbers: a confusion matrix between two coders, and the learning curve (κ of
// the embedded classifier on held-out reviewed labels against the number of reviewed labels).
// Colours are presentation attributes (the Content-Security-Policy forbids inline styles).
import type { ConfusionMatrix } from '../../eval/metrics.ts';
import type { Lang } from '../../model/index.ts';
import type { CurvePoint } from '../../review/learning.ts';
import { escapeHtml, fmtNumber, html, raw, type Html } from '../html.ts';
import { t } from '../i18n.ts';

/** κ or α with two decimals; "–" when undefined. */
export function fmtStat(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : '–';
}

/** A confusion matrix as a heat map (rows: first coder, columns: second), with its table. */
export function confusionChart(opts: { id: string; caption: string; cm: ConfusionMatrix; rowName: string; colName: string; lang: Lang }): Html {
  const { cm, id } = opts;
  const k = cm.labels.length;
  const cell = 34;
  const left = 90;
  const top = 70;
  const max = Math.max(1, ...cm.matrix.flat());
  const parts: string[] = [];
  cm.labels.forEach((l, i) => {
    const label = escapeHtml(l.length > 12 ? l.slice(0, 11) + '…' : l);
    parts.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" font-size="11" fill="#1d232b">${label}</text>`);
    parts.push(`<text x="${left + i * cell + cell / 2}" y="${top - 8}" text-anchor="start" font-size="11" fill="#1d232b" transform="rotate(-45 ${left + i * cell + cell / 2} ${top - 8})">${label}</text>`);
  });
  cm.matrix.forEach((row, i) =>
    row.forEach((v, j) => {
      const shade = v === 0 ? '#f4f5f7' : i === j ? `rgba(31,78,121,${0.25 + 0.75 * (v / max)})` : `rgba(176,58,46,${0.25 + 0.75 * (v / max)})`;
      const tip = escapeHtml(`${cm.labels[i]} / ${cm.labels[j]}: ${v}`);
      parts.push(`<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell - 2}" height="${cell - 2}" fill="${shade}"><title>${tip}</title></rect>`);
      if (v) parts.push(`<text x="${left + j * cell + cell / 2 - 1}" y="${top + i * cell + cell / 2 + 4}" text-anchor="middle" font-size="11" fill="${v / max > 0.5 ? '#ffffff' : '#1d232b'}">${v}</text>`);
    }),
  );
  const w = left + k * cell + 10;
  const h = top + k * cell + 10;
  const svg = `<svg role="img" aria-labelledby="${id}-cap" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
  return html`<figure class="chart" id="${id}">${raw(svg)}<figcaption id="${id}-cap">${opts.caption}</figcaption>
  <details><summary>${t(opts.lang, 'dataTable')}</summary><table class="confusion"><thead><tr><th scope="col">${opts.rowName} \\ ${opts.colName}</th>${cm.labels.map(
    (l) => html`<th scope="col">${l}</th>`,
  )}</tr></thead><tbody>${cm.matrix.map(
    (row, i) => html`<tr><th scope="row">${cm.labels[i]}</th>${row.map((v) => html`<td class="num">${fmtNumber(v, opts.lang)}</td>`)}</tr>`,
  )}</tbody></table></details></figure>`;
}

/** The learning curve: κ (y, −0.2…1) against reviewed labels used for training (x, log scale). */
export function learningChart(opts: { id: string; caption: string; points: CurvePoint[]; lang: Lang; xName: string }): Html {
  const { points, id } = opts;
  const W = 560;
  const H = 260;
  const L0 = 50;
  const B = 220;
  const plotW = W - L0 - 20;
  const plotH = B - 20;
  const xs = points.map((p) => Math.log10(Math.max(1, p.trained)));
  const x0 = Math.min(...xs, 1);
  const x1 = Math.max(...xs, x0 + 1);
  const X = (v: number) => L0 + ((v - x0) / (x1 - x0)) * plotW;
  const Y = (k: number) => B - ((Math.max(-0.2, Math.min(1, k)) + 0.2) / 1.2) * plotH;
  const parts: string[] = [];
  for (const g of [0, 0.2, 0.4, 0.6, 0.8, 1]) {
    parts.push(`<line x1="${L0}" x2="${W - 20}" y1="${Y(g)}" y2="${Y(g)}" stroke="#d9dde3"/>`);
    parts.push(`<text x="${L0 - 6}" y="${Y(g) + 4}" text-anchor="end" font-size="11" fill="#4a5360">${g.toFixed(1)}</text>`);
  }
  const pts = points.filter((p) => Number.isFinite(p.kappa));
  if (pts.length > 1) parts.push(`<polyline fill="none" stroke="#1f4e79" stroke-width="2" points="${pts.map((p) => `${X(Math.log10(p.trained)).toFixed(1)},${Y(p.kappa).toFixed(1)}`).join(' ')}"/>`);
  for (const p of pts) {
    const cx = X(Math.log10(p.trained)).toFixed(1);
    parts.push(`<circle cx="${cx}" cy="${Y(p.kappa).toFixed(1)}" r="4" fill="#1f4e79"><title>${p.trained}: κ ${fmtStat(p.kappa)}</title></circle>`);
    parts.push(`<text x="${cx}" y="${B + 16}" text-anchor="middle" font-size="11" fill="#4a5360">${p.trained}</text>`);
  }
  parts.push(`<text x="${L0 + plotW / 2}" y="${H - 4}" text-anchor="middle" font-size="11" fill="#4a5360">${escapeHtml(opts.xName)}</text>`);
  parts.push(`<text x="12" y="${B - plotH / 2}" font-size="12" fill="#4a5360">κ</text>`);
  const svg = `<svg role="img" aria-labelledby="${id}-cap" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
  return html`<figure class="chart" id="${id}">${raw(svg)}<figcaption id="${id}-cap">${opts.caption}</figcaption>
  <details><summary>${t(opts.lang, 'dataTable')}</summary><table><thead><tr><th scope="col">${opts.xName}</th><th scope="col" class="num">κ</th><th scope="col" class="num">accuracy</th><th scope="col" class="num">held out</th></tr></thead>
  <tbody>${points.map(
    (p) => html`<tr><td class="num">${fmtNumber(p.trained, opts.lang)}</td><td class="num kappa">${fmtStat(p.kappa)}</td><td class="num">${p.accuracy.toFixed(2)}</td><td class="num">${fmtNumber(p.heldOut, opts.lang)}</td></tr>`,
  )}</tbody></table></details></figure>`;
}
