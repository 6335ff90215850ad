// Feedback on any page: GET /feedback?page=<path> shows the form, POST /feedback stores it in the
// `feedback` table with the page it came from. Bodies over 16 KB are refused, each client may post
// a few times per minute (429 with Retry-After beyond that), a hidden honeypot field catches
// naive bots, and the message is validated with the FeedbackInput schema. Like every form it carries
// a CSRF token, and the body limit is enforced while the bytes arrive (src/auth/body-limit.ts).
import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { csrfInput, publicWrite } from '../../auth/index.ts';
import { FeedbackInput, type Lang } from '../../model/index.ts';
import { saveFeedback } from '../../store/feedback.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { html, L, type Html } from '../html.ts';
import { renderPage } from '../layout.ts';
import { clientKey, RateLimiter } from '../rate-limit.ts';
import { clientAddress } from '../client-address.ts';

export const MAX_FEEDBACK_BYTES = 16 * 1024;

const S = {
  title: { en: 'Feedback', zh: '反馈' },
  intro: {
    en: 'Tell us what is wrong, missing or unclear on this page: a wrong label, a broken link, a better translation. We read every message.',
    zh: '告诉我们本页有何错误、遗漏或不清楚之处：错误的标签、失效的链接、更好的译文。我们会阅读每一条反馈。',
  },
  page: { en: 'Page', zh: '页面' },
  kind: { en: 'Kind of feedback', zh: '反馈类型' },
  kinds: {
    error: { en: 'Something is wrong (a label, a text, a link)', zh: '有错误（标签、文本或链接）' },
    suggestion: { en: 'A suggestion', zh: '建议' },
    question: { en: 'A question', zh: '问题' },
    other: { en: 'Other', zh: '其他' },
  },
  message: { en: 'Message', zh: '内容' },
  messageHint: { en: 'Between 3 and 4,000 characters.', zh: '3 至 4000 个字符。' },
  email: { en: 'Email (optional)', zh: '电子邮箱（可选）' },
  emailHint: { en: 'Only if you would like an answer. It is never shown publicly.', zh: '仅在您希望得到回复时填写，不会公开显示。' },
  honeypot: { en: 'Leave this field empty', zh: '请勿填写此项' },
  send: { en: 'Send feedback', zh: '提交反馈' },
  privacy: {
    en: 'We store your message, the page, the time, your browser name and a one-way hash of your network address (to limit abuse); never the address itself.',
    zh: '我们会保存您的留言、页面、时间、浏览器名称以及网络地址的单向哈希（用于防止滥用），不会保存地址本身。',
  },
  thanks: { en: 'Thank you', zh: '谢谢' },
  thanksText: { en: 'Your feedback has been recorded.', zh: '您的反馈已记录。' },
  back: { en: 'Back to the page', zh: '返回原页面' },
  invalid: { en: 'Please correct the fields marked below.', zh: '请更正下列标出的字段。' },
  tooLarge: { en: 'Too large', zh: '内容过大' },
  tooLargeText: { en: 'The form is limited to 16 KB. Please shorten your message.', zh: '表单大小上限为 16 KB，请缩短您的留言。' },
  tooMany: { en: 'Too many messages', zh: '提交过于频繁' },
  tooManyText: { en: 'You have sent several messages in a short time. Please try again in {s} seconds.', zh: '您在短时间内提交了多条反馈。请在 {s} 秒后重试。' },
  fieldErrors: {
    message: { en: 'Write a message of 3 to 4,000 characters.', zh: '请填写 3 至 4000 个字符的内容。' },
    email: { en: 'This is not an email address.', zh: '这不是有效的电子邮箱地址。' },
    kind: { en: 'Choose one of the kinds.', zh: '请选择一种类型。' },
    page: { en: 'The page address is missing or invalid.', zh: '页面地址缺失或无效。' },
  },
} as const;

const KINDS = ['error', 'suggestion', 'question', 'other'] as const;

/** A page reference we accept: a site path (never an absolute URL, so "back" links stay on this site). */
export function cleanPage(p: string | undefined | null): string {
  const s = (p ?? '').trim();
  if (!s.startsWith('/') || s.startsWith('//') || /[\s\\]/.test(s)) return '/';
  return s.slice(0, 500);
}

/** The client's address: the TCP peer, or the address behind trusted proxies (config trustProxy). */
export function remoteAddress(c: Context<AppEnv>): string | undefined {
  return clientAddress(c);
}

export interface FeedbackOptions {
  /** Posts allowed in a burst per client, and regained per minute. */
  burst?: number;
  perMinute?: number;
}

export function register(app: Hono<AppEnv>, ctx: AppContext, opts: FeedbackOptions = {}): void {
  const limiter = new RateLimiter(opts.burst ?? 5, opts.perMinute ?? 5);
  const salt = randomBytes(16).toString('hex');

  app.get('/feedback', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.html(form(c, { page: cleanPage(c.req.query('page')), kind: 'other', message: '', email: '' }, {}));
  });

  app.get('/feedback/thanks', (c) => {
    const lang = c.get('lang');
    const page = cleanPage(c.req.query('page'));
    c.header('Cache-Control', 'no-store');
    return c.html(
      renderPage(c, {
        title: L(lang, S.thanks),
        body: html`<h1>${L(lang, S.thanks)}</h1><p class="notice ok" role="status">${L(lang, S.thanksText)}</p><p><a href="${page}">${L(lang, S.back)}</a></p>`,
      }),
    );
  });

  app.post('/feedback', publicWrite('readers send feedback without an account'), async (c) => {
    const lang = c.get('lang');
    c.header('Cache-Control', 'no-store');
    const key = clientKey(remoteAddress(c), salt);
    if (!limiter.take(key)) {
      const wait = Math.max(1, limiter.retryAfter(key));
      c.header('Retry-After', String(wait));
      return c.html(
        renderPage(c, {
          title: L(lang, S.tooMany),
          status: 429,
          body: html`<h1>${L(lang, S.tooMany)}</h1><p class="notice error" role="alert">${L(lang, S.tooManyText).replace('{s}', String(wait))}</p>`,
        }),
        429,
      );
    }
    const declared = Number(c.req.header('content-length') ?? 0);
    if (declared > MAX_FEEDBACK_BYTES) return tooLarge(c, lang);
    const raw = await c.req.arrayBuffer();
    if (raw.byteLength > MAX_FEEDBACK_BYTES) return tooLarge(c, lang);
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    if (!type.startsWith('application/x-www-form-urlencoded')) return c.text('Send the form as application/x-www-form-urlencoded.', 415);
    const f = new URLSearchParams(new TextDecoder().decode(raw));
    const values = {
      page: cleanPage(f.get('page')),
      kind: f.get('kind') ?? 'other',
      message: f.get('message') ?? '',
      email: f.get('email') ?? '',
    };
    // The honeypot: hidden from people, filled in by bots. Pretend success, store nothing.
    if ((f.get('website') ?? '') !== '') return c.redirect(`/feedback/thanks?page=${encodeURIComponent(values.page)}`, 303);
    const parsed = FeedbackInput.safeParse(values);
    if (!parsed.success) {
      const errors: Record<string, true> = {};
      for (const i of parsed.error.issues) errors[String(i.path[0] ?? 'message')] = true;
      return c.html(form(c, values, errors), 400);
    }
    const fb = parsed.data;
    await saveFeedback(ctx.store.db, { ...fb, clientHash: key, userAgent: c.req.header('user-agent') });
    return c.redirect(`/feedback/thanks?page=${encodeURIComponent(fb.page)}`, 303);
  });
}

function tooLarge(c: Context<AppEnv>, lang: Lang) {
  return c.html(
    renderPage(c, { title: L(lang, S.tooLarge), status: 413, body: html`<h1>${L(lang, S.tooLarge)}</h1><p class="notice error" role="alert">${L(lang, S.tooLargeText)}</p>` }),
    413,
  );
}

function form(
  c: Context<AppEnv>,
  v: { page: string; kind: string; message: string; email: string },
  errors: Record<string, true>,
): Html {
  const lang = c.get('lang');
  const err = (field: keyof typeof S.fieldErrors) =>
    errors[field] ? html`<span class="field-error" id="${field}-err">${L(lang, S.fieldErrors[field])}</span>` : '';
  const described = (field: string, hint?: string) => {
    const ids = [hint, errors[field] ? `${field}-err` : undefined].filter(Boolean).join(' ');
    return ids ? html` aria-describedby="${ids}"` : '';
  };
  const invalid = (field: string) => (errors[field] ? html` aria-invalid="true"` : '');
  return renderPage(c, {
    title: L(lang, S.title),
    status: Object.keys(errors).length ? 400 : 200,
    body: html`<h1>${L(lang, S.title)}</h1>
<p class="lede">${L(lang, S.intro)}</p>
${Object.keys(errors).length ? html`<p class="notice error" role="alert">${L(lang, S.invalid)}</p>` : ''}
<form method="post" action="/feedback" class="feedback-form" novalidate>
  ${csrfInput(c)}
  <div class="form-row"><span class="label-text">${L(lang, S.page)}</span><a href="${v.page}"><code>${v.page}</code></a>${err('page')}
    <input type="hidden" name="page" value="${v.page}"></div>
  <div class="form-row"><label for="fb-kind">${L(lang, S.kind)}</label>
    <select id="fb-kind" name="kind"${invalid('kind')}${described('kind')}>${KINDS.map(
      (k) => html`<option value="${k}"${v.kind === k ? html` selected` : ''}>${L(lang, S.kinds[k])}</option>`,
    )}</select>${err('kind')}</div>
  <div class="form-row"><label for="fb-message">${L(lang, S.message)}</label>
    <textarea id="fb-message" name="message" rows="7" maxlength="4000" required${invalid('message')}${described('message', 'fb-message-hint')}>${v.message}</textarea>
    <span class="hint" id="fb-message-hint">${L(lang, S.messageHint)}</span>${err('message')}</div>
  <div class="form-row"><label for="fb-email">${L(lang, S.email)}</label>
    <input id="fb-email" name="email" type="email" autocomplete="email" maxlength="200" value="${v.email}"${invalid('email')}${described('email', 'fb-email-hint')}>
    <span class="hint" id="fb-email-hint">${L(lang, S.emailHint)}</span>${err('email')}</div>
  <div class="form-row hp" aria-hidden="true"><label for="fb-website">${L(lang, S.honeypot)}</label>
    <input id="fb-website" name="website" type="text" tabindex="-1" autocomplete="off" value=""></div>
  <p class="small muted">${L(lang, S.privacy)}</p>
  <p><button type="submit">${L(lang, S.send)}</button></p>
</form>`,
  });
}
