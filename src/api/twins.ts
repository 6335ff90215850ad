// JSON twins of pages that have no API route of their own (risk domains, topics): built from the
// same data as the HTML page, described by the schemas in schemas.ts (and so in the OpenAPI document).
import type { z } from 'zod';
import type { Taxonomy } from '../taxonomy/index.ts';
import type { TopicPageData } from '../topics/query.ts';
import { listTitle } from '../store/read/title.ts';
import type * as S from './schemas.ts';

const loc = (t: { en: string; zh?: string }) => ({ en: t.en, zh: t.zh ?? null });

export interface RiskPageData {
  tax: Taxonomy;
  code: string;
  counts: Record<'risk' | 'mitigation', Map<string, number>>;
  risks: { id: string; name: string; text: string }[];
  mitigations: { id: string; name: string; text: string }[];
}

export function riskPageJson(d: RiskPageData, base: string): z.infer<typeof S.RiskPageTwin> {
  const n = d.tax.node(d.code);
  const item = (s: { id: string; name: string; text: string }) => ({ id: s.id, name: listTitle(s), url: `${base}/m/${s.id}` });
  return {
    taxonomy: d.tax.id,
    code: d.code,
    name: loc(n.name),
    description: n.description ? loc(n.description) : null,
    parent: n.parent,
    riskCount: d.counts.risk.get(d.code) ?? 0,
    mitigationCount: d.counts.mitigation.get(d.code) ?? 0,
    children: n.children.map((ch) => ({
      code: ch,
      name: loc(d.tax.node(ch).name),
      riskCount: d.counts.risk.get(ch) ?? 0,
      mitigationCount: d.counts.mitigation.get(ch) ?? 0,
    })),
    risks: d.risks.map(item),
    mitigations: d.mitigations.map(item),
  };
}

export function topicPageJson(d: TopicPageData, base: string): z.infer<typeof S.TopicPageTwin> {
  const t = d.topic;
  return {
    id: t.id,
    name: { en: t.name_en, zh: t.name_zh },
    description: { en: t.description_en, zh: t.description_zh },
    totalStatements: d.totalStatements,
    totalDocuments: d.totalDocuments,
    page: d.page,
    pages: d.pages,
    documents: d.documents.map((doc) => ({
      id: doc.id,
      title: doc.title,
      count: doc.count,
      statements: doc.statements.map((s) => ({ id: s.id, kind: s.kind, url: `${base}/m/${s.id}` })),
    })),
  };
}
