// Response schemas of the JSON API (zod). They are the single source of the OpenAPI document's
// component schemas and of the checks in the API tests.
import { z } from 'zod';

export const schemas = z.registry<{ id: string; description?: string }>();

function reg<T extends z.ZodType>(id: string, schema: T, description?: string): T {
  schemas.add(schema, { id, ...(description ? { description } : {}) });
  return schema;
}

export const ErrorBody = reg(
  'Error',
  z.object({
    error: z.string().meta({ description: 'Machine-readable error code: bad_parameter, not_found, internal.' }),
    message: z.string(),
    field: z.string().optional().meta({ description: 'The parameter at fault, for bad_parameter.' }),
  }),
  'An error. 400 responses name the parameter at fault in `field`.',
);

export const Localized = reg('LocalizedText', z.object({ en: z.string(), zh: z.string().nullable() }));

export const Label = reg(
  'Label',
  z.object({
    code: z.string(),
    name: z.string(),
    nameZh: z.string().nullable(),
    source: z.enum(['human', 'llm', 'embedded', 'imported', 'annotation']).describe('Who made the label: human (a reviewer or coder in govnav), imported (the source dataset), annotation (govnav project annotation: the govnav-annotations set, labelled against written guidelines; human is false), llm, embedded.'),
    human: z.boolean(),
    model: z.string().nullable(),
    promptVersion: z.string().nullable(),
    confidence: z.number().nullable(),
    reviewStatus: z.enum(['unreviewed', 'accepted', 'rejected', 'corrected', 'adjudicated']),
  }),
  'The current label of a statement on one taxonomy, with who made it.',
);

export const DocumentRef = reg(
  'DocumentRef',
  z.object({
    id: z.string(),
    title: z.string(),
    organisation: z.string().nullable(),
    year: z.number().int().nullable(),
    type: z.string(),
    dataset: z.string(),
  }),
);

export const Locator = reg(
  'Locator',
  z.object({
    page: z.number().int().nullable(),
    pageEnd: z.number().int().nullable(),
    charStart: z.number().int().nullable(),
    charEnd: z.number().int().nullable(),
    ref: z.string().nullable(),
  }),
);

export const CiteLinks = reg(
  'CiteLinks',
  z.object({
    bibtex: z.string().meta({ description: 'URL of a BibTeX entry for this record.' }),
    csl: z.string().meta({ description: 'URL of a CSL-JSON item (array of one) for this record.' }),
  }),
);

export const StatementItem = reg(
  'Statement',
  z.object({
    id: z.string().meta({ example: 'M000123' }),
    kind: z.enum(['mitigation', 'principle', 'risk']),
    name: z.string(),
    text: z.string().meta({ description: 'The text without its source markup (plain text).' }),
    textRaw: z.string().meta({ description: 'The text exactly as the source gave it (see markup).' }),
    markup: z.enum(['markdown', 'html', 'text']).meta({ description: 'Markup of textRaw.' }),
    headingPath: z.array(z.string()),
    locator: Locator,
    language: z.string(),
    parentId: z.string().nullable(),
    document: DocumentRef,
    labels: z.record(z.string(), Label).meta({ description: 'Current label per taxonomy id.' }),
    url: z.string().meta({ description: 'Stable URL of the statement page.' }),
    cite: CiteLinks,
    sameAs: z
      .string()
      .nullable()
      .meta({ description: 'The id of the statement of the same work with the same text, when this one repeats it (repeats are left out of lists and counts); else null.' }),
    alsoPublishedIn: z
      .array(z.object({ id: z.string(), documentId: z.string(), dataset: z.string() }))
      .meta({ description: 'The other statements of the same work with the same text (other datasets, or repeats inside one document).' }),
  }),
);

export const Citation = reg(
  'Citation',
  z.object({
    url: z.string(),
    key: z.string(),
    text: z.string(),
    bibtex: z.string(),
    csl: z.record(z.string(), z.unknown()).meta({ description: 'A CSL-JSON item.' }),
  }),
);

export const Classification = reg(
  'Classification',
  z.object({
    id: z.number().int(),
    statementId: z.string(),
    taxonomy: z.string(),
    taxonomyVersion: z.string(),
    code: z.string(),
    name: z.string(),
    secondary: z.array(z.string()),
    source: z.enum(['human', 'llm', 'embedded', 'imported', 'annotation']).describe('Who made the label: human (a reviewer or coder in govnav), imported (the source dataset), annotation (govnav project annotation: the govnav-annotations set, labelled against written guidelines; human is false), llm, embedded.'),
    human: z.boolean(),
    model: z.string().nullable(),
    modelVersion: z.string().nullable(),
    promptVersion: z.string().nullable(),
    reasoning: z.string().nullable(),
    confidence: z.number().nullable(),
    reviewStatus: z.enum(['unreviewed', 'accepted', 'rejected', 'corrected', 'adjudicated']),
    reviewer: z.string().nullable(),
    reviewedAt: z.string().nullable(),
    sourceValue: z.string().nullable(),
    runId: z.string().nullable(),
    isCurrent: z.boolean(),
    createdAt: z.string(),
  }),
  'One label with its full provenance. Exactly one label per statement and taxonomy is current.',
);

export const StatementRef = reg('StatementRef', z.object({ id: z.string(), kind: z.string(), name: z.string(), url: z.string() }));

export const TopicRef = reg('TopicRef', z.object({ id: z.string(), name: Localized, score: z.number() }));

export const StatementDetail = reg(
  'StatementDetail',
  StatementItem.extend({
    classifications: z.array(Classification),
    children: z.array(StatementRef),
    topics: z.array(TopicRef),
    citation: Citation,
  }),
);

export const Page = <T extends z.ZodType>(id: string, item: T) =>
  reg(
    id,
    z.object({
      total: z.number().int().meta({ description: 'Number of matching records (all pages).' }),
      items: z.array(item),
      next: z.string().nullable().meta({ description: 'Opaque cursor for the next page (pass as cursor=), or null on the last page.' }),
    }),
  );

export const StatementPage = Page('StatementPage', StatementItem);

export const FacetValue = reg(
  'FacetValue',
  z.object({
    value: z.string(),
    count: z.number().int(),
    total: z.number().int().optional().meta({ description: 'Taxonomy facets: count including sub-codes.' }),
    label: z.string().optional(),
  }),
);

export const SearchResult = reg(
  'SearchResult',
  z.object({
    total: z.number().int(),
    items: z.array(StatementItem),
    next: z.string().nullable(),
    facets: z.record(z.string(), z.array(FacetValue)),
  }),
);

export const Attribution = reg(
  'Attribution',
  z.object({ dataset: z.string(), version: z.string(), licence: z.string(), attribution: z.string(), sourceUrl: z.string().nullable() }),
);

export const DocumentItem = reg(
  'Document',
  z.object({
    id: z.string().meta({ example: 'D0001' }),
    title: z.string(),
    authors: z.string().nullable(),
    organisation: z.string().nullable(),
    date: z.string().nullable(),
    year: z.number().int().nullable(),
    type: z.string(),
    language: z.string(),
    jurisdiction: z.string().nullable(),
    link: z.string().nullable().meta({ description: 'The original document.' }),
    doi: z.string().nullable(),
    dataset: z.string(),
    statementCount: z.number().int(),
    url: z.string().meta({ description: 'Stable URL of the document page.' }),
    cite: CiteLinks,
  }),
);

export const DocumentPage = Page('DocumentPage', DocumentItem);

export const DocumentDetail = reg(
  'DocumentDetail',
  DocumentItem.extend({
    abstract: z.string().nullable(),
    legislativeStatus: z.string().nullable(),
    statementIds: z.array(z.string()),
    attribution: Attribution,
    citation: Citation,
  }),
);

export const TaxonomySummary = reg(
  'Taxonomy',
  z.object({
    id: z.string(),
    version: z.string(),
    name: Localized,
    description: Localized,
    appliesTo: z.array(z.string()),
    appliesToDocuments: z.boolean(),
    nodeCount: z.number().int(),
    source: z.object({ citation: z.string(), url: z.string().nullable() }),
  }),
);

export const TaxonomyNode = reg(
  'TaxonomyNode',
  z.object({
    code: z.string(),
    parent: z.string().nullable(),
    level: z.number().int(),
    name: Localized,
    description: Localized.nullable(),
    special: z.string().nullable(),
    projectLabel: z.boolean(),
    count: z.number().int().meta({ description: 'Live statements whose current label is this code.' }),
    total: z.number().int().meta({ description: 'The same including every sub-code.' }),
  }),
);

export const TaxonomyList = reg('TaxonomyList', z.object({ items: z.array(TaxonomySummary) }));

export const TaxonomyDetail = reg('TaxonomyDetail', TaxonomySummary.extend({ nodes: z.array(TaxonomyNode) }));

export const TaxonomyNodeDetail = reg(
  'TaxonomyNodeDetail',
  TaxonomyNode.extend({
    taxonomy: z.string(),
    path: z.array(z.string()).meta({ description: 'Codes of the ancestors, root first.' }),
    children: z.array(z.string()),
    statements: z.string().meta({ description: 'API URL listing the statements labelled with this code or its sub-codes.' }),
  }),
);

export const Topic = reg(
  'Topic',
  z.object({ id: z.string(), name: Localized, description: Localized, statementCount: z.number().int() }),
);
export const TopicList = reg('TopicList', z.object({ items: z.array(Topic) }));
export const TopicDetail = reg(
  'TopicDetail',
  Topic.extend({ terms: z.unknown(), lexiconVersion: z.string(), statements: z.string().meta({ description: 'API URL of its statements.' }) }),
);

export const ClassificationPage = Page('ClassificationPage', Classification);

export const Dataset = reg(
  'Dataset',
  z.object({
    id: z.string(),
    version: z.string(),
    licence: z.string(),
    attribution: z.string(),
    sourceUrl: z.string().nullable(),
    importedAt: z.string().nullable(),
    documents: z.number().int(),
    statements: z.number().int(),
  }),
);
export const DatasetList = reg('DatasetList', z.object({ items: z.array(Dataset) }));

// ------------------------------------------------------------------ JSON twins of pages

export const ListedStatement = reg(
  'ListedStatement',
  z.object({
    id: z.string(),
    kind: z.enum(['mitigation', 'principle', 'risk']),
    parentId: z.string().nullable(),
    name: z.string().meta({ description: 'The name, else the start of the text (as the page shows it).' }),
    labels: z.record(z.string(), z.string()).meta({ description: 'Current label code per taxonomy id.' }),
    url: z.string(),
  }),
);

export const LabelCount = reg('LabelCount', z.object({ taxonomy: z.string(), code: z.string(), count: z.number().int() }));

export const DocumentPageJson = reg(
  'DocumentPageTwin',
  DocumentDetail.extend({
    work: z
      .object({ id: z.string(), title: z.string(), members: z.array(z.string()) })
      .nullable()
      .meta({ description: 'The work this document belongs to, with the ids of its live member documents.' }),
    statements: z.array(ListedStatement).meta({ description: 'The statements of the work as listed on the page (each text once).' }),
    statementTotal: z.number().int().meta({ description: 'How many statements the work has (the list may be cut).' }),
    labelCounts: z.array(LabelCount).meta({ description: 'Current labels per taxonomy and code over the statements of the work.' }),
  }),
);

export const RiskPageTwin = reg(
  'RiskPage',
  z.object({
    taxonomy: z.string().meta({ example: 'risk-domain' }),
    code: z.string(),
    name: Localized,
    description: Localized.nullable(),
    parent: z.string().nullable(),
    riskCount: z.number().int().meta({ description: 'Risks coded to this domain or a sub-domain.' }),
    mitigationCount: z.number().int().meta({ description: 'Mitigations whose primary risk domain is this one or a sub-domain.' }),
    children: z.array(z.object({ code: z.string(), name: Localized, riskCount: z.number().int(), mitigationCount: z.number().int() })),
    risks: z.array(z.object({ id: z.string(), name: z.string(), url: z.string() })).meta({ description: 'The first risks as listed on the page.' }),
    mitigations: z.array(z.object({ id: z.string(), name: z.string(), url: z.string() })).meta({ description: 'The first mitigations as listed on the page.' }),
  }),
);

export const TopicPageTwin = reg(
  'TopicPage',
  z.object({
    id: z.string(),
    name: Localized,
    description: Localized,
    totalStatements: z.number().int().meta({ description: 'Statements on the topic after the page’s filters.' }),
    totalDocuments: z.number().int(),
    page: z.number().int(),
    pages: z.number().int(),
    documents: z.array(
      z.object({
        id: z.string(),
        title: z.string(),
        count: z.number().int().meta({ description: 'Statements of this document on the topic.' }),
        statements: z.array(z.object({ id: z.string(), kind: z.string(), url: z.string() })),
      }),
    ),
  }),
);
