// A dataset that quotes other documents (the project's annotation set) must not merge unrelated
// works: its documents join a work by DOI, title or designator, never by the texts they quote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectWorks, metadataMatch, textMatch } from '../../src/store/index.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { addDoc } from './works-fixture.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

const QUOTED = [
  'Establish policies for decommissioning artificial intelligence systems in a safe manner that does not increase risks.',
  'Policies and procedures are in place to address risks arising from third-party software and data.',
  'Mechanisms are in place to inventory artificial intelligence systems, resourced according to organizational risk priorities.',
  'Processes for independent review improve the ability of the organization to identify risks in the design stage.',
];
const PROFILE_OWN = [
  'Developers of general-purpose systems should red-team models against misuse before each major release.',
  'Report the compute used for training to the relevant authority when it exceeds the threshold set by law.',
];
const RMF_OWN = [
  'The framework is intended to be voluntary, rights-preserving, non-sector-specific and use-case agnostic.',
  'Trustworthy systems are valid and reliable, safe, secure and resilient, accountable and transparent.',
  'Risk tolerance refers to the readiness of the organization to bear the risk in order to achieve its objectives.',
];



test('a designator names one publication even when one side has no year; quoting datasets never match by texts', () => {
  assert.equal(
    metadataMatch(
      { title: 'Artificial Intelligence Risk Management Framework (AI RMF 1.0), NIST AI 100-1', year: null, doi: null },
      { title: 'Artificial Intelligence Risk Management Framework (AI RMF 1.0)', year: 2023, doi: '10.6028/NIST.AI.100-1' },
    ),
    'title',
  );
  const many = { shared: 4, na: 4, nb: 6 };
  assert.equal(textMatch({ dataset: 'mit-airi-mitigations' }, { dataset: 'nist-ai-600-1' }, many), true);
  assert.equal(textMatch({ dataset: 'govnav-annotations' }, { dataset: 'mit-airi-mitigations' }, many), false);
});

test(`[${ENGINE}] an annotation document quoting the AI RMF joins the AI RMF, not a profile that quotes the same texts`, async () => {
  const store = await openTestStore();
  try {
    const db = store.db;
    // A profile (from a mitigation database) that quotes four AI RMF texts among its own.
    const profile = await addDoc(db, 'mit-airi-mitigations', 'gpais', { title: 'AI Risk Management Standards Profile for GPAIS', year: 2024 }, [...QUOTED, ...PROFILE_OWN]);
    // The AI RMF itself, ingested from its PDF (its own segmentation: no text in common with the quotes).
    const rmf = await addDoc(db, 'govnav-governance-documents', 'rmf', { title: 'Artificial Intelligence Risk Management Framework (AI RMF 1.0)', year: 2023, doi: '10.6028/NIST.AI.100-1' }, RMF_OWN);
    await detectWorks(db);
    // The annotation set's document for the AI RMF: the quoted texts, no year.
    const ann = await addDoc(db, 'govnav-annotations', 'ann-rmf', { title: 'Artificial Intelligence Risk Management Framework (AI RMF 1.0), NIST AI 100-1' }, QUOTED);
    const r = await detectWorks(db, { documentIds: [ann] });
    const work = async (id: string) => (parseRows(z.object({ work_id: z.string() }), await db.query('SELECT work_id FROM documents WHERE id = $1', [id]), 'test rows'))[0]!.work_id;
    assert.notEqual(await work(ann), await work(profile), 'the annotation document does not join the profile that quotes the same texts');
    assert.equal(await work(ann), await work(rmf), 'it joins the AI RMF by its designator');
    assert.deepEqual(
      r.joined.map((j) => j.by),
      ['title'],
    );
    // The profile keeps its own work, alone.
    const [{ n }] = (parseRows(z.object({ n: z.coerce.number() }), await db.query('SELECT count(*)::int AS n FROM documents WHERE work_id = $1', [await work(profile)]), 'test rows')) as [{ n: number }];
    assert.equal(n, 1);
  } finally {
    await store.close();
  }
});
