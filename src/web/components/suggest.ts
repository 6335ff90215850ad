// "Suggest a different label": the link under each label of a statement page, and the form it opens
// (GET /suggest/<id>?taxonomy=…, which posts to /m/<id>/suggest). The form lists every code a
// reader may pick with its description, takes a reason, carries the CSRF token and a honeypot.
// The form lives on its own page, not on the statement page, because statement pages are cached
// for everyone and a form carries a per-visitor token.
import type { Lang } from '../../model/index.ts';
import type { Taxonomy } from '../../taxonomy/index.ts';
import { html, L, type Html } from '../html.ts';

export const SG = {
  link: { en: 'Suggest a different label', zh: '建议其他标签' },
  title: { en: 'Suggest a different label', zh: '建议其他标签' },
  intro: {
    en: 'Pick the code you think fits this statement and say why. A reviewer reads every suggestion; if it is accepted it becomes the label, with your reason.',
    zh: '请选择您认为适合该条目的代码并说明理由。审核人会阅读每条建议；一经采纳即成为标签，并附上您的理由。',
  },
  current: { en: 'Current label', zh: '当前标签' },
  none: { en: 'none yet', zh: '尚无' },
  code: { en: 'Your label', zh: '您建议的标签' },
  reason: { en: 'Why', zh: '理由' },
  reasonHint: { en: 'Between 3 and 2,000 characters: what in the text supports your label.', zh: '3 至 2000 个字符：文本中支持您建议的依据。' },
  send: { en: 'Send suggestion', zh: '提交建议' },
  asReader: {
    en: 'You are not signed in: your suggestion is recorded as a reader’s, with a one-way hash of your network address to limit abuse.',
    zh: '您尚未登录：您的建议将作为读者建议记录，并保存网络地址的单向哈希以防滥用。',
  },
  asAccount: { en: 'Your suggestion is attributed to your account, {u}.', zh: '您的建议将归属于您的账户 {u}。' },
  honeypot: { en: 'Leave this field empty', zh: '请勿填写此项' },
  thanks: { en: 'Thank you: your suggestion is in the review queue.', zh: '谢谢：您的建议已进入审核队列。' },
} as const;

/** The link shown under a label on the statement page. */
export function suggestLink(statementId: string, taxonomy: string, lang: Lang): Html {
  return html`<p class="small sans suggest-link"><a href="/suggest/${statementId}?taxonomy=${encodeURIComponent(taxonomy)}" rel="nofollow">${L(lang, SG.link)}</a></p>`;
}

/** The codes as radio buttons grouped under their top-level category, each with its description. */
function codeChoices(tax: Taxonomy, lang: Lang, selected: string | undefined, current: string | undefined): Html {
  const codes = tax.assignableCodes();
  return html`<fieldset class="suggest-codes"><legend>${L(lang, SG.code)}</legend>${codes.map((code) => {
    const n = tax.node(code);
    const desc = n.description ? L(lang, n.description) : '';
    const id = `sg-${code.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    return html`<div class="suggest-code"><input type="radio" name="code" id="${id}" value="${code}"${selected === code ? html` checked` : ''} required>
  <label for="${id}"><span class="code">${code}</span> ${L(lang, n.name)}${code === current ? html` <em>(${L(lang, SG.current)})</em>` : ''}</label>${
    desc ? html`<div class="small muted">${desc}</div>` : ''
  }</div>`;
  })}</fieldset>`;
}

export interface SuggestFormValues {
  statementId: string;
  statementTitle: string;
  tax: Taxonomy;
  /** Taxonomies the reader may switch to (those that label this kind of statement). */
  taxonomies: Taxonomy[];
  current?: string;
  code?: string;
  reason?: string;
  error?: string;
  csrf: Html;
  username?: string;
}

/** The whole form (the route wraps it in the page layout). */
export function suggestForm(v: SuggestFormValues, lang: Lang): Html {
  const t = v.tax;
  return html`<h1>${L(lang, SG.title)}</h1>
<p class="lede"><a href="/m/${v.statementId}">${v.statementId}</a> · ${v.statementTitle}</p>
<p class="small">${L(lang, SG.intro)}</p>
${v.error ? html`<p class="notice error" role="alert">${v.error}</p>` : ''}
${
  v.taxonomies.length > 1
    ? html`<p class="small sans">${v.taxonomies.map((x, i) => html`${i ? ' · ' : ''}${
        x.id === t.id ? html`<strong>${L(lang, x.data.shortName ?? x.data.name)}</strong>` : html`<a href="/suggest/${v.statementId}?taxonomy=${x.id}">${L(lang, x.data.shortName ?? x.data.name)}</a>`
      }`)}</p>`
    : ''
}
<p class="sans">${L(lang, SG.current)}: ${v.current && t.has(v.current) ? html`<span class="code">${v.current}</span> ${t.name(v.current, lang)}` : L(lang, SG.none)}</p>
<form method="post" action="/m/${v.statementId}/suggest" class="suggest-form">
  ${v.csrf}
  <input type="hidden" name="taxonomy" value="${t.id}">
  ${codeChoices(t, lang, v.code, v.current)}
  <div class="form-row"><label for="sg-reason">${L(lang, SG.reason)}</label>
    <textarea id="sg-reason" name="reason" rows="4" minlength="3" maxlength="2000" required aria-describedby="sg-reason-hint">${v.reason ?? ''}</textarea>
    <span class="hint" id="sg-reason-hint">${L(lang, SG.reasonHint)}</span></div>
  <div class="form-row hp" aria-hidden="true"><label for="sg-website">${L(lang, SG.honeypot)}</label>
    <input id="sg-website" name="website" type="text" tabindex="-1" autocomplete="off" value=""></div>
  <p class="small muted">${v.username ? L(lang, SG.asAccount).replace('{u}', v.username) : L(lang, SG.asReader)}</p>
  <p><button type="submit">${L(lang, SG.send)}</button></p>
</form>`;
}
