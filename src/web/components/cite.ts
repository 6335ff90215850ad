// The "cite this" box: the stable URL, a plain reference, the BibTeX entry and links to the BibTeX
// and CSL-JSON files (served by routes/cite.ts).
import type { Citation } from '../../cite/index.ts';
import type { Lang } from '../../model/index.ts';
import { html, L, type Html } from '../html.ts';

export const CS = {
  cite: { en: 'Cite this', zh: '引用本页' },
  stable: { en: 'Stable URL', zh: '永久链接' },
  stableHelp: {
    en: 'This address never changes: ids are never reused, and a statement that leaves the corpus keeps its page with a notice.',
    zh: '此地址不会改变：编号不会被重复使用；即使条目移出语料库，其页面仍保留并附说明。',
  },
  reference: { en: 'Reference', zh: '参考文献' },
  bibtex: { en: 'BibTeX', zh: 'BibTeX' },
  csl: { en: 'CSL-JSON (Zotero, Pandoc)', zh: 'CSL-JSON（Zotero、Pandoc）' },
  download: { en: 'Download', zh: '下载' },
  citeOriginal: {
    en: 'Quote the original document for its words; cite govnav for the labels and the record.',
    zh: '引用原文措辞时请引用原始文件；引用标签与记录时请引用 govnav。',
  },
} as const;

export function citeBox(id: string, c: Citation, lang: Lang): Html {
  return html`<section class="cite panel" aria-labelledby="cite-h">
  <h2 id="cite-h">${L(lang, CS.cite)}</h2>
  <p class="small muted">${L(lang, CS.citeOriginal)}</p>
  <div class="form-row"><label for="cite-url"><abbr class="explained" title="${L(lang, CS.stableHelp)}">${L(lang, CS.stable)}</abbr></label>
  <input id="cite-url" type="text" readonly value="${c.url}"></div>
  <h3>${L(lang, CS.reference)}</h3>
  <p class="small cite-text">${c.text}</p>
  <details><summary>${L(lang, CS.bibtex)}</summary><pre class="bibtex">${c.bibtex}</pre></details>
  <p class="small sans">${L(lang, CS.download)}: <a href="/cite/${id}.bib" download="${c.key}.bib">BibTeX</a> · <a href="/cite/${id}.json" type="application/vnd.citationstyles.csl+json" download="${c.key}.json">${L(lang, CS.csl)}</a></p>
</section>`;
}
