// A small corpus written through the store API for the web tests (and the browser tests when the
// real datasets are not available): two documents, statements with parent/child links in English
// and Chinese, one hostile statement, and labels from every source (imported human, LLM, embedded,
// human review).
import { loadConfig, type Config } from '../../src/config.ts';
import type { StatementInput } from '../../src/model/index.ts';
import { insertClassifications, upsertDataset, upsertDocument, upsertStatements, type Store } from '../../src/store/index.ts';
import { createApp } from '../../src/web/app.ts';
import type { AppContext } from '../../src/web/context.ts';
import { openTestStore } from '../helpers/store.ts';

export const XSS = '<script>alert(1)</script>';

export interface Fixture {
  store: Store;
  ids: Map<string, string>;
  doc1: string;
  doc2: string;
}

const prov = {
  dataset: 'test-mitigations',
  datasetVersion: 'v1 (2025-01-01)',
  licence: 'CC-BY-4.0',
  attribution: 'Test mitigations dataset by the govnav tests, CC BY 4.0',
  sourceUrl: 'https://example.org/data',
};

export async function buildFixture(store: Store): Promise<Fixture> {
  const db = store.db;
  const reg = store.taxonomies;
  return db.transaction(async (tx) => {
    await upsertDataset(tx, { id: prov.dataset, version: prov.datasetVersion, licence: prov.licence, attribution: prov.attribution, sourceUrl: prov.sourceUrl });
    const d1 = await upsertDocument(tx, {
      sourceKey: 'doc-survey',
      title: 'Effective Mitigations for Systemic Risks',
      authors: 'Uuk, Risto; Brouwer, Annemieke',
      year: 2024,
      date: '2024-12',
      docType: 'paper',
      url: 'https://example.org/paper',
      doi: '10.1234/abcd.5678',
      abstract: 'We surveyed experts on mitigations for systemic risks of general-purpose AI.',
      provenance: prov,
    });
    const d2 = await upsertDocument(tx, {
      sourceKey: 'doc-framework',
      title: '人工智能安全治理框架',
      organisation: 'National Technical Committee 260',
      year: 2024,
      docType: 'framework',
      language: 'zh',
      url: 'javascript:alert(2)',
      provenance: prov,
    });
    const s1: StatementInput[] = [
      { sourceKey: 'a', kind: 'mitigation', ord: 0, name: 'Pre-deployment risk assessments', text: 'Comprehensive risk assessments before deployment, including dangerous capability evaluations.', headingPath: ['Mitigations', 'Assessment'], locator: { page: 4, pageEnd: 5 } },
      { sourceKey: 'a1', kind: 'mitigation', ord: 1, parentSourceKey: 'a', name: 'Third party model audits', text: 'External assessment by independent auditors with fine-tuning access.' },
      { sourceKey: 'a2', kind: 'mitigation', ord: 2, parentSourceKey: 'a', name: 'Vetted researcher access', text: 'Give public-interest researchers access to black-box research APIs.' },
      { sourceKey: 'b', kind: 'mitigation', ord: 3, name: 'Data curation', text: 'Careful data curation to filter high-risk content from training data.' },
      { sourceKey: 'x', kind: 'mitigation', ord: 4, name: `Hostile ${XSS} name`, text: `Text with ${XSS} and <img src=x onerror=alert(3)> inside.` },
      { sourceKey: 'r', kind: 'risk', ord: 5, name: 'Jailbreak attacks', text: 'Models can be manipulated into unsafe output.' },
    ];
    const s2: StatementInput[] = [
      { sourceKey: 'c', kind: 'mitigation', ord: 0, name: '加强国际合作', text: '积极开展人工智能安全治理国际合作，共同制定国际标准。', language: 'zh' },
      { sourceKey: 'p', kind: 'principle', ord: 1, name: '', text: 'AI safety is a global public good; international cooperation on safety must grow.', language: 'en' },
    ];
    const r1 = await upsertStatements(tx, d1.id, s1);
    const r2 = await upsertStatements(tx, d2.id, s2);
    const ids = new Map<string, string>([...r1.ids, ...r2.ids]);
    const id = (k: string) => ids.get(k)!;
    await insertClassifications(tx, reg, [
      // imported human gold labels
      { statementId: id('a'), taxonomy: 'mitigation-v2', code: '2.2.1', source: 'imported', human: true, sourceValue: '2.2.1 Risk Assessment' },
      { statementId: id('a1'), taxonomy: 'mitigation-v2', code: '2.2.3', source: 'imported', human: true },
      { statementId: id('a2'), taxonomy: 'mitigation-v2', code: '2.3.1', source: 'imported', human: true },
      { statementId: id('b'), taxonomy: 'mitigation-v2', code: '1.1.1', source: 'imported', human: true },
      // LLM labels with reasoning and prompt version
      { statementId: id('a'), taxonomy: 'lifecycle', code: 'verify-validate', source: 'llm', model: 'test-model-1', promptVersion: 'lifecycle@3', confidence: 0.91, reasoning: 'Assessments happen before release, during verification.' },
      { statementId: id('a'), taxonomy: 'actor', code: 'developer', source: 'llm', model: 'test-model-1', promptVersion: 'actor@2', confidence: 0.8, reasoning: 'The developer runs the assessment.' },
      { statementId: id('a'), taxonomy: 'risk-domain', code: '7.2', source: 'embedded', model: 'govnav-embedded', modelVersion: '2026.11', confidence: 0.62 },
      // a second, older machine label on mitigation-v2 that is not current
      { statementId: id('a'), taxonomy: 'mitigation-v2', code: '2.2.2', source: 'llm', model: 'test-model-1', promptVersion: 'mitigation-v2@4', confidence: 0.55, reasoning: 'Looks like testing and evaluation.' },
      { statementId: id('x'), taxonomy: 'mitigation-v2', code: '1.2.1', source: 'llm', model: 'test-model-1', promptVersion: 'mitigation-v2@4', reasoning: `Filter the ${XSS} output.` },
      { statementId: id('c'), taxonomy: 'mitigation-v1', code: mitigationV1Code(store), source: 'imported', human: true },
      { statementId: id('r'), taxonomy: 'risk-domain', code: '2.2', source: 'imported', human: true },
      { statementId: id('c'), taxonomy: 'risk-domain', code: '6.5', source: 'llm', model: 'test-model-1', promptVersion: 'risk-domain@1' },
    ]);
    return { store, ids, doc1: d1.id, doc2: d2.id };
  });
}

function mitigationV1Code(store: Store): string {
  const t = store.taxonomies.get('mitigation-v1');
  return t.ordered().find((n) => n.level === 2 && !n.special)!.code;
}

export function testConfig(over: Partial<Config> = {}): Config {
  const base = loadConfig({ ...process.env, GOVNAV_CONFIG: '', GOVNAV_ADMIN_SECRET: '', GOVNAV_BASE_URL: '' }, process.cwd());
  return { ...base, adminSecret: undefined, baseUrl: 'https://govnav.example.org', ...over };
}

/** A Hono app over a fresh store with the fixture; `bump()` changes the data version (cache key). */
export async function openTestApp(over: Partial<Config> = {}) {
  const store = await openTestStore();
  const fx = await buildFixture(store);
  let version = 1;
  const ctx: AppContext = { store, config: testConfig(over), dataVersion: () => String(version) };
  const app = await createApp(ctx);
  return {
    app,
    ctx,
    fx,
    store,
    bump: () => void version++,
    close: () => store.close(),
  };
}
