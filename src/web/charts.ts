// Server-rendered SVG charts, each with the table of numbers behind it (in a <details> right below),
// so that a chart is never the only way to read the data. Colours are presentation attributes:
// the strict Content-Security-Policy forbids inline style attributes.
import type { Lang } from '../model/index.ts';
import { fmtNumber, html, type Html } from './html.ts';
import { t } from './i18n.ts';

export interface Bar {
  label: string;
  value: number;
  href?: string;
  /** Shown on hover (e.g. the category's description). */
  title?: string;
}

/** A horizontal bar chart. `id` must be unique on the page (used for aria-labelledby). */
export function barChart(opts: { id: string; caption: string; bars: Bar[]; lang: Lang; unit?: string; labelWidth?: number }): Html {
  const { id, caption, bars, lang } = opts;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowH = 24;
  const labelW = opts.labelWidth ?? 300;
  const chartW = 360;
  const width = labelW + chartW + 70;
  const height = bars.length * rowH + 8;
  // Built with the escaping template, like every page: labels and titles are document text.
  const rows = bars.map((b, i) => {
    const y = i * rowH + 4;
    const w = Math.max(b.value > 0 ? 2 : 0, Math.round((b.value / max) * chartW));
    const tip = `${b.label}: ${fmtNumber(b.value, lang)}${b.title ? ' — ' + b.title : ''}`;
    const row = html`<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" font-size="12" fill="#1d232b">${clip(b.label, Math.floor(labelW / 7))}</text><rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" rx="2" fill="#1f4e79"><title>${tip}</title></rect><text x="${labelW + w + 6}" y="${y + 15}" font-size="12" fill="#4a5360">${fmtNumber(b.value, lang)}</text>`;
    return b.href ? html`<a href="${b.href}">${row}</a>` : row;
  });
  const svg = html`<svg role="img" aria-labelledby="${id}-cap" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${rows}</svg>`;
  return html`<figure class="chart" id="${id}">
  ${svg}
  <figcaption id="${id}-cap">${caption}</figcaption>
  <details><summary>${t(lang, 'dataTable')}</summary>
    <table><thead><tr><th scope="col">${t(lang, 'name')}</th><th scope="col" class="num">${opts.unit ?? t(lang, 'count')}</th></tr></thead>
    <tbody>${bars.map((b) => html`<tr><td>${b.href ? html`<a href="${b.href}">${b.label}</a>` : b.label}</td><td class="num">${fmtNumber(b.value, lang)}</td></tr>`)}</tbody></table>
  </details>
</figure>`;
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, Math.max(1, n - 1)) + '…' : s;
}
