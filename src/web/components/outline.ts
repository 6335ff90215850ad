// The outline of an ingested document on its page: every block the reader found, in order, with
// the role the extraction gave it (a badge whose title is the reason), statements linked to their
// pages, context and apparatus muted. Counts per role double as a filter (?role=), a search box finds
// text in any block (?q=), a selected block (?b=<anchor>) shows its reason in place, and long
// outlines are paged (?op=). Server-rendered, no script.
import type { Lang } from '../../model/index.ts';
import type { BlockRow } from '../../store/index.ts';
import { ROLES, type Role } from '../../extract/types.ts';
import { fmtNumber, html, L, url, type Html } from '../html.ts';

export const OS = {
  outline: { en: 'Outline of the document', zh: '文件结构' },
  help: {
    en: 'Every block of the document in order, with the role the extraction gave it. Only mitigations, risks and principles become statements; context and apparatus (contents, references, headers) are shown muted. Hover a badge for the reason, or select it to show the reason here.',
    zh: '按原文顺序列出文件的全部段落及提取时判定的角色。只有缓解措施、风险和原则成为条目；背景与辅助内容（目录、参考文献、页眉等）以浅色显示。将鼠标移到标记上可查看理由，点击标记则在此显示理由。',
  },
  all: { en: 'All blocks', zh: '全部段落' },
  filterBy: { en: 'Show blocks by role', zh: '按角色筛选段落' },
  searchLabel: { en: 'Find text in this document (any block, context included)', zh: '在本文件中查找文字（包括背景等全部段落）' },
  find: { en: 'Find', zh: '查找' },
  clear: { en: 'Clear', zh: '清除' },
  matches: { en: '{n} blocks match', zh: '{n} 个段落匹配' },
  none: { en: 'No block matches.', zh: '没有匹配的段落。' },
  page: { en: 'Page', zh: '页' },
  blocksPages: { en: 'Blocks {from}–{to} of {n}', zh: '第 {from}–{to} 段，共 {n} 段' },
  prev: { en: 'Previous', zh: '上一页' },
  next: { en: 'Next', zh: '下一页' },
  why: { en: 'Why', zh: '理由' },
  source: { en: 'Decided by', zh: '判定者' },
  confidence: { en: 'confidence', zh: '置信度' },
  openStatement: { en: 'Open statement', zh: '打开条目' },
  pageAbbr: { en: 'p.', zh: '第' },
  pageSuffix: { en: '', zh: '页' },
  printed: { en: 'page number printed on the page: {p}', zh: '页面上印的页码：{p}' },
} as const;

export const ROLE_NAMES: Record<Role, { en: string; zh: string }> = {
  mitigation: { en: 'Mitigation', zh: '缓解措施' },
  risk: { en: 'Risk', zh: '风险' },
  principle: { en: 'Principle', zh: '原则' },
  context: { en: 'Context', zh: '背景' },
  apparatus: { en: 'Apparatus', zh: '辅助内容' },
};
export const ROLE_HELP: Record<Role, { en: string; zh: string }> = {
  mitigation: { en: 'A measure that reduces a risk: a statement.', zh: '降低风险的措施：成为条目。' },
  risk: { en: 'A risk the document describes: a statement.', zh: '文件所述的风险：成为条目。' },
  principle: { en: 'A principle the document states: a statement.', zh: '文件提出的原则：成为条目。' },
  context: { en: 'Headings, background, definitions, examples: kept for reading, not a statement.', zh: '标题、背景、定义、示例：供阅读，不成为条目。' },
  apparatus: { en: 'Contents, references, running headers, acknowledgements: not part of the argument.', zh: '目录、参考文献、页眉页脚、致谢：不属于正文论述。' },
};
const SOURCE_NAMES = {
  embedded: { en: 'the embedded classifier', zh: '内置分类器' },
  llm: { en: 'a language model', zh: '大语言模型' },
  human: { en: 'a maintainer', zh: '维护者' },
} as const;

export const OUTLINE_PAGE = 300;

/** Text compared for the in-document search: NFKC, lower case, whitespace collapsed. */
function fold(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
}

/** The block text with every match of q marked (escaped: html`` escapes each piece). */
function marked(text: string, q: string): Html | string {
  if (!q) return text;
  const lower = text.toLowerCase();
  const needle = q.toLowerCase();
  if (!needle || lower.length !== text.length) return text; // case mapping changed lengths: no marks
  const parts: (Html | string)[] = [];
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0 && parts.length < 40; i = lower.indexOf(needle, i + needle.length)) {
    parts.push(text.slice(at, i), html`<mark>${text.slice(i, i + needle.length)}</mark>`);
    at = i + needle.length;
  }
  parts.push(text.slice(at));
  return html`${parts}`;
}

export interface OutlineView {
  documentId: string;
  language: string;
  text: string;
  blocks: readonly BlockRow[];
  role?: Role;
  q?: string;
  /** Anchor of the selected block. */
  selected?: string;
  page: number;
}

/** Parse ?role=, ?q=, ?b= and ?op= (bad values are ignored, not errors). */
export function outlineParams(query: (k: string) => string | undefined): Pick<OutlineView, 'role' | 'q' | 'selected' | 'page'> {
  const r = query('role');
  const role = r && (ROLES as readonly string[]).includes(r) ? (r as Role) : undefined;
  const q = (query('q') ?? '').trim().slice(0, 200) || undefined;
  const b = query('b');
  const selected = b && /^[0-9a-f]{6,64}$/.test(b) ? b : undefined;
  const p = Number(query('op') ?? 1);
  return { role, q, selected, page: Number.isInteger(p) && p >= 1 ? p : 1 };
}

export function outlineSection(v: OutlineView, lang: Lang): Html {
  const counts = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
  for (const b of v.blocks) counts[b.role]++;
  const base = `/d/${v.documentId}`;
  const link = (p: { role?: Role; q?: string; b?: string; op?: number }, hash = '#outline-h') =>
    url(base, { role: 'role' in p ? p.role : v.role, q: 'q' in p ? p.q : v.q, b: p.b, op: p.op && p.op > 1 ? p.op : undefined }) + hash;

  const needle = v.q ? fold(v.q) : '';
  const shown = v.blocks.filter((b) => (!v.role || b.role === v.role) && (!needle || fold(v.text.slice(b.char_start, b.char_end)).includes(needle)));
  // The selected block's page, so that selecting a badge never lands on another page.
  let page = v.page;
  if (v.selected) {
    const at = shown.findIndex((b) => b.anchor === v.selected);
    if (at >= 0) page = Math.floor(at / OUTLINE_PAGE) + 1;
  }
  const pages = Math.max(1, Math.ceil(shown.length / OUTLINE_PAGE));
  page = Math.min(page, pages);
  const slice = shown.slice((page - 1) * OUTLINE_PAGE, page * OUTLINE_PAGE);

  const filter = html`<nav class="role-filter sans small" aria-label="${L(lang, OS.filterBy)}"><ul>
<li><a href="${link({ role: undefined })}"${!v.role ? html` aria-current="true"` : ''}>${L(lang, OS.all)} <span class="muted">${fmtNumber(v.blocks.length, lang)}</span></a></li>
${ROLES.map(
  (r) =>
    html`<li><a class="role-link role-${r}" href="${link({ role: r })}" title="${L(lang, ROLE_HELP[r])}"${v.role === r ? html` aria-current="true"` : ''}>${L(lang, ROLE_NAMES[r])} <span class="muted">${fmtNumber(counts[r], lang)}</span></a></li>`,
)}
</ul></nav>`;

  const form = html`<form class="outline-search search-form sans" method="get" action="${base}#outline-h" role="search">
<label for="outline-q" class="small">${L(lang, OS.searchLabel)}</label>
<input id="outline-q" type="search" name="q" value="${v.q ?? ''}" maxlength="200">
${v.role ? html`<input type="hidden" name="role" value="${v.role}">` : ''}
<button type="submit">${L(lang, OS.find)}</button>${v.q ? html` <a href="${link({ q: undefined })}">${L(lang, OS.clear)}</a>` : ''}
</form>`;

  const item = (b: BlockRow) => {
    const raw = v.text.slice(b.char_start, b.char_end);
    const isSel = v.selected === b.anchor;
    const muted = b.role === 'context' || b.role === 'apparatus';
    const reason = `${L(lang, ROLE_NAMES[b.role])}: ${b.reason}`;
    const printed = b.printed_page && b.printed_page !== String(b.page) ? L(lang, OS.printed).replace('{p}', b.printed_page) : undefined;
    const pageNo =
      b.page !== null
        ? html`<span class="ob-page muted"${printed ? html` title="${printed}"` : ''}>${L(lang, OS.pageAbbr)} ${b.page}${L(lang, OS.pageSuffix)}${printed ? html` (${b.printed_page})` : ''}</span>`
        : '';
    const badge = html`<a class="role-badge role-${b.role}" href="${link({ b: b.anchor }, `#b-${b.ord}`)}" title="${reason}">${L(lang, ROLE_NAMES[b.role])}</a>`;
    const content =
      b.kind === 'heading'
        ? html`<strong class="ob-heading" lang="${v.language}">${marked(raw, v.q ?? '')}</strong>`
        : html`<span class="ob-text" lang="${v.language}">${b.kind === 'item' && b.marker ? html`<span class="muted">${b.marker}</span> ` : ''}${marked(raw, v.q ?? '')}</span>`;
    const stmt = b.statement_id ? html` <a class="ob-stmt code" href="/m/${b.statement_id}" title="${L(lang, OS.openStatement)}">${b.statement_id}</a>` : '';
    const why = isSel
      ? html`<p class="ob-why small sans"><b>${L(lang, OS.why)}:</b> ${b.reason} · ${L(lang, OS.source)} ${L(lang, SOURCE_NAMES[b.role_source])} · ${L(lang, OS.confidence)} ${b.confidence.toFixed(2)}</p>`
      : '';
    const indent = b.kind === 'item' && b.level ? ` ob-depth-${Math.min(b.level, 4)}` : '';
    return html`<li id="b-${b.ord}" class="ob ob-${b.kind}${muted ? ' ob-muted' : ''}${isSel ? ' ob-selected' : ''}${indent}">${badge} ${pageNo} ${content}${stmt}${why}</li>`;
  };

  const pager =
    pages > 1
      ? html`<nav class="pager" aria-label="${L(lang, OS.page)}">${page > 1 ? html`<a href="${link({ op: page - 1 })}" rel="prev">← ${L(lang, OS.prev)}</a>` : ''} <span>${L(lang, OS.blocksPages)
          .replace('{from}', fmtNumber((page - 1) * OUTLINE_PAGE + 1, lang))
          .replace('{to}', fmtNumber((page - 1) * OUTLINE_PAGE + slice.length, lang))
          .replace('{n}', fmtNumber(shown.length, lang))}</span> ${page < pages ? html`<a href="${link({ op: page + 1 })}" rel="next">${L(lang, OS.next)} →</a>` : ''}</nav>`
      : '';

  return html`<section aria-labelledby="outline-h" class="outline-section"><h2 id="outline-h">${L(lang, OS.outline)}</h2>
<p class="small muted sans">${L(lang, OS.help)}</p>
${filter}
${form}
${v.q || v.role ? html`<p class="result-count sans small" role="status">${shown.length ? L(lang, OS.matches).replace('{n}', fmtNumber(shown.length, lang)) : L(lang, OS.none)}</p>` : ''}
${pager}
<ol class="outline">${slice.map(item)}</ol>
${pager}
</section>`;
}
