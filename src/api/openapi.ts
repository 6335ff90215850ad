// The OpenAPI 3.1 document of the JSON API, generated from the route table and the zod schemas.
import { z } from 'zod';
import type { RouteDoc, ParamDoc } from './routes.ts';
import { schemas } from './schemas.ts';

type Json = Record<string, unknown>;

function clean(s: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = s;
  return rest;
}

/** JSON schema of a parameter (plain, no $schema). */
export function paramSchema(p: ParamDoc): Json {
  return clean(z.toJSONSchema(p.schema, { io: 'input', unrepresentable: 'any' }) as Json);
}

let componentCache: Record<string, Json> | undefined;
export function componentSchemas(): Record<string, Json> {
  if (componentCache) return componentCache;
  const out = z.toJSONSchema(schemas, { uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' }) as { schemas: Record<string, Json> };
  componentCache = Object.fromEntries(Object.entries(out.schemas).map(([k, v]) => [k, clean(v)]));
  return componentCache;
}

export function exampleUrl(r: RouteDoc): string {
  let path = r.path;
  for (const p of r.params.filter((x) => x.in === 'path')) path = path.replace(`{${p.name}}`, encodeURIComponent(p.example ?? 'x'));
  return path + (r.exampleQuery ? `?${r.exampleQuery}` : '');
}

const ERR = { $ref: '#/components/schemas/Error' };

/** The JSON twins of pages (Datasette style): the page URL with `.json`, or the page URL with Accept: application/json. */
export interface PageTwin {
  path: string;
  operationId: string;
  responseId: string;
  page: string;
  summary: string;
  params: { name: string; description: string; example: string }[];
}

export const PAGE_TWINS: PageTwin[] = [
  {
    path: '/m/{id}.json',
    operationId: 'statementPageJson',
    responseId: 'StatementDetail',
    page: '/m/{id}',
    summary: 'The statement page as JSON (the same record as /api/v1/statements/{id}).',
    params: [{ name: 'id', description: 'Statement id (M…, P… or R… followed by six digits).', example: 'M000001' }],
  },
  {
    path: '/d/{id}.json',
    operationId: 'documentPageJson',
    responseId: 'DocumentPageTwin',
    page: '/d/{id}',
    summary: 'The document page as JSON: the document, its work, the statements listed and the label counts.',
    params: [{ name: 'id', description: 'Document id (D followed by four or more digits).', example: 'D0001' }],
  },
  {
    path: '/t/{taxonomy}/{code}.json',
    operationId: 'taxonomyNodePageJson',
    responseId: 'TaxonomyNodeDetail',
    page: '/t/{taxonomy}/{code}',
    summary: 'The taxonomy code page as JSON (the same record as /api/v1/taxonomies/{taxonomy}/{code}).',
    params: [
      { name: 'taxonomy', description: 'Taxonomy id.', example: 'risk-domain' },
      { name: 'code', description: 'A code of that taxonomy.', example: '2.1' },
    ],
  },
  {
    path: '/risk/{code}.json',
    operationId: 'riskPageJson',
    responseId: 'RiskPage',
    page: '/risk/{code}',
    summary: 'The risk domain page as JSON: counts of risks and mitigations, sub-domains, and the statements listed.',
    params: [{ name: 'code', description: 'A code of the risk-domain taxonomy.', example: '2' }],
  },
  {
    path: '/topics/{id}.json',
    operationId: 'topicPageJson',
    responseId: 'TopicPage',
    page: '/topics/{id}',
    summary: 'The topic page as JSON: counts and the documents and statements listed (the page’s filters apply).',
    params: [{ name: 'id', description: 'Topic id.', example: 'safety' }],
  },
];

function twinPath(t: PageTwin): Json {
  return {
    get: {
      operationId: t.operationId,
      tags: ['pages'],
      summary: t.summary,
      description: `The JSON twin of the page ${t.page}, built from the same read model as the HTML. The page URL itself answers with this JSON when the request prefers application/json (Accept header); every page links its twin with <link rel="alternate" type="application/json">.`,
      parameters: t.params.map((p) => ({ name: p.name, in: 'path', required: true, description: p.description, schema: { type: 'string' }, example: p.example })),
      responses: {
        '200': { description: t.summary, content: { 'application/json': { schema: { $ref: `#/components/schemas/${t.responseId}` } } } },
        '404': { description: 'No such record.', content: { 'application/json': { schema: ERR } } },
      },
    },
  };
}

export function openApiDocument(routes: RouteDoc[], opts: { version: string; baseUrl?: string }): Json {
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const responses: Json = {
      '200': {
        description: r.summary.en,
        headers: {
          ETag: { description: 'Weak validator of this response (data version and URL).', schema: { type: 'string' } },
          'Cache-Control': { description: 'public, max-age=60', schema: { type: 'string' } },
        },
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${r.responseId}` } } },
      },
      '304': { description: 'Not modified: the If-None-Match header matched the current ETag.' },
      '400': { description: 'A parameter is invalid; `field` names it.', content: { 'application/json': { schema: ERR } } },
    };
    if (r.has404) responses['404'] = { description: 'No such record.', content: { 'application/json': { schema: ERR } } };
    paths[r.path] = {
      get: {
        operationId: r.operationId,
        summary: r.summary.en,
        description: `${r.description}\n\n${r.summary.zh}`,
        parameters: r.params.map((p) => {
          const schema = paramSchema(p);
          return {
            name: p.name,
            in: p.in,
            required: p.in === 'path' ? true : !!p.required,
            description: p.description,
            schema,
            ...(schema.type === 'array' ? { style: 'form', explode: true } : {}),
            ...(p.example !== undefined ? { example: p.example } : {}),
          };
        }),
        responses,
        'x-example-request': exampleUrl(r),
      },
    };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'govnav API',
      version: opts.version,
      summary: 'AI risk mitigations, principles and risks from AI governance documents, with labels on published taxonomies.',
      description:
        'Read-only JSON API of govnav. Every list is paged with an opaque `next` cursor; responses carry an ETag and ' +
        'Cache-Control, and answer 304 to a matching If-None-Match. Errors are JSON objects `{error, message, field?}`. ' +
        'The filters of /statements and /search are those of the /search page and of the exports (/export.csv, .json, .jsonl, .xlsx). ' +
        'Data comes from the source datasets listed at /api/v1/datasets, each under its own licence; show their attribution.',
      license: { name: 'Apache-2.0 (software); data under the licence of each source dataset', identifier: 'Apache-2.0' },
    },
    servers: [{ url: opts.baseUrl ? opts.baseUrl.replace(/\/+$/, '') : '/' }],
    paths: { ...paths, ...Object.fromEntries(PAGE_TWINS.map((t) => [t.path, twinPath(t)])) },
    components: { schemas: componentSchemas() },
  };
}
