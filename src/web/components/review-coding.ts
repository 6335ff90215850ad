// Double coding pages: the blind coding form (excerpt in context and the code type-ahead; no
// machine label, no confidence, nothing from the other coder), the adjudication form (both codes
// with their reasons), the admin's sample form, and the extraction review rows.
import type { Lang } from '../../model/index.ts';
import type { AssignmentItem } from '../../review/coding.ts';
import type { ContextBlock } from '../../review/context.ts';
import type { BlockToReview } from '../../review/extraction.ts';
import type { Taxonomy, TaxonomyRegistry } from '../../taxonomy/index.ts';
import { ROLES } from '../../extract/types.ts';
import { html, L, type Html } from '../html.ts';
import { chip, taxName } from './labels.ts';

export const CS = {
  codingIntro: {
    en: 'Code each statement yourself. You do not see the machine label, its confidence or the other coder’s code (see docs/review.md); both codes are compared once you have both coded.',
    zh: '请独立为每个条目编码。您看不到机器标签、其置信度或另一位编码人的代码（见 docs/review.md）；双方都完成后再比较。',
  },
  remaining: { en: '{n} items left to code.', zh: '还剩 {n} 项待编码。' },
  code: { en: 'Code', zh: '代码' },
  save: { en: 'Save my code', zh: '保存我的代码' },
  adjIntro: {
    en: 'The two coders chose different codes. Your code becomes the gold label (source human, adjudicated). You cannot adjudicate items you coded.',
    zh: '两位编码人选择了不同的代码。您的代码将成为金标准标签（人工来源，已裁定）。您不能裁定自己编码过的项目。',
  },
  decide: { en: 'Adjudicate', zh: '裁定' },
  nothing: { en: 'Nothing waiting.', zh: '暂无待处理项。' },
  assignIntro: {
    en: 'Give a random sample of statements on one taxonomy to two reviewers, who code it blind. Their agreement is shown on the agreement page; disagreements go to adjudication.',
    zh: '将某一分类体系下的随机样本条目分配给两位审核人进行盲编码。其一致性显示在一致性页面上；分歧进入裁定。',
  },
  share: { en: 'Share of eligible statements (%)', zh: '抽样比例（%）' },
  since: { en: 'Only statements added in the last … days (empty: all)', zh: '仅限最近 … 天内新增的条目（留空：全部）' },
  coderA: { en: 'First coder', zh: '第一编码人' },
  coderB: { en: 'Second coder', zh: '第二编码人' },
  assign: { en: 'Assign', zh: '分配' },
  assigned: { en: '{n} statements assigned.', zh: '已分配 {n} 个条目。' },
  role: { en: 'Role', zh: '角色' },
  setRole: { en: 'Set role', zh: '设置角色' },
  merge: { en: 'Merge with the next block', zh: '与下一块合并' },
  extractionIntro: {
    en: 'Blocks of ingested documents whose role the extractor was least sure of and nobody has corrected. Confirm or change the role, or merge a block with the next; the document is re-extracted at once.',
    zh: '已导入文件中抽取器最不确定且尚无人更正其角色的文本块。确认或更改角色，或与下一块合并；文件将立即重新抽取。',
  },
} as const;

function contextOf(blocks: ContextBlock[] | undefined, text: string): Html {
  if (!blocks?.length) return html`<blockquote class="excerpt">${text}</blockquote>`;
  return html`<ol class="review-context plain">${blocks.map((b) => html`<li class="${b.self ? 'self' : 'around'}">${b.self ? html`<mark>${b.text}</mark>` : b.text}</li>`)}</ol>`;
}

/** One blind coding item. */
export function codingItem(reg: TaxonomyRegistry, a: AssignmentItem, blocks: ContextBlock[] | undefined, lang: Lang, csrf: Html): Html {
  const t = reg.get(a.taxonomy);
  return html`<article class="review-item coding-item" id="assignment-${a.id}" tabindex="-1">
  <h3 class="sans small">${a.statementId} · ${taxName(t, lang)}</h3>
  <p class="small muted sans">${a.documentTitle}${a.headingPath.length ? html` › ${a.headingPath.join(' › ')}` : ''}</p>
  ${contextOf(blocks, a.text || a.name)}
  <form method="post" action="/review/coding/${a.id}" class="correct-form sans" data-key="c">${csrf}
    <label>${L(lang, CS.code)} <kbd>c</kbd> <input name="code" list="codes-${a.taxonomy}" autocomplete="off" required size="34" class="code-input"></label>
    <input name="reason" maxlength="500" size="24" aria-label="reason">
    <button type="submit">${L(lang, CS.save)}</button>
  </form>
</article>`;
}

/** One disputed item with both codes and the adjudication form. */
export function adjudicationItem(reg: TaxonomyRegistry, a: AssignmentItem, lang: Lang, csrf: Html): Html {
  const t: Taxonomy = reg.get(a.taxonomy);
  return html`<article class="review-item" id="assignment-${a.id}" tabindex="-1">
  <h3 class="sans small"><a href="/m/${a.statementId}">${a.statementId}</a> · ${taxName(t, lang)}</h3>
  <blockquote class="excerpt">${a.text || a.name}</blockquote>
  <ul class="plain small">${(a.codes ?? []).map((c) => html`<li>${c.username}: ${chip(t, c.code, lang)}${c.reason ? html` — ${c.reason}` : ''}</li>`)}</ul>
  <form method="post" action="/review/adjudication/${a.id}" class="correct-form sans">${csrf}
    <label>${L(lang, CS.code)} <input name="code" list="codes-${a.taxonomy}" autocomplete="off" required size="34" class="code-input"></label>
    <input name="reason" maxlength="500" size="24" aria-label="reason">
    <button type="submit">${L(lang, CS.decide)}</button>
  </form>
</article>`;
}

export function assignForm(reg: TaxonomyRegistry, reviewers: { id: number; username: string }[], lang: Lang, csrf: Html): Html {
  const people = reviewers.map((r) => html`<option value="${r.id}">${r.username}</option>`);
  return html`<p>${L(lang, CS.assignIntro)}</p>
<form method="post" action="/review/assign" class="sans">${csrf}
  <div class="form-row"><label for="as-tax">Taxonomy</label><select id="as-tax" name="taxonomy">${reg
    .list()
    .filter((t) => t.data.appliesTo.length)
    .map((t) => html`<option value="${t.id}">${taxName(t, lang)}</option>`)}</select></div>
  <div class="form-row"><label for="as-share">${L(lang, CS.share)}</label><input id="as-share" name="percent" type="number" min="1" max="100" value="10" required></div>
  <div class="form-row"><label for="as-since">${L(lang, CS.since)}</label><input id="as-since" name="since_days" type="number" min="1"></div>
  <div class="form-row"><label for="as-a">${L(lang, CS.coderA)}</label><select id="as-a" name="coder_a">${people}</select></div>
  <div class="form-row"><label for="as-b">${L(lang, CS.coderB)}</label><select id="as-b" name="coder_b">${people}</select></div>
  <p><button type="submit">${L(lang, CS.assign)}</button></p>
</form>`;
}

export function extractionRow(b: BlockToReview, lang: Lang, csrf: Html): Html {
  const hidden = html`${csrf}<input type="hidden" name="document" value="${b.documentId}"><input type="hidden" name="anchor" value="${b.anchor}">`;
  return html`<article class="review-item" tabindex="-1">
  <h3 class="sans small"><a href="/d/${b.documentId}">${b.documentId}</a> · ${b.documentTitle} · ${b.kind} #${b.ord}</h3>
  ${b.headingPath.length ? html`<p class="small muted sans">${b.headingPath.join(' › ')}</p>` : ''}
  <blockquote class="excerpt">${b.text}</blockquote>
  <p class="small sans">${b.role} (${b.roleSource}, ${b.confidence.toFixed(2)}) — ${b.reason}</p>
  <form method="post" action="/review/extraction" class="inline sans">${hidden}
    <label>${L(lang, CS.role)} <select name="role">${ROLES.map((r) => html`<option value="${r}"${r === b.role ? html` selected` : ''}>${r}</option>`)}</select></label>
    <button type="submit">${L(lang, CS.setRole)}</button></form>
  ${
    b.nextAnchor
      ? html`<form method="post" action="/review/extraction" class="inline sans">${hidden}<input type="hidden" name="merge_with" value="${b.nextAnchor}"><button type="submit" class="secondary">${L(lang, CS.merge)}</button></form>`
      : ''
  }
</article>`;
}
