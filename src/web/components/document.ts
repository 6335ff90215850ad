// The document block shown on statement and document pages: title, who published it, when, the
// abstract, the link to the source, and the licence and attribution of the data it came from.
import { DATASETS } from '../../importers/datasets.ts';
import { shortAuthors } from '../../text/authors.ts';
import type { Lang } from '../../model/index.ts';
import type { DocumentRow } from '../../store/index.ts';
import { html, L, type Html } from '../html.ts';

export const DS = {
  document: { en: 'Document', zh: '文件' },
  authors: { en: 'Authors', zh: '作者' },
  organisation: { en: 'Organisation', zh: '机构' },
  year: { en: 'Year', zh: '年份' },
  date: { en: 'Date', zh: '日期' },
  type: { en: 'Type', zh: '类型' },
  jurisdiction: { en: 'Jurisdiction', zh: '管辖范围' },
  language: { en: 'Language', zh: '语言' },
  abstract: { en: 'Abstract', zh: '摘要' },
  source: { en: 'Source', zh: '原文' },
  openSource: { en: 'Open the original', zh: '打开原文' },
  doi: { en: 'DOI', zh: 'DOI' },
  licence: { en: 'Licence', zh: '许可' },
  attribution: { en: 'Attribution', zh: '署名' },
  dataset: { en: 'Dataset', zh: '数据集' },
  licenceHelp: {
    en: 'The data about this document (statements, labels from the source) comes from this dataset and is used under its licence. Cite the original document and credit the dataset.',
    zh: '关于此文件的数据（条目、来源标签）来自该数据集，依其许可使用。请引用原始文件并注明数据集。',
  },
  untitled: { en: '(untitled)', zh: '（无标题）' },
  unknown: { en: 'unknown', zh: '未知' },
} as const;

export const DOC_TYPES: Record<string, { en: string; zh: string }> = {
  law: { en: 'Law', zh: '法律' },
  regulation: { en: 'Regulation', zh: '法规' },
  framework: { en: 'Framework', zh: '框架' },
  standard: { en: 'Standard', zh: '标准' },
  principles: { en: 'Principles', zh: '原则' },
  declaration: { en: 'Declaration', zh: '宣言' },
  guidance: { en: 'Guidance', zh: '指南' },
  policy: { en: 'Policy', zh: '政策' },
  paper: { en: 'Research paper', zh: '研究论文' },
  report: { en: 'Report', zh: '报告' },
  taxonomy: { en: 'Taxonomy', zh: '分类体系' },
  'research-agenda': { en: 'Research agenda', zh: '研究议程' },
  other: { en: 'Other', zh: '其他' },
};

export function docTypeName(t: string | null | undefined, lang: Lang): string {
  return L(lang, DOC_TYPES[t ?? 'other'] ?? { en: t ?? 'other', zh: t ?? '其他' });
}

/** Only http(s) links from untrusted data become hrefs; anything else (javascript:, data:) is dropped. */
export function safeHref(u: string | null | undefined): string | undefined {
  const s = (u ?? '').trim();
  if (!s) return undefined;
  try {
    const parsed = new URL(s);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.toString() : undefined;
  } catch (e) {
    if (e instanceof TypeError) return undefined; // not a URL: shown as text, never linked
    throw e;
  }
}

export function doiHref(doi: string | null | undefined): string | undefined {
  const d = (doi ?? '').trim().replace(/^https?:\/\/(dx\.)?doi\.org\//i, '');
  return /^10\.\d{3,9}\/\S+$/.test(d) ? `https://doi.org/${d}` : undefined;
}

const LANG_NAMES: Record<string, { en: string; zh: string }> = {
  en: { en: 'English', zh: '英语' },
  zh: { en: 'Chinese', zh: '中文' },
  fr: { en: 'French', zh: '法语' },
  de: { en: 'German', zh: '德语' },
  ja: { en: 'Japanese', zh: '日语' },
  es: { en: 'Spanish', zh: '西班牙语' },
};
export function langName(code: string | null | undefined, lang: Lang): string {
  const c = (code ?? '').toLowerCase();
  const n = LANG_NAMES[c] ?? LANG_NAMES[c.split('-')[0] ?? ''];
  return n ? L(lang, n) : code ?? '';
}

/** "Shi, Dan; Shen, Tianhao (2024)", "Bengio, Yoshua et al. (2025)" (over three authors) or "Cabinet Office, Government of Japan (2018)". */
export function byline(d: Pick<DocumentRow, 'authors' | 'organisation' | 'year' | 'date'>): string {
  const who = shortAuthors(d.authors) || d.organisation?.trim() || '';
  const when = d.year ? String(d.year) : d.date ?? '';
  return [who, when ? `(${when})` : ''].filter(Boolean).join(' ');
}

/** The compact document block (statement pages): title, byline, abstract, link, licence. */
export function documentBlock(d: DocumentRow, lang: Lang, opts: { abstractOpen?: boolean } = {}): Html {
  const href = safeHref(d.url);
  const doi = doiHref(d.doi);
  const abstract = d.abstract?.trim();
  return html`<section class="doc-block" aria-labelledby="doc-block-h">
  <h2 id="doc-block-h">${L(lang, DS.document)}</h2>
  <p class="doc-title"><a href="/d/${d.id}" lang="${d.language}">${d.title || L(lang, DS.untitled)}</a></p>
  <p class="byline" lang="${d.language}">${byline(d)}</p>
  <p class="small muted sans">${docTypeName(d.doc_type, lang)}${d.jurisdiction ? html` · ${d.jurisdiction}` : ''}${
    href ? html` · <a href="${href}" rel="noopener noreferrer nofollow">${L(lang, DS.openSource)} ↗</a>` : ''
  }${doi ? html` · <a href="${doi}" rel="noopener noreferrer nofollow">DOI ${d.doi}</a>` : ''}</p>
  ${
    abstract
      ? abstract.length > 320 && !opts.abstractOpen
        ? html`<details class="abstract"><summary>${L(lang, DS.abstract)}</summary><p lang="${d.language}">${abstract}</p></details>`
        : html`<p class="abstract small" lang="${d.language}">${abstract}</p>`
      : ''
  }
  ${licenceBlock(d, lang)}
</section>`;
}

export function licenceBlock(d: Pick<DocumentRow, 'licence' | 'attribution' | 'dataset' | 'dataset_version' | 'source_url'>, lang: Lang): Html {
  const src = safeHref(d.source_url);
  return html`<dl class="kv licence">
  <dt><abbr class="explained" title="${L(lang, DS.licenceHelp)}">${L(lang, DS.licence)}</abbr></dt><dd>${d.licence}</dd>
  <dt>${L(lang, DS.attribution)}</dt><dd>${d.attribution}</dd>
  <dt>${L(lang, DS.dataset)}</dt><dd>${src ? html`<a href="${src}" rel="noopener noreferrer nofollow">${datasetLabel(d.dataset, lang)}</a>` : datasetLabel(d.dataset, lang)}${
    datasetVersionLabel(d.dataset, d.dataset_version) ? html` <span class="muted">${datasetVersionLabel(d.dataset, d.dataset_version)}</span>` : ''
  }</dd>
</dl>`;
}

/** A dataset's human name: the title of a known public dataset, "added from a file" for ingest. */
export function datasetLabel(dataset: string | null | undefined, lang: Lang): string {
  const id = (dataset ?? '').trim();
  if (id === 'ingest') return L(lang, { en: 'Added from a document file', zh: '由文件导入' });
  return DATASETS.find((x) => x.name === id)?.title ?? id;
}

/**
 * The version worth showing: a dataset's own version; nothing for ingested files, whose version is
 * an internal fingerprint of the extracted text ("text 1a2b…").
 */
export function datasetVersionLabel(dataset: string | null | undefined, version: string | null | undefined): string {
  const v = (version ?? '').trim();
  if (!v || dataset === 'ingest' || /^text [0-9a-f]{6,}$/i.test(v)) return '';
  return v;
}
