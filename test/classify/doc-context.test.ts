// The document's kind as cue terms (round 8, issue 12): document types grouped as the guidelines read
// them; the marks after the text are invisible to every model that does not ask for them; the shipped
// models ask (v2: "state", actor: the kind), and a model trained with them decides differently by the
// kind alone; the classifier passes a statement's document through; the evaluation's item → document
// table agrees with the importers and the snapshot's list.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { taxonomies } from '../../src/taxonomy/index.ts';
import { CUE_DIR } from '../../src/classify/embedded/cues.ts';
import { DEFAULT_FEATURES, Features, tokenise } from '../../src/classify/embedded/features.ts';
import { docCueFile, docKind, readsDocContext, splitDocContext, stateText, withDocContext } from '../../src/classify/embedded/doc-context.ts';
import { CORPUS_FILES, DATASET_DOCS, MIT_DOCS, sourceDocContext, storedDocContext } from '../../src/classify/embedded/doc-sources.ts';
import { annotationExamples } from '../../src/classify/models/training.ts';
import { CUE_AXES, MODEL_HYPER, TaxonomyModel } from '../../src/classify/models/hierarchy.ts';
import { PersistedClassifier } from '../../src/classify/models/index.ts';
import { axisItems, loadAnnotationSetStrict } from '../../src/eval/annotations.ts';
import { CORPUS, SKIPPED } from '../../scripts/snapshot/corpus.ts';
import { nist600Document } from '../../src/importers/nist-doc.ts';
import { parseMitigations } from '../../src/importers/mit-mitigations.ts';
import { parseFinos } from '../../src/importers/finos-aigf.ts';
import { parseAtlas } from '../../src/importers/mitre-atlas.ts';
import { requireShared } from '../helpers/shared.ts';
import { openTestStore } from '../helpers/store.ts';
import { upsertDataset, upsertDocument, upsertStatements, type Store } from '../../src/store/index.ts';
import { loadInputs } from '../../src/classify/pipeline/inputs.ts';

const registry = taxonomies();
const REGULATION = { docType: 'regulation', organisation: 'European Parliament and Council of the European Union' };
const PAPER = { docType: 'paper' };

test('document types are grouped as the guidelines read them; "other" and no document give no cue', () => {
  assert.equal(docKind({ docType: 'law' }), 'binding');
  assert.equal(docKind({ docType: 'regulation' }), 'binding');
  assert.equal(docKind({ docType: 'law', legislativeStatus: 'bill' }), 'draft');
  assert.equal(docKind({ docType: 'framework' }), 'voluntary');
  assert.equal(docKind({ docType: 'standard' }), 'standard');
  assert.equal(docKind({ docType: 'policy' }), 'policy');
  assert.equal(docKind({ docType: 'report' }), 'publication');
  assert.equal(docKind({ docType: 'other' }), undefined);
  assert.equal(docKind(undefined), undefined);
  assert.equal(stateText({ docType: 'policy' }), true);
  assert.equal(stateText({ docType: 'guidance', organisation: 'Ministry of X' }), false);
  assert.equal(withDocContext('Text.', { docType: 'other' }), 'Text.');
});

test('the marks are invisible to a model that does not read them, and give cue terms to one that does', () => {
  const text = 'Providers shall keep the logs for six months.';
  const marked = withDocContext(text, REGULATION);
  assert.notEqual(marked, text);
  assert.deepEqual(splitDocContext(marked), { text, cues: ['binding', 'state'] });
  assert.deepEqual(tokenise(marked), tokenise(text));
  const texts = [marked, withDocContext('Developers publish a model card.', PAPER), 'Monitor incidents.'];
  const plain = Features.fit(texts, { ...DEFAULT_FEATURES, cues: CUE_AXES.replace('*,', '') });
  const a = plain.transform(marked);
  const b = plain.transform(text);
  assert.deepEqual([...a.idx], [...b.idx]);
  assert.deepEqual([...a.val], [...b.val]);
  const cued = Features.fit(texts, { ...DEFAULT_FEATURES, cues: 'actor,doc-kind,doc-state' });
  const terms = (t: string) => [...cued.transform(t).idx].map((i) => cued.term(i)!.term).filter((s) => s.startsWith('~cue:doc'));
  assert.deepEqual(terms(marked), ['~cue:doc-kind:binding', '~cue:doc-state:state']);
  assert.deepEqual(terms(texts[1]!), ['~cue:doc-kind:publication']);
  assert.deepEqual(terms(text), []);
  // the fast path and the definition agree on a marked text
  const ref = cued.transformReference(marked);
  assert.deepEqual([...cued.transform(marked).val], [...ref.val]);
});

test('the shipped cue files are the generated ones, and the shipped models read them (v2: state, actor: kind)', () => {
  for (const id of ['doc-kind', 'doc-state']) assert.deepEqual(JSON.parse(readFileSync(join(CUE_DIR, `${id}.json`), 'utf8')), docCueFile(id));
  const v2 = MODEL_HYPER.featuresFor?.['mitigation-v2']?.cues ?? '';
  const actor = MODEL_HYPER.featuresFor?.actor?.cues ?? '';
  assert.ok(v2.split(',').includes('doc-state'), `v2 cues: ${v2}`);
  assert.ok(actor.split(',').includes('doc-kind'), `actor cues: ${actor}`);
  assert.ok(readsDocContext(v2) && readsDocContext(actor));
  assert.equal(readsDocContext(MODEL_HYPER.features?.cues), false);
});

/** Forty actor examples whose words say nothing: only the document's kind separates the two actors. */
function kindOnly(): { text: string; code: string; group: string; id: string }[] {
  const verbs = ['Review', 'Check', 'Assess', 'Document', 'Track', 'Report', 'Examine', 'Verify', 'Record', 'Audit'];
  const objects = ['the measures', 'the outcomes', 'the safeguards', 'the findings'];
  const out: { text: string; code: string; group: string; id: string }[] = [];
  verbs.forEach((v, i) =>
    objects.forEach((o, j) => {
      const state = (i + j) % 2 === 0;
      const doc = state ? { docType: 'policy' } : PAPER;
      out.push({ text: withDocContext(`${v} ${o} regularly.`, doc), code: state ? 'governance-actor' : 'developer', group: `g${(i * 4 + j) % 6}`, id: `x${i}-${j}` });
    }),
  );
  return out;
}

test('a model trained with the marks decides by the kind, and the classifier passes the document through', async () => {
  const actor = registry.get('actor');
  const hyper = { ...MODEL_HYPER, knnFor: {} };
  const m = TaxonomyModel.train(kindOnly(), actor, { hyper, created: '1970-01-01T00:00:00.000Z', stack: false });
  const text = 'Review the measures regularly.';
  const top = (t: string) => m.decide(t).steps[0]?.code;
  assert.equal(top(withDocContext(text, { docType: 'policy' })), 'governance-actor');
  assert.equal(top(withDocContext(text, PAPER)), 'developer');
  const c = new PersistedClassifier(new Map([['actor', m]]), registry);
  const input = { id: 's1', kind: 'mitigation' as const, name: '', text };
  const asPolicy = await c.classify({ ...input, document: { title: 'T', docType: 'policy' } }, 'actor');
  const asPaper = await c.classify({ ...input, document: { title: 'T', docType: 'paper' } }, 'actor');
  assert.equal(asPolicy.code, 'governance-actor');
  assert.equal(asPaper.code, 'developer');
  assert.match(asPolicy.reasoning, /comes from a government policy|comes from a government's own text/);
  assert.doesNotMatch(asPolicy.reasoning, /[\uE000-\uF8FF]/);
});

test('every annotated item resolves to a document context, the snapshot-less corpus files to none', () => {
  const set = loadAnnotationSetStrict('annotations', registry);
  const skipped = new Set(SKIPPED.map((s) => s.file));
  for (const it of set.items) {
    const ctx = sourceDocContext(it.source);
    if (it.source.dataset === 'corpus' && skipped.has(it.source.file ?? '')) assert.equal(ctx, undefined, it.id);
    else assert.ok(ctx?.docType, `${it.id}: ${it.source.dataset} / ${it.source.document} has no document type`);
  }
  // the evaluation reads the items with their marks (what `govnav classify` gives the same statement)
  const items = axisItems(set, 'actor', registry.get('actor')).items;
  const eu = set.items.find((it) => it.source.file === 'eu-ai-act_reg-2024-1689_eurlex_en.html')!;
  assert.deepEqual(splitDocContext(items.find((x) => x.id === eu.id)!.text).cues, ['binding', 'state']);
});

test('the table agrees with the snapshot list and the importers (corpus, NIST AI 600-1, FINOS, ATLAS)', async (t) => {
  for (const d of CORPUS) assert.deepEqual(CORPUS_FILES[d.file], { docType: d.type, organisation: d.organisation }, d.file);
  assert.equal(Object.keys(CORPUS_FILES).length, CORPUS.length);
  const prov = { dataset: 'x', datasetVersion: '1', licence: 'x', attribution: 'x' };
  const nist = nist600Document(prov);
  assert.deepEqual(DATASET_DOCS['nist-ai-600-1'], { docType: nist.docType, organisation: nist.organisation });
  const finos = requireShared(t, 'data/finos-aigf/finos_aigf_risks_mitigations.json');
  const atlas = requireShared(t, 'data/mitre-atlas/ATLAS.yaml');
  if (!finos || !atlas) return;
  for (const [ds, parsed] of [['finos-aigf', await parseFinos(finos, { registry })], ['mitre-atlas', await parseAtlas(atlas, { registry })]] as const)
    for (const d of parsed.documents) assert.deepEqual(DATASET_DOCS[ds], { docType: d.input.docType, organisation: d.input.organisation }, ds);
});

test('the MIT mitigation documents get the type the importer gives them', async (t) => {
  const dir = requireShared(t, 'data/mit-airi-mitigations-v1');
  if (!dir) return;
  const parsed = await parseMitigations(dir, { registry });
  const typeOf = new Map<string, string>();
  for (const d of parsed.documents) for (const s of d.statements) typeOf.set(s.sourceKey, d.input.docType ?? 'other');
  const set = loadAnnotationSetStrict('annotations', registry);
  let n = 0;
  for (const it of set.items.filter((x) => x.source.dataset === 'mit-airi-mitigations')) {
    const got = typeOf.get(it.source.key ?? '');
    assert.ok(got, `${it.id}: MIT control ${it.source.key} not imported`);
    assert.equal(MIT_DOCS[it.source.document], got, `${it.id}: ${it.source.document}`);
    n++;
  }
  assert.ok(n > 500);
});

const stores: Store[] = [];
after(async () => {
  for (const st of stores) await st.close();
});

test("the pipeline gives the classifier each statement's document type (an annotated item its original document's)", async () => {
  const store = await openTestStore();
  stores.push(store);
  const prov = (dataset: string) => ({ dataset, datasetVersion: '1', licence: 'CC0-1.0', attribution: 'test' });
  await upsertDataset(store.db, { id: 'laws', version: '1', licence: 'CC0-1.0', attribution: 'test' });
  await upsertDataset(store.db, { id: 'govnav-annotations', version: '1', licence: 'CC0-1.0', attribution: 'test' });
  const { id: law } = await upsertDocument(store.db, { sourceKey: 'l', title: 'An act', docType: 'law', organisation: 'A parliament', provenance: prov('laws') });
  const { id: ann } = await upsertDocument(store.db, { sourceKey: 'a', title: 'Regulation (EU) 2024/1689', docType: 'other', provenance: prov('govnav-annotations') });
  await upsertStatements(store.db, law, [{ sourceKey: 's1', kind: 'mitigation', ord: 0, name: 'Fines', text: 'Member States shall lay down penalties.' }]);
  const meta = { sourceDataset: 'corpus', sourceDocument: 'Regulation (EU) 2024/1689 (Artificial Intelligence Act)', sourceFile: 'eu-ai-act_reg-2024-1689_eurlex_en.html' };
  await upsertStatements(store.db, ann, [{ sourceKey: 'GA9999', kind: 'mitigation', ord: 0, name: 'Register', text: 'Providers shall register.', meta }]);
  const ids = (await store.db.query('SELECT id FROM statements')).map((r) => ({ id: String(r.id) }));
  const work = await loadInputs(store.db, ids.map((r) => ({ statement_id: r.id, taxonomy: 'actor' })));
  const byName = new Map(work.map((w) => [w.input.name, w.input.document]));
  assert.equal(byName.get('Fines')?.docType, 'law');
  assert.equal(docKind(byName.get('Fines')), 'binding');
  assert.equal(byName.get('Register')?.docType, 'regulation');
  assert.equal(byName.get('Register')?.title, 'Regulation (EU) 2024/1689');
});

test('training reads the annotated items and the stored labels with the marks of their documents', () => {
  const set = loadAnnotationSetStrict('annotations', registry);
  const eu = set.items.find((it) => it.source.file === 'eu-ai-act_reg-2024-1689_eurlex_en.html' && set.pass1.get(it.id)?.labels.actor)!;
  const ex = annotationExamples(registry).byTaxonomy.get('actor')!.find((e) => e.id === eu.id)!;
  assert.deepEqual(splitDocContext(ex.text).cues, ['binding', 'state']);
  assert.deepEqual(storedDocContext({ doc_type: 'policy', organisation: 'A ministry', meta: {} }), { docType: 'policy', organisation: 'A ministry' });
  const meta = { sourceDataset: 'mit-airi-mitigations', sourceDocument: 'FLI AI Safety Index 2024' };
  assert.equal(docKind(storedDocContext({ doc_type: 'other', organisation: null, meta })), 'publication');
});
