// The review reports: /review/agreement (double coders' agreement per axis and reviewer pair:
// Cohen's κ, Krippendorff's α (nominal), confusion matrix; progress of double coding) and
// /review/learning (the embedded classifier's κ on held-out reviewed labels against the number of
// reviewed labels it was trained on). Registered by routes/review.ts. Learning curves are
// computed on request and kept until the number of reviewed labels of that taxonomy changes.
import type { Hono } from 'hono';
import { requireRole } from '../../auth/index.ts';
import { assignmentCounts, codedPairs, pairAgreement } from '../../review/agreement.ts';
import { learningCurve, reviewedExamples, type CurvePoint } from '../../review/learning.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { fmtNumber, html, L, type Html } from '../html.ts';
import { confusionChart, fmtStat, learningChart } from './review-charts.ts';
import { taxName } from './labels.ts';
import { reviewPage } from './review-page.ts';
import { RS } from './review.ts';

const AS = {
  intro: {
    en: 'Agreement between the two coders of each double-coding sample, on the items both have coded. κ: Cohen’s kappa; α: Krippendorff’s alpha (nominal). Rows of the matrix are the first coder (by name), columns the second.',
    zh: '每个双人编码样本中两位编码人在双方都已编码项目上的一致性。κ：Cohen’s kappa；α：Krippendorff’s alpha（名义）。矩阵的行为第一位编码人（按名称），列为第二位。',
  },
  none: { en: 'No item has been coded by both coders yet.', zh: '尚无双方都已编码的项目。' },
  pair: { en: 'Coders', zh: '编码人' },
  items: { en: 'Items', zh: '项目数' },
  agreed: { en: 'Same code', zh: '代码相同' },
  progress: { en: 'Double coding progress', zh: '双人编码进度' },
  status: { en: 'State', zh: '状态' },
  learnIntro: {
    en: 'The embedded classifier trained on the first n reviewed labels (in review order) and scored on a fixed fifth of the reviewed statements it never saw (held out by a hash of the statement id). A curve still rising says that more review will still improve the machine labels. Run `govnav models train` to retrain the shipped models with every reviewed label.',
    zh: '内置分类器使用前 n 个已审核标签（按审核顺序）训练，并在固定的五分之一未见过的已审核条目上评分（按条目编号哈希保留）。曲线仍在上升，说明继续审核仍会改进机器标签。运行 `govnav models train` 可用全部已审核标签重新训练模型。',
  },
  notEnough: { en: 'Too few reviewed labels on this taxonomy for a curve (at least two held out and two to train on, with two codes).', zh: '该分类体系下已审核标签太少，无法绘制曲线。' },
  xName: { en: 'reviewed labels used for training', zh: '用于训练的已审核标签数' },
} as const;

function agreementTable(rows: ReturnType<typeof pairAgreement>, ctx: AppContext, lang: 'en' | 'zh'): Html {
  const reg = ctx.store.taxonomies;
  return html`<table class="agreement"><thead><tr><th scope="col">${L(lang, RS.taxonomy)}</th><th scope="col">${L(lang, AS.pair)}</th><th scope="col" class="num">${L(
    lang,
    AS.items,
  )}</th><th scope="col" class="num">${L(lang, AS.agreed)}</th><th scope="col" class="num">κ</th><th scope="col" class="num">α</th></tr></thead>
<tbody>${rows.map(
    (r) => html`<tr data-taxonomy="${r.taxonomy}" data-pair="${r.coderA}|${r.coderB}"><td>${reg.has(r.taxonomy) ? taxName(reg.get(r.taxonomy), lang) : r.taxonomy}</td><td>${r.coderA} · ${r.coderB}</td><td class="num">${fmtNumber(
      r.n,
      lang,
    )}</td><td class="num">${fmtNumber(r.agreed, lang)}</td><td class="num kappa">${fmtStat(r.kappa)}</td><td class="num alpha">${fmtStat(r.alpha)}</td></tr>`,
  )}</tbody></table>`;
}

const curves = new Map<string, { n: number; points: CurvePoint[] }>();

export function registerReviewReports(app: Hono<AppEnv>, ctx: AppContext): void {
  const reg = ctx.store.taxonomies;
  app.get('/review/agreement', requireRole('reviewer'), async (c) => {
    const lang = c.get('lang');
    const [pairs, counts] = await Promise.all([codedPairs(ctx.store.db), assignmentCounts(ctx.store.db)]);
    const rows = pairAgreement(pairs, (t) => (reg.has(t) ? reg.get(t).assignableCodes() : undefined));
    const charts = rows.map((r, i) =>
      confusionChart({ id: `cm-${i}`, cm: r.matrix, lang, rowName: r.coderA, colName: r.coderB, caption: `${r.taxonomy}: ${r.coderA} × ${r.coderB} (n = ${r.n}, κ = ${fmtStat(r.kappa)}, α = ${fmtStat(r.alpha)})` }),
    );
    const progress = counts.length
      ? html`<h2>${L(lang, AS.progress)}</h2><table><thead><tr><th>${L(lang, RS.taxonomy)}</th><th>${L(lang, AS.status)}</th><th class="num">${L(lang, AS.items)}</th></tr></thead><tbody>${counts.map(
          (r) => html`<tr><td>${r.taxonomy}</td><td>${r.status}</td><td class="num">${fmtNumber(r.n, lang)}</td></tr>`,
        )}</tbody></table>`
      : '';
    const body = html`<p>${L(lang, AS.intro)}</p>${rows.length ? html`${agreementTable(rows, ctx, lang)}${charts}` : html`<p class="muted">${L(lang, AS.none)}</p>`}${progress}`;
    return reviewPage(c, 'agreement', L(lang, RS.agreement), body);
  });

  app.get('/review/learning', requireRole('reviewer'), async (c) => {
    const lang = c.get('lang');
    const axes = reg.list().filter((t) => t.data.appliesTo.length);
    const want = c.req.query('taxonomy');
    const t = axes.find((x) => x.id === want) ?? axes[0]!;
    const examples = await reviewedExamples(ctx.store.db, t.id);
    let cached = curves.get(t.id);
    if (!cached || cached.n !== examples.length) {
      cached = { n: examples.length, points: learningCurve(t, examples) };
      curves.set(t.id, cached);
    }
    const picker = html`<p class="sans small">${axes.map((x, i) => html`${i ? ' · ' : ''}${x.id === t.id ? html`<strong>${taxName(x, lang)}</strong>` : html`<a href="/review/learning?taxonomy=${x.id}">${taxName(x, lang)}</a>`}`)}</p>`;
    const chart = cached.points.length
      ? learningChart({ id: 'learning', points: cached.points, lang, xName: L(lang, AS.xName), caption: `${taxName(t, lang)}: ${fmtNumber(examples.length, lang)} reviewed labels` })
      : html`<p class="muted">${L(lang, AS.notEnough)}</p>`;
    return reviewPage(c, 'learning', L(lang, RS.learning), html`<p>${L(lang, AS.learnIntro)}</p>${picker}${chart}`);
  });
}
