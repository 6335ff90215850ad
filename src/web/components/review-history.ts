// A statement's history from the audit log: every review decision, proposal, double coding and
// adjudication, newest first, with who, when, what and the state before and after.
import type { Lang } from '../../model/index.ts';
import type { AuditEntry } from '../../store/audit.ts';
import { html, L, type Html } from '../html.ts';

export const HS = {
  title: { en: 'History', zh: '历史记录' },
  link: { en: 'History of this statement’s labels', zh: '本条目标签的历史记录' },
  none: { en: 'No review decision or proposal has been recorded for this statement yet.', zh: '本条目尚无审核决定或建议记录。' },
  when: { en: 'When (UTC)', zh: '时间（UTC）' },
  who: { en: 'Who', zh: '操作人' },
  what: { en: 'What', zh: '操作' },
  before: { en: 'Before', zh: '之前' },
  after: { en: 'After', zh: '之后' },
  note: { en: 'Note', zh: '说明' },
} as const;

const ACTIONS: Record<string, { en: string; zh: string }> = {
  'review.accept': { en: 'accepted a label', zh: '接受标签' },
  'review.reject': { en: 'rejected a label', zh: '否决标签' },
  'review.correct': { en: 'corrected a label', zh: '修正标签' },
  'review.propose': { en: 'suggested a label', zh: '建议标签' },
  'review.proposal.accept': { en: 'accepted a suggestion', zh: '采纳建议' },
  'review.proposal.reject': { en: 'declined a suggestion', zh: '未采纳建议' },
  'review.code': { en: 'coded (double coding)', zh: '编码（双人编码）' },
  'review.adjudicate': { en: 'adjudicated', zh: '裁定' },
};

/** "taxonomy code" from an audit before/after object, or its JSON. */
function summary(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.taxonomy === 'string' && 'code' in o) return `${o.taxonomy} ${o.code ?? '—'}${o.reviewStatus ? ` (${String(o.reviewStatus)})` : ''}`;
  }
  return JSON.stringify(v).slice(0, 200);
}

/** A link to the history page, for the statement page. */
export function historyLink(statementId: string, lang: Lang): Html {
  return html`<p class="small sans history-link"><a href="/m/${statementId}/history">${L(lang, HS.link)}</a></p>`;
}

export function historyTable(entries: AuditEntry[], lang: Lang): Html {
  if (!entries.length) return html`<p class="muted">${L(lang, HS.none)}</p>`;
  return html`<table class="history"><thead><tr><th scope="col">${L(lang, HS.when)}</th><th scope="col">${L(lang, HS.who)}</th><th scope="col">${L(
    lang,
    HS.what,
  )}</th><th scope="col">${L(lang, HS.before)}</th><th scope="col">${L(lang, HS.after)}</th><th scope="col">${L(lang, HS.note)}</th></tr></thead>
<tbody>${entries.map(
    (e) => html`<tr data-action="${e.action}"><td><time datetime="${new Date(e.at).toISOString()}">${new Date(e.at).toISOString().slice(0, 16).replace('T', ' ')}</time></td><td>${e.actor}</td><td>${
      ACTIONS[e.action] ? L(lang, ACTIONS[e.action]) : e.action
    }</td><td>${summary(e.before)}</td><td>${summary(e.after)}</td><td class="small">${e.detail ?? ''}</td></tr>`,
  )}</tbody></table>`;
}
