// Topic routes: /topics, /topics/matrix, /topics/matrix.csv, /topics/compare, /topics/<id>.
// Data comes from src/topics (queries over statement_topics); bodies from pages/topics.ts.
import type { Context, Hono } from 'hono';
import { countTopicWorks, hasTopicTables, readTopicDocuments } from '../../store/read/stats.ts';
import { publicBaseUrl } from '../../cite/public-url.ts';
import { topicPageJson } from '../../api/twins.ts';
import { jsonTwin, sendTwin, twinLink, twinNotFound } from '../twin.ts';
import { compareDocuments } from '../../topics/compare.ts';
import { defaultLexicon } from '../../topics/link.ts';
import { coverageMatrix, isMatrixSort, matrixCsv, type MatrixOptions } from '../../topics/matrix.ts';
import { listTopics, liveTopics, topicPage, TopicsNotFound, type TopicFilters } from '../../topics/query.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { html, L } from '../html.ts';
import { t } from '../i18n.ts';
import { renderPage } from '../layout.ts';
import { compareBody, comparePicker, matrixBody, parseTopicQuery, topicBody, topicLabel, topicsIndexBody, TS } from '../pages/topics.ts';

const MATRIX_ROWS = 60;

function filtersFrom(params: URLSearchParams): TopicFilters {
  const q = parseTopicQuery(params);
  return {
    docType: q.doctype.length ? q.doctype : undefined,
    jurisdiction: q.jurisdiction.length ? q.jurisdiction : undefined,
    year: q.year.length ? q.year : undefined,
    kind: q.kind.length ? q.kind : undefined,
    documents: q.doc.length ? q.doc : undefined,
  };
}

function hasTopics(ctx: AppContext): Promise<boolean> {
  return hasTopicTables(ctx.store.db);
}

/** The matrix's filters and sort order (an unknown order falls back to coverage). */
async function matrixOptions(db: AppContext['store']['db'], params: URLSearchParams): Promise<MatrixOptions> {
  const ids = (await liveTopics(db)).map((x) => x.id);
  const sort = params.get('sort') ?? undefined;
  return { ...filtersFrom(params), sort: isMatrixSort(sort, ids) ? sort : 'coverage' };
}

type C = Context<AppEnv>;

export function register(app: Hono<AppEnv>, ctx: AppContext): void {
  app.get('/topics', (c) => topicsIndexPage(c, ctx));
  app.get('/topics/matrix.csv', (c) => matrixCsvFile(c, ctx));
  app.get('/topics/matrix', (c) => matrixPage(c, ctx));
  app.get('/topics/compare', (c) => comparePage(c, ctx));
  app.get('/topics/:id', (c) => topicIdPage(c, ctx));
}

async function topicsIndexPage(c: C, ctx: AppContext) {
  const db = ctx.store.db;
  const lang = c.get('lang');
  if (!(await hasTopics(ctx))) return c.notFound();
  const topics = await listTopics(db);
  const n = await countTopicWorks(db);
  return c.html(
    renderPage(c, {
      title: L(lang, TS.topics),
      section: 'topics',
      description: L(lang, TS.intro),
      body: topicsIndexBody(lang, topics, { documents: n }),
      crumbs: [[t(lang, 'home'), '/'], [L(lang, TS.topics)]],
    }),
  );
  }

async function matrixCsvFile(c: C, ctx: AppContext) {
  const db = ctx.store.db;
  if (!(await hasTopics(ctx))) return c.notFound();
  const params = new URL(c.req.url).searchParams;
  const m = await coverageMatrix(db, await matrixOptions(db, params));
  c.header('Content-Type', 'text/csv; charset=utf-8');
  c.header('Content-Disposition', 'attachment; filename="govnav-topic-coverage.csv"');
  return c.body(matrixCsv(m, c.get('lang')));
  }

async function matrixPage(c: C, ctx: AppContext) {
  const db = ctx.store.db;
  const lang = c.get('lang');
  if (!(await hasTopics(ctx))) return c.notFound();
  const params = new URL(c.req.url).searchParams;
  const m = await coverageMatrix(db, await matrixOptions(db, params));
  const limit = Math.max(1, Math.min(5000, Number(params.get('limit')) || MATRIX_ROWS));
  return c.html(
    renderPage(c, {
      title: L(lang, TS.matrix),
      section: 'topics',
      body: matrixBody(lang, m, params, { limit }),
      crumbs: [[t(lang, 'home'), '/'], [L(lang, TS.topics), '/topics'], [L(lang, TS.matrix)]],
    }),
  );
  }

async function comparePage(c: C, ctx: AppContext) {
  const db = ctx.store.db;
  const lang = c.get('lang');
  if (!(await hasTopics(ctx))) return c.notFound();
  const selected = [...new Set(c.req.queries('d') ?? [])].filter((d) => /^D\d{4,}$/.test(d)).slice(0, 6);
  const docs = await readTopicDocuments(db);
  const picker = comparePicker(lang, docs, selected);
  const known = selected.filter((id) => docs.some((d) => d.id === id));
  const crumbs: [string, string?][] = [[t(lang, 'home'), '/'], [L(lang, TS.topics), '/topics'], [L(lang, TS.compare)]];
  if (known.length < 2) {
    const body = html`<h1>${L(lang, TS.compare)}</h1><p class="lede">${L(lang, TS.compareIntro)}</p>${picker}`;
    return c.html(renderPage(c, { title: L(lang, TS.compare), section: 'topics', body, crumbs }), selected.length && known.length < selected.length ? 404 : 200);
  }
  const cmp = await compareDocuments(db, known, { perCell: 5 });
  const all = await liveTopics(db);
  return c.html(
    renderPage(c, { title: `${L(lang, TS.compare)}: ${known.join(', ')}`, section: 'topics', body: compareBody(lang, cmp, defaultLexicon(), picker, all), crumbs }),
  );
  }

async function topicIdPage(c: Context<AppEnv, '/topics/:id'>, ctx: AppContext) {
  const db = ctx.store.db;
  const lang = c.get('lang');
  const twin = jsonTwin(c, c.req.param('id'));
  const id = twin.id;
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id) || !(await hasTopics(ctx))) return c.notFound();
  const params = new URL(c.req.url).searchParams;
  const q = parseTopicQuery(params);
  const filters = filtersFrom(params);
  let data;
  try {
    data = await topicPage(db, id, filters, { page: q.page, perDocument: q.doc.length === 1 ? 500 : 10, documentsPerPage: 20 });
  } catch (e) {
    if (e instanceof TopicsNotFound) return twin.json ? twinNotFound(c, `No topic "${id}".`) : c.notFound();
    throw e;
  }
  if (twin.json) return sendTwin(c, topicPageJson(data, publicBaseUrl(ctx.config)));
  const name = topicLabel(data.topic, lang);
  return c.html(
    renderPage(c, {
      title: name,
      section: 'topics',
      description: lang === 'zh' ? (data.topic.description_zh ?? data.topic.description_en) : data.topic.description_en,
      body: topicBody(lang, data, params, defaultLexicon()),
      head: twinLink(`/topics/${id}.json`),
      crumbs: [[t(lang, 'home'), '/'], [L(lang, TS.topics), '/topics'], [name]],
    }),
  );
  }

