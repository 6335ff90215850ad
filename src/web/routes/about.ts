// /about: where the data comes from and under which licence (every dataset and every distinct
// licence/attribution carried by documents), where the taxonomies come from, what the kinds of
// label mean, and how to cite govnav records.
import { datasetLabel, datasetVersionLabel } from '../components/document.ts';
import type { Hono } from 'hono';
import { readAboutStats } from '../../store/read/stats.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { fmtNumber, html, L } from '../html.ts';
import { t } from '../i18n.ts';
import { renderPage } from '../layout.ts';
import { safeHref } from '../components/document.ts';
import { LS } from '../components/labels.ts';

const S = {
  title: { en: 'About govnav, sources and licences', zh: '关于 govnav、数据来源与许可' },
  intro: {
    en: 'govnav is an open-source research tool. It shows statements taken from AI governance documents — mitigations, principles and risks — with labels on several taxonomies, and says for each label who made it. The texts belong to their authors; the structured data comes from the datasets below, under their licences.',
    zh: 'govnav 是一个开源研究工具。它展示取自人工智能治理文件的条目——缓解措施、原则与风险——及其在多个分类体系下的标签，并注明每个标签的来源。文本归其作者所有；结构化数据来自下列数据集，遵循其各自的许可。',
  },
  datasets: { en: 'Datasets', zh: '数据集' },
  datasetsNone: { en: 'No dataset has been imported yet.', zh: '尚未导入任何数据集。' },
  dataset: { en: 'Dataset', zh: '数据集' },
  version: { en: 'Version', zh: '版本' },
  licence: { en: 'Licence', zh: '许可' },
  attribution: { en: 'Attribution', zh: '署名' },
  imported: { en: 'Imported', zh: '导入时间' },
  documents: { en: 'Documents', zh: '文件数' },
  sources: { en: 'Licences carried by documents', zh: '文件所附的许可' },
  sourcesHelp: {
    en: 'Each document records the licence and attribution of the data it came from; this table lists every distinct one.',
    zh: '每份文件都记录其数据来源的许可与署名；下表列出所有不同的组合。',
  },
  taxonomies: { en: 'Taxonomies', zh: '分类体系' },
  taxonomiesHelp: {
    en: 'Codes and names follow their publishers; descriptions are govnav’s own words. Names marked * were not published and were chosen by govnav.',
    zh: '代码与名称遵循其发布方；说明文字为 govnav 自行撰写。标有 * 的名称未经发布，由 govnav 拟定。',
  },
  labels: { en: 'What the labels mean', zh: '标签的含义' },
  labelsIntro: {
    en: 'A statement can carry several labels on one taxonomy; exactly one is current. Every label page shows where it came from:',
    zh: '一个条目在同一分类体系下可以有多个标签，但只有一个是当前标签。每个标签都会注明来源：',
  },
  cite: { en: 'How to cite', zh: '如何引用' },
  citeText: {
    en: 'Quote and cite the original document for its words. To cite a govnav record (a statement with its labels, or a document), use its stable URL (/m/<id> or /d/<id>): ids are never reused. Every statement and document page has a “Cite this” box with BibTeX and CSL-JSON (for Zotero, Pandoc and other reference managers), also at /cite/<id>.bib and /cite/<id>.json. Credit the dataset named on the page.',
    zh: '引用原文措辞时请引用原始文件。引用 govnav 记录（带标签的条目或文件）时，请使用其永久链接（/m/<编号> 或 /d/<编号>）：编号不会被重复使用。每个条目和文件页面都有“引用本页”框，提供 BibTeX 和 CSL-JSON（适用于 Zotero、Pandoc 等文献管理工具），亦可通过 /cite/<编号>.bib 和 /cite/<编号>.json 获取。请注明页面上列出的数据集。',
  },
  software: { en: 'Software', zh: '软件' },
  softwareText: {
    en: 'govnav is free software under the Apache License 2.0. Its own texts (descriptions, interface) are published under the same licence.',
    zh: 'govnav 是基于 Apache 2.0 许可的自由软件。其自有文字（说明、界面）以相同许可发布。',
  },
  feedback: { en: 'Found a mistake? Every page has a feedback link at the top.', zh: '发现错误？每个页面顶部都有反馈链接。' },
} as const;

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  app.get('/about', async (c) => {
    const lang = c.get('lang');
    const db = ctx.store.db;
    const { datasets, sources } = await readAboutStats(db);
    const link = (u: string | null, text: string) => {
      const h = safeHref(u);
      return h ? html`<a href="${h}" rel="noopener noreferrer">${text}</a>` : html`${text}`;
    };
    const kinds = ['human', 'imported', 'annotation', 'llm', 'embedded'] as const;
    const kindName = { human: LS.human, imported: LS.imported, annotation: LS.annotation, llm: LS.llm, embedded: LS.embedded };
    const body = html`<h1>${L(lang, S.title)}</h1>
<p class="lede">${L(lang, S.intro)}</p>
<section aria-labelledby="ds-h"><h2 id="ds-h">${L(lang, S.datasets)}</h2>
${
  datasets.length
    ? html`<div class="table-scroll"><table><thead><tr><th scope="col">${L(lang, S.dataset)}</th><th scope="col">${L(lang, S.version)}</th><th scope="col">${L(lang, S.licence)}</th><th scope="col">${L(lang, S.attribution)}</th><th scope="col" class="num">${L(lang, S.documents)}</th><th scope="col">${L(lang, S.imported)}</th></tr></thead>
<tbody>${datasets.map(
        (d) => html`<tr><td>${link(d.source_url, datasetLabel(d.id, lang))} <span class="code muted">${d.id}</span></td><td>${datasetVersionLabel(d.id, d.version)}</td><td>${d.licence}</td><td>${d.attribution}</td><td class="num">${fmtNumber(d.n, lang)}</td><td>${new Date(d.imported_at).toISOString().slice(0, 10)}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p class="muted">${L(lang, S.datasetsNone)}</p>`
}
</section>
${
  sources.length
    ? html`<section aria-labelledby="src-h"><h2 id="src-h">${L(lang, S.sources)}</h2><p class="small muted">${L(lang, S.sourcesHelp)}</p>
<div class="table-scroll"><table><thead><tr><th scope="col">${L(lang, S.dataset)}</th><th scope="col">${L(lang, S.licence)}</th><th scope="col">${L(lang, S.attribution)}</th><th scope="col" class="num">${L(lang, S.documents)}</th></tr></thead>
<tbody>${sources.map((s) => html`<tr><td>${link(s.source_url, s.dataset)}</td><td>${s.licence}</td><td>${s.attribution}</td><td class="num">${fmtNumber(s.n, lang)}</td></tr>`)}</tbody></table></div></section>`
    : ''
}
<section aria-labelledby="lab-h"><h2 id="lab-h">${L(lang, S.labels)}</h2>
<p>${L(lang, S.labelsIntro)}</p>
<dl class="kv about-labels">${kinds.map((k) => html`<dt>${L(lang, kindName[k])}</dt><dd>${L(lang, LS.sourceExplained[k])}</dd>`)}
<dt>${L(lang, LS.current)}</dt><dd>${L(lang, LS.whyCurrent)}</dd></dl>
</section>
<section aria-labelledby="tax-h"><h2 id="tax-h">${L(lang, S.taxonomies)}</h2>
<p class="small muted">${L(lang, S.taxonomiesHelp)}</p>
<ul>${ctx.store.taxonomies.list().map(
      (tx) => html`<li><a href="/t/${tx.id}">${L(lang, tx.data.name)}</a> <span class="small muted">(${tx.version})</span> — <span class="small">${tx.data.source.citation}</span>${
        safeHref(tx.data.source.url) ? html` <a class="small" href="${safeHref(tx.data.source.url)!}" rel="noopener noreferrer">↗</a>` : ''
      }</li>`,
    )}</ul>
</section>
<section aria-labelledby="cite-h"><h2 id="cite-h">${L(lang, S.cite)}</h2><p>${L(lang, S.citeText)}</p></section>
<section aria-labelledby="sw-h"><h2 id="sw-h">${L(lang, S.software)}</h2><p>${L(lang, S.softwareText)}</p><p class="small">${L(lang, S.feedback)}</p></section>`;
    return c.html(renderPage(c, { title: L(lang, S.title), body, crumbs: [[t(lang, 'home'), '/'], [L(lang, S.title)]] }));
  });
}
