// One work, one document: documents from different datasets or ingests that carry the same work
// share one work id; statements with the same text within a work are listed and counted once;
// maintainers confirm (same) or undo (split) matches, and a split survives auto-detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import {
  detectWorks,
  getWork,
  listWorks,
  markSame,
  metadataMatch,
  splitDocument,
  type Db,
  type Store,
} from '../../src/store/index.ts';
import { createApp } from '../../src/web/app.ts';
import { requireShared } from '../helpers/shared.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { makePdf, tempDir } from '../ingest/fixtures.ts';
import { testConfig } from '../web/fixture.ts';
import { addDoc } from './works-fixture.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

async function withStore(fn: (s: Store) => Promise<void>): Promise<void> {
  const s = await openTestStore();
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

async function pageText(store: Store, path: string): Promise<{ status: number; html: string; text: string }> {
  const app = await createApp({ store, config: testConfig(), dataVersion: () => String(Math.random()) });
  const r = await app.request(path);
  const html = await r.text();
  const text = html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
  return { status: r.status, html, text };
}

const ACTIONS = [
  'Establish transparency policies and processes for documenting the origin and history of training data and generated data.',
  'Conduct periodic monitoring of AI-generated content for privacy risks; address any possible instances of personally identifiable information.',
  'Implement plans for human oversight of incidents, including escalation paths and decommissioning criteria.',
  'Document the interaction between the generative AI system and third-party components, including licences and provenance.',
  'Evaluate the potential for harmful bias in outputs by running representative evaluations with affected communities.',
  'Maintain an inventory of deployed models with their versions, owners, intended uses and known limitations.',
];



async function workOf(db: Db, id: string): Promise<string> {
  return (parseRows(z.object({ work_id: z.string() }), await db.query('SELECT work_id FROM documents WHERE id = $1', [id]), 'test rows'))[0]!.work_id;
}

test('titles: DOI, title and year, a dropped subtitle or trailing year, a NIST designator; different works stay apart', () => {
  const nist = { title: 'Artificial Intelligence Risk Management Framework: Generative Artificial Intelligence Profile', year: 2024, doi: null };
  assert.equal(metadataMatch(nist, { title: 'NIST AI 600-1', year: 2024, doi: '10.6028/NIST.AI.600-1' }), undefined, 'a designator on one side only is not enough');
  assert.equal(metadataMatch({ ...nist, doi: 'https://doi.org/10.6028/NIST.AI.600-1' }, { title: 'x', year: 2020, doi: '10.6028/nist.ai.600-1' }), 'doi');
  assert.equal(metadataMatch({ title: 'NIST AI 600-1: Generative AI Profile', year: 2024, doi: null }, { ...nist, doi: '10.6028/NIST.AI.600-1' }), 'title');
  assert.equal(metadataMatch(nist, { title: 'Artificial intelligence risk management framework — generative AI profile', year: 2024, doi: null }), 'title');
  assert.equal(metadataMatch({ title: 'International AI Safety Report', year: 2025, doi: null }, { title: 'International AI Safety Report 2025', year: 2025, doi: null }), 'title');
  assert.equal(
    metadataMatch(
      { title: 'A Frontier AI Risk Management Framework: Bridging the Gap Between Current AI Practices and Established Risk Management', year: 2025, doi: null },
      { title: 'Frontier AI Risk Management Framework (v1.0)', year: 2025, doi: null },
    ),
    undefined,
  );
  assert.equal(metadataMatch({ title: 'Artificial Intelligence Risk Management Framework', year: 2023, doi: null }, nist), undefined, 'main title of another year');
  assert.equal(metadataMatch({ ...nist, doi: '10.1/a' }, { ...nist, doi: '10.1/b' }), undefined, 'different DOIs are different works');
});

test(`[${ENGINE}] detection by shared texts; one text twice in a document is flagged; same/split, and a split survives auto-detection`, async () => {
  await withStore(async (store) => {
    const db = store.db;
    const a = await db.transaction(async (tx) => {
      const id = await addDoc(tx, 'set-a', 'a', { title: 'Guidance on model release', year: 2024 }, [...ACTIONS.slice(0, 5), ACTIONS[0]!.toUpperCase()]);
      await detectWorks(tx, { documentIds: [id] });
      return id;
    });
    // The same text twice inside one document (case differs): the later one points to the first.
    const inDoc = parseRows(z.object({ id: z.string(), same_as: z.string().nullable() }), await db.query(`SELECT id, same_as FROM statements WHERE document_id = $1 ORDER BY ord`, [a]), 'test rows');
    assert.equal(inDoc[5]!.same_as, inDoc[0]!.id);
    assert.equal(inDoc.filter((s) => s.same_as).length, 1);
    const page = await pageText(store, `/d/${a}`);
    assert.match(page.text, /Repeated inside this document \(1\)/);
    assert.match(page.text, new RegExp(`same text as ${inDoc[0]!.id}`));
    const dupPage = await pageText(store, `/m/${inDoc[5]!.id}`);
    assert.equal(dupPage.status, 200, 'a duplicate keeps its page');
    assert.match(dupPage.html, new RegExp(`same text as <a class="code" href="/m/${inDoc[0]!.id}">`));

    // Another dataset, another title, four of the five texts: the same work by shared texts.
    const b = await db.transaction(async (tx) => {
      const id = await addDoc(tx, 'set-b', 'b', { title: 'Model release practices (annex)', year: 2023 }, [...ACTIONS.slice(1, 5), 'A statement only this source has, about red teaming before release.']);
      await detectWorks(tx, { documentIds: [id] });
      return id;
    });
    assert.equal(await workOf(db, b), await workOf(db, a));
    const work = (await getWork(db, b))!;
    assert.deepEqual(work.members.map((m) => m.id).sort(), [a, b].sort());
    assert.equal(work.members.find((m) => m.id === b)!.work_match, 'statements');
    // Distinct statements of the work: 5 texts of a + 1 of b's own.
    const [{ n }] = (parseRows(z.object({ n: z.coerce.number() }), await db.query(
      `SELECT count(*)::int AS n FROM statements s JOIN documents d ON d.id = s.document_id WHERE d.work_id = $1 AND s.same_as IS NULL`,
      [work.id],
    ), 'test rows')) as [{ n: number }];
    assert.equal(n, 6);
    const home = await pageText(store, '/');
    assert.match(home.text, /\b1 documents?\b/, 'the work counts once on the home page');
    assert.match(home.text, /\b6 mitigations\b/);
    const wpage = await pageText(store, `/d/${b}`);
    assert.match(wpage.text, /Sources of this work/);
    assert.match(wpage.text, /set-a/);
    assert.match(wpage.text, /Published by several sources \(5\)/);
    assert.match(wpage.text, /also published in set-b as M\d+/);
    const search = await pageText(store, '/search?kind=mitigation');
    assert.match(search.text, /\b6 statements match\b/, 'search lists each text once');
    assert.equal((search.text.match(/also published in set-b/g) ?? []).length, 4, 'with its other provenance');
    const api = JSON.parse((await pageText(store, '/api/v1/statements?kind=mitigation&limit=50')).html) as {
      total: number;
      items: { id: string; sameAs: string | null; alsoPublishedIn: { id: string; dataset: string }[] }[];
    };
    assert.equal(api.total, 6, 'the API lists each text once');
    assert.equal(api.items.filter((i) => i.alsoPublishedIn.some((x) => x.dataset === 'set-b')).length, 4);
    const dupId = api.items.flatMap((i) => i.alsoPublishedIn).find((x) => x.dataset === 'set-b')!.id;
    const detail = JSON.parse((await pageText(store, `/api/v1/statements/${dupId}`)).html) as { sameAs: string | null };
    assert.ok(detail.sameAs && api.items.some((i) => i.id === detail.sameAs), 'a repeat names its canonical statement');

    // Unrelated document: stays alone.
    const c = await db.transaction(async (tx) => {
      const id = await addDoc(tx, 'set-c', 'c', { title: 'Unrelated principles', year: 2024 }, ['Systems should respect human autonomy and dignity at all times.']);
      await detectWorks(tx, { documentIds: [id] });
      return id;
    });
    assert.notEqual(await workOf(db, c), await workOf(db, a));

    // Split: b is its own work again, its texts count again; auto-detection keeps it apart.
    const split = await splitDocument(db, b);
    assert.notEqual(split.work, await workOf(db, a));
    assert.deepEqual(split.others, [a]);
    const full = await db.transaction((tx) => detectWorks(tx));
    assert.equal(full.joined.length, 0, 'the split is remembered');
    assert.notEqual(await workOf(db, b), await workOf(db, a));
    const [{ dup }] = (parseRows(z.object({ dup: z.coerce.number() }), await db.query(`SELECT count(*)::int AS dup FROM statements WHERE document_id = $1 AND same_as IS NOT NULL`, [b]), 'test rows')) as [{ dup: number }];
    assert.equal(dup, 0, 'a document of its own has no cross-document duplicates');
    await assert.rejects(splitDocument(db, c), /already a work of its own/);

    // Same: a maintainer joins c to a's work; a re-run changes nothing.
    const same = await markSame(db, c, a);
    assert.equal(await workOf(db, c), same.work);
    assert.equal(await workOf(db, a), same.work);
    assert.equal((await db.transaction((tx) => detectWorks(tx))).joined.length, 0);
    const works = await listWorks(db);
    assert.equal(works.length, 1);
    assert.deepEqual(works[0]!.members.map((m) => m.id).sort(), [a, c].sort());
  });
});

test(`[${ENGINE}] public datasets: NIST AI 600-1 is one work with one page; counts equal distinct statements; an ingested PDF of it joins it`, async (t) => {
  const risk = requireShared(t, 'data/mit-airi-risk-db-v4/ai_risk_database_v4.csv');
  const mitig = requireShared(t, 'data/mit-airi-mitigations-v1/mit_ai_risk_repository_data_controls.yaml');
  const nist = requireShared(t, 'data/ibm-ai-atlas-nexus/nist_ai_rmf_actions_data.yaml');
  if (!risk || !mitig || !nist) return;
  const { importPath } = await import('../../src/importers/index.ts');
  const { ingestOne } = await import('../../src/ingest/index.ts');
  await withStore(async (store) => {
    const db = store.db;
    await importPath(store, risk, { link: false });
    await importPath(store, dirname(mitig), { link: false });
    const s = await importPath(store, nist, { link: false });
    assert.ok(s.works!.joined.length >= 1, 'the NIST dataset joins the work already imported');

    // Independently: the documents with NIST AI 600-1's DOI, from three datasets.
    const members = parseRows(z.object({ id: z.string(), dataset: z.string(), work_id: z.string() }), await db.query(
      `SELECT id, dataset, work_id FROM documents WHERE lower(doi) LIKE '%10.6028/nist.ai.600-1' ORDER BY id`,
    ), 'test rows');
    assert.deepEqual(members.map((m) => m.dataset).sort(), ['mit-airi-mitigations', 'mit-airi-risk-db', 'nist-ai-600-1']);
    assert.equal(new Set(members.map((m) => m.work_id)).size, 1, 'one work');

    // Identical texts across the two action lists, computed with SQL over normalised texts.
    const norm = `btrim(regexp_replace(lower(s.text), '[^[:alnum:]]+', ' ', 'g'))`;
    const [{ shared }] = (parseRows(z.object({ shared: z.coerce.number() }), await db.query(
      `SELECT count(*)::int AS shared FROM (
         SELECT ${norm} AS t FROM statements s JOIN documents d ON d.id = s.document_id
         WHERE d.dataset IN ('mit-airi-mitigations', 'nist-ai-600-1') AND d.id = ANY($1::text[]) AND s.retired_at IS NULL
           AND length(replace(${norm}, ' ', '')) >= 8
         GROUP BY 1 HAVING count(DISTINCT d.dataset) = 2) x`,
      [members.map((m) => m.id)],
    ), 'test rows')) as [{ shared: number }];
    assert.ok(shared >= 100, `expected many identical NIST actions in both datasets, got ${shared}`);

    const nistDoc = members.find((m) => m.dataset === 'nist-ai-600-1')!.id;
    const mitDoc = members.find((m) => m.dataset === 'mit-airi-mitigations')!.id;
    for (const id of [nistDoc, mitDoc]) {
      const p = await pageText(store, `/d/${id}`);
      assert.equal(p.status, 200);
      assert.match(p.text, /Sources of this work/);
      assert.match(p.text, /MIT AI Risk Mitigation Database/);
      assert.match(p.text, /NIST AI 600-1 \(Generative AI Profile\): suggested actions/);
      assert.match(p.text, /MIT AI Risk Repository/);
      // Shown once: the number of same-text groups on the page is the number of shared texts (plus
      // texts repeated inside one member).
      const m = /Published by several sources \((\d+)\)/.exec(p.text);
      assert.ok(m, 'the page lists the statements published by several sources');
      assert.ok(Number(m[1]) >= shared, `${m[1]} groups on the page, ${shared} shared texts`);
      const also = p.html.match(/also published in/g) ?? [];
      assert.ok(also.length >= Math.min(shared, 200));
    }

    // Conflicting labels are listed: the Gipiškis et al. work (two datasets) has twins with different
    // published risk-domain labels; check independently, then on its page.
    const conflicts = parseRows(z.object({ doc: z.string() }), await db.query(
      `SELECT s.document_id AS doc FROM statements s
         JOIN classifications a ON a.statement_id = s.id AND a.is_current
         JOIN classifications b ON b.statement_id = s.same_as AND b.is_current AND b.taxonomy = a.taxonomy AND b.code <> a.code
       WHERE s.same_as IS NOT NULL AND a.human AND b.human LIMIT 1`,
    ), 'test rows');
    assert.ok(conflicts.length > 0, 'the public data has twins with different human labels');
    const cp = await pageText(store, `/d/${conflicts[0]!.doc}`);
    assert.match(cp.text, /the sources disagree:/);

    // Home page counts equal the distinct statements: per kind, live statements minus the extra
    // copies of a normalised text within one work (SQL over normalised texts, not same_as).
    const expected = parseRows(z.object({ kind: z.string(), n: z.coerce.number() }), await db.query(
      `WITH x AS (
         SELECT s.kind, d.work_id, ${norm} AS t, count(*) AS c FROM statements s JOIN documents d ON d.id = s.document_id
         WHERE s.retired_at IS NULL AND d.retired_at IS NULL AND length(replace(${norm}, ' ', '')) >= 8 GROUP BY 1, 2, 3)
       SELECT k.kind, ((SELECT count(*) FROM statements s JOIN documents d ON d.id = s.document_id
                        WHERE s.kind = k.kind AND s.retired_at IS NULL AND d.retired_at IS NULL)
                       - coalesce((SELECT sum(c - 1) FROM x WHERE x.kind = k.kind), 0))::int AS n
       FROM (SELECT DISTINCT kind FROM statements) k`,
    ), 'test rows');
    const [{ works }] = (parseRows(z.object({ works: z.coerce.number() }), await db.query(
      `SELECT count(DISTINCT work_id)::int AS works FROM documents WHERE retired_at IS NULL`,
    ), 'test rows')) as [{ works: number }];
    const [{ docs }] = (parseRows(z.object({ docs: z.coerce.number() }), await db.query(`SELECT count(*)::int AS docs FROM documents WHERE retired_at IS NULL`), 'test rows')) as [{ docs: number }];
    assert.ok(works < docs, 'works are fewer than documents');
    const home = await pageText(store, '/');
    const fmt = (n: number) => n.toLocaleString('en');
    assert.match(home.text, new RegExp(`\\b${fmt(works)} documents\\b`));
    for (const { kind, n } of expected) {
      const plural = kind === 'mitigation' ? 'mitigations' : kind === 'risk' ? 'risks' : 'principles';
      assert.match(home.text, new RegExp(`\\b${fmt(n).replace(',', '[,.\\s]?')} ${plural}\\b`), `home page: ${n} ${plural}`);
    }
    // Search counts the same statements once.
    const { searchStatements, parseQuery } = await import('../../src/search/query.ts');
    const { query } = parseQuery(new URLSearchParams({ kind: 'mitigation' }), store.taxonomies);
    const r = await searchStatements(db, store.taxonomies, query, { limit: 0 });
    assert.equal(r.total, expected.find((e) => e.kind === 'mitigation')!.n);

    // A generated PDF carrying the work's title, its year and some of its actions joins the work.
    const texts = (
      parseRows(z.object({ text: z.string() }), await db.query(`SELECT text FROM statements WHERE document_id = $1 AND same_as IS NULL AND length(text) BETWEEN 60 AND 220 ORDER BY ord LIMIT 12`, [nistDoc]), 'test rows')
    ).map((r) => r.text);
    assert.equal(texts.length, 12);
    const tmp = tempDir();
    try {
      const file = tmp.file(
        'nist-ai-600-1.pdf',
        await makePdf({
          title: 'Artificial Intelligence Risk Management Framework: Generative Artificial Intelligence Profile',
          creationDate: new Date('2024-07-26T00:00:00Z'),
          elements: [{ h: 'Suggested actions', size: 16 }, ...texts.slice(0, 6).map((p) => ({ p }))],
        }),
      );
      const ing = await ingestOne(db, file, { organisation: 'National Institute of Standards and Technology', type: 'framework', kind: 'mitigation' });
      assert.equal(ing.work?.id, members[0]!.work_id, `the ingested PDF joins ${members[0]!.work_id}`);
      assert.ok(ing.work?.joined, 'and says how');
      assert.equal(ing.work?.joined?.by, 'title');
      const work = (await getWork(db, ing.documentId))!;
      assert.equal(work.members.length, 4);
      assert.ok(work.members.some((m) => m.dataset === 'ingest'));
      // Another file under another title and year with other statements of the work: joins by shared texts.
      const notes = tmp.file(
        'actions-notes.pdf',
        await makePdf({ title: 'Working notes on suggested actions', creationDate: new Date('2026-01-05T00:00:00Z'), elements: texts.slice(6).map((p) => ({ p })) }),
      );
      const ing2 = await ingestOne(db, notes, { organisation: 'A reader', type: 'other', kind: 'mitigation' });
      assert.ok(ing2.statements >= 3, `statements extracted: ${ing2.statements}`);
      assert.equal(ing2.documentStatus, 'created');
      assert.equal(ing2.work?.id, members[0]!.work_id);
      assert.equal(ing2.work?.joined?.by, 'statements');
    } finally {
      tmp.cleanup();
    }
  });
});
