// The readable API reference at /api (a web page, so it lives in src/web; the JSON API itself is src/api): every route with its parameters, an example request and
// the response it gives on the data being served (shortened), in English and Chinese.
import type { Context } from 'hono';
import { publicBaseUrl } from '../../cite/public-url.ts';
import type { Lang } from '../../model/index.ts';
import type { AppContext, AppEnv } from '../context.ts';
import { html, L, type Html } from '../html.ts';
import { renderPage } from '../layout.ts';
import { ApiError } from '../../api/http.ts';
import { exampleUrl, paramSchema } from '../../api/openapi.ts';
import type { RouteDoc } from '../../api/routes.ts';

const T = {
  title: { en: 'JSON API', zh: 'JSON API' },
  lede: {
    en: 'Everything the navigator shows is available as JSON under /api/v1, read-only and without a key. The filters of /statements and /search are exactly those of the search page and of the exports, so the same query string gives the same statements everywhere.',
    zh: '导航器展示的所有内容都可以通过 /api/v1 以 JSON 形式只读获取，无需密钥。/statements 与 /search 的筛选参数与搜索页和导出完全相同，同一查询字符串在各处得到相同的条目。',
  },
  openapi: { en: 'Machine-readable description (OpenAPI 3.1)', zh: '机器可读的接口描述（OpenAPI 3.1）' },
  conventions: { en: 'Conventions', zh: '约定' },
  paging: {
    en: 'Paging: lists return { total, items, next }. Pass next back as cursor= with the other parameters unchanged; next is null on the last page. limit is 1–500 (default 50).',
    zh: '分页：列表返回 { total, items, next }。将 next 作为 cursor= 传回，其他参数保持不变；最后一页的 next 为 null。limit 取 1–500（默认 50）。',
  },
  caching: {
    en: 'Caching: every response has an ETag and Cache-Control: public, max-age=60. Send If-None-Match to get 304 Not Modified while the data has not changed.',
    zh: '缓存：每个响应都带有 ETag 和 Cache-Control: public, max-age=60。发送 If-None-Match，数据未变时返回 304 Not Modified。',
  },
  errors: {
    en: 'Errors: JSON { error, message, field }. A bad parameter gives 400 and names it in field; an unknown id gives 404.',
    zh: '错误：JSON { error, message, field }。参数错误返回 400，并在 field 中指明参数；未知 id 返回 404。',
  },
  exports: {
    en: 'Exports: /export.csv, /export.json, /export.jsonl and /export.xlsx take the same query string and stream every matching statement (not just one page), with the attribution of each source dataset.',
    zh: '导出：/export.csv、/export.json、/export.jsonl 和 /export.xlsx 接受相同的查询字符串，流式输出所有匹配条目（不止一页），并附每个来源数据集的署名。',
  },
  licence: {
    en: 'Data comes from the datasets listed at /api/v1/datasets, each under its own licence: keep their attribution with the data.',
    zh: '数据来自 /api/v1/datasets 所列数据集，各自适用其许可：使用数据时请保留其署名。',
  },
  params: { en: 'Parameters', zh: '参数' },
  name: { en: 'Name', zh: '名称' },
  where: { en: 'In', zh: '位置' },
  type: { en: 'Type', zh: '类型' },
  desc: { en: 'Description', zh: '说明' },
  exampleReq: { en: 'Example request', zh: '请求示例' },
  exampleRes: { en: 'Example response (on the data served here, shortened)', zh: '响应示例（基于本站数据，已缩略）' },
  noData: { en: 'No example: this record does not exist in the data served here.', zh: '无示例：本站数据中没有此记录。' },
  routes: { en: 'Routes', zh: '路由' },
  none: { en: 'No parameters.', zh: '无参数。' },
} as const;

function typeOf(p: RouteDoc['params'][number]): string {
  const s = paramSchema(p) as { type?: string; items?: { type?: string; enum?: string[] }; enum?: string[] };
  if (s.type === 'array') return `${s.items?.enum ? s.items.enum.join(' | ') : s.items?.type ?? 'string'} (repeatable)`;
  if (s.enum) return s.enum.join(' | ');
  return s.type ?? 'string';
}

/** Shorten a response for display: the first item of each list, long strings cut. */
export function shorten(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return v.length > 160 ? v.slice(0, 159) + '…' : v;
  if (Array.isArray(v)) {
    const head = v.slice(0, depth === 0 ? 2 : 1).map((x) => shorten(x, depth + 1));
    return v.length > head.length ? [...head, `… ${v.length - head.length} more`] : head;
  }
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shorten(x, depth + 1)]));
  return v;
}

let cache: { key: string; examples: Map<string, string | null> } | undefined;

async function examples(ctx: AppContext, routes: RouteDoc[], base: string): Promise<Map<string, string | null>> {
  const key = ctx.dataVersion() + '|' + base;
  if (cache?.key === key) return cache.examples;
  const out = new Map<string, string | null>();
  for (const r of routes) {
    const u = new URL(exampleUrl(r), 'http://x');
    const path: Record<string, string> = {};
    for (const p of r.params.filter((x) => x.in === 'path')) path[p.name] = p.example ?? '';
    try {
      const body = await r.handler(ctx, { params: u.searchParams, path, base });
      out.set(r.path, JSON.stringify(shorten(body), null, 2));
    } catch (e) {
      if (e instanceof ApiError) out.set(r.path, null);
      else throw e;
    }
  }
  cache = { key, examples: out };
  return out;
}

function both(lang: Lang, t: { en: string; zh: string }): Html {
  // Headings carry both languages (the interface language first).
  const [a, b, bl] = lang === 'zh' ? [t.zh, t.en, 'en'] : [t.en, t.zh, 'zh-Hans'];
  return html`${a} <span class="muted small" lang="${bl}">${b}</span>`;
}

export async function renderReference(c: Context<AppEnv>, ctx: AppContext, routes: RouteDoc[]): Promise<Html> {
  const lang = c.get('lang');
  const base = publicBaseUrl(ctx.config);
  const ex = await examples(ctx, routes, base);
  const anchor = (r: RouteDoc) => r.operationId;
  const body = html`<h1>${both(lang, T.title)}</h1>
<p class="lede">${L(lang, T.lede)}</p>
<p class="sans"><a href="/api/openapi.json">/api/openapi.json</a> — ${L(lang, T.openapi)}</p>
<section class="panel">
<h2>${both(lang, T.conventions)}</h2>
<ul>
<li>${L(lang, T.paging)}</li>
<li>${L(lang, T.caching)}</li>
<li>${L(lang, T.errors)}</li>
<li>${L(lang, T.exports)}</li>
<li>${L(lang, T.licence)}</li>
</ul>
</section>
<nav aria-label="${L(lang, T.routes)}"><h2>${both(lang, T.routes)}</h2>
<ul class="sans">${routes.map((r) => html`<li><a href="#${anchor(r)}"><code>GET ${r.path}</code></a> — ${L(lang, r.summary)}</li>`)}</ul></nav>
${routes.map((r) => {
  const example = ex.get(r.path);
  const req = exampleUrl(r);
  return html`<section id="${anchor(r)}">
<h2><code>GET ${r.path}</code></h2>
<h3>${both(lang, r.summary)}</h3>
<p>${r.description}</p>
<h4>${both(lang, T.params)}</h4>
${
  r.params.length
    ? html`<div class="table-wrap"><table class="sans small"><thead><tr><th scope="col">${L(lang, T.name)}</th><th scope="col">${L(lang, T.where)}</th><th scope="col">${L(lang, T.type)}</th><th scope="col">${L(lang, T.desc)}</th></tr></thead>
<tbody>${r.params.map((p) => html`<tr><td><code>${p.name}</code>${p.in === 'path' ? ' *' : ''}</td><td>${p.in}</td><td>${typeOf(p)}</td><td>${p.description}</td></tr>`)}</tbody></table></div>`
    : html`<p class="muted">${L(lang, T.none)}</p>`
}
<h4>${both(lang, T.exampleReq)}</h4>
<pre><code>curl -s '${base}${req}'</code></pre>
<h4>${both(lang, T.exampleRes)}</h4>
${example ? html`<pre class="small"><code>${example}</code></pre>` : html`<p class="muted">${L(lang, T.noData)}</p>`}
</section>`;
})}`;
  return renderPage(c, {
    title: L(lang, T.title),
    section: 'api',
    description: L(lang, T.lede),
    body,
    crumbs: [[lang === 'zh' ? '首页' : 'Home', '/'], ['API']],
  });
}
