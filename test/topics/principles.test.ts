import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectPrinciplesYaml, importPrinciplesYaml } from '../../src/importers/principles.ts';
import { ValidationError } from '../../src/store/index.ts';
import { requireShared, sharedFile } from '../helpers/shared.ts';
import { ENGINE, openTestStore } from '../helpers/store.ts';
import { PRINCIPLE_FILES, topicsOfStatement } from './_corpus.ts';
import { z } from 'zod';
import { parseRows } from '../../src/store/schema/columns.ts';

test(`[${ENGINE}] the OECD, Australian and IBM principle sets import as principle documents and link to the expected topics`, async (t) => {
  const files = PRINCIPLE_FILES.map((f) => requireShared(t, f));
  if (files.some((f) => !f)) return;
  const store = await openTestStore();
  try {
    for (const f of files) assert.ok(detectPrinciplesYaml(f!), f);
    // Other YAML files of the same packaging are not principle sets.
    for (const other of ['nist_ai_rmf_actions_data.yaml', 'risk_atlas_data.yaml', 'nist_ai_rmf_data.yaml']) {
      const p = sharedFile(`data/ibm-ai-atlas-nexus/${other}`);
      if (p) assert.equal(detectPrinciplesYaml(p), false, other);
    }
    const reports = [];
    for (const f of files) reports.push(await importPrinciplesYaml(store, f!));
    assert.deepEqual(reports.map((r) => r.documents.map((d) => [d.status, d.created])), [[['created', 5]], [['created', 8]], [['created', 3]]]);
    assert.ok(reports.every((r) => r.link && r.link.links > 0));

    const docs = parseRows(z.object({ title: z.string(), organisation: z.string(), date: z.string(), year: z.coerce.number(), doc_type: z.string(), licence: z.string(), attribution: z.string() }), await store.db.query(
      'SELECT title, organisation, date, year, doc_type, licence, attribution FROM documents ORDER BY id',
    ), 'test rows');
    assert.deepEqual(docs.map((d) => [d.organisation, d.date, d.doc_type]), [
      ['OECD', '2019-05-22', 'principles'],
      ['Australian Government, Department of Industry, Science and Resources', '2019-11', 'principles'],
      ['IBM', '2018-05', 'principles'],
    ]);
    assert.ok(docs.every((d) => d.attribution.includes('AI Atlas Nexus, Copyright IBM, Apache License 2.0')));
    assert.equal(docs[1]!.licence, 'CC-BY-4.0');
    const kinds = parseRows(z.object({ kind: z.string(), n: z.coerce.number() }), await store.db.query('SELECT kind, count(*)::int AS n FROM statements GROUP BY kind'), 'test rows');
    assert.deepEqual(kinds, [{ kind: 'principle', n: 16 }]);
    const [p14] = parseRows(z.object({ id: z.string(), locator_ref: z.string() }), await store.db.query(`SELECT id, locator_ref FROM statements WHERE source_key = 'principle-oecd-robustness'`), 'test rows');
    assert.match(p14!.id, /^P\d{6}$/);
    assert.equal(p14!.locator_ref, 'Principle 1.4');

    // Expectations written from reading the principles.
    const expect: [string, string[]][] = [
      ['principle-oecd-robustness', ['robustness', 'security', 'safety', 'human-control']], // robust, secure and safe; overridden/decommissioned
      ['principle-oecd-transparency', ['transparency']],
      ['principle-oecd-human-rights', ['human-rights', 'fairness', 'privacy']],
      ['principle-oecd-accountability', ['accountability']],
      ['principle-oecd-inclusive-growth', ['sustainability']], // sustainable development, well-being, planet
      ['principle-au-privacy-protection-and-security', ['privacy', 'security']],
      ['principle-au-fairness', ['fairness']],
      ['principle-au-reliability-and-safety', ['robustness', 'safety']],
      ['principle-au-transparency-and-explainability', ['transparency']],
      ['principle-au-contestability', ['accountability']], // a process to challenge outcomes
      ['principle-au-accountability', ['accountability', 'human-control']], // identifiable, accountable; human oversight
      ['principle-au-human-centred-values', ['human-rights']],
      ['principle-au-human-societal-and-environmental-wellbeing', ['sustainability']],
      ['principle-ibm-tt-principle-1', ['labour-economy', 'education-literacy']], // jobs, workforce skills
      ['principle-ibm-tt-principle-2', ['privacy', 'security']], // data ownership, privacy, data security
      ['principle-ibm-tt-principle-3', ['transparency', 'fairness']], // transparent, explainable; bias
    ];
    for (const [key, want] of expect) {
      const got = await topicsOfStatement(store, { sourceKey: key });
      for (const w of want) assert.ok(got.includes(w), `${key}: expected ${w}, got ${got.join(', ')}`);
    }
    // And some it must not get.
    assert.ok(!(await topicsOfStatement(store, { sourceKey: 'principle-au-fairness' })).includes('security'));
    assert.ok(!(await topicsOfStatement(store, { sourceKey: 'principle-oecd-transparency' })).includes('safety'));
    assert.ok(!(await topicsOfStatement(store, { sourceKey: 'principle-au-privacy-protection-and-security' })).includes('safety'));

    // Importing again changes nothing, links included.
    const before = await store.db.query('SELECT statement_id, topic_id, score FROM statement_topics ORDER BY 1, 2');
    const again = await importPrinciplesYaml(store, files[0]!);
    assert.deepEqual(again.documents.map((d) => [d.status, d.created, d.updated, d.unchanged]), [['unchanged', 0, 0, 5]]);
    assert.deepEqual(await store.db.query('SELECT statement_id, topic_id, score FROM statement_topics ORDER BY 1, 2'), before);
  } finally {
    await store.close();
  }
});

test(`[${ENGINE}] a dry run reports what would be imported and writes nothing; a broken file names file, entry and field`, async () => {
  const store = await openTestStore();
  try {
    const dir = mkdtempSync(join(tmpdir(), 'govnav-pr-'));
    const ok = join(dir, 'p.yaml');
    writeFileSync(
      ok,
      `documents:\n  - id: doc-a\n    name: Principles A\n    organisation: Org A\n    dateCreated: 2023-04-01\nentries:\n  - id: a-1\n    name: Privacy\n    type: Principle\n    description: Respect privacy and personal data.\n    hasDocumentation: [doc-a]\n  - id: a-2\n    name: Note\n    type: Note\n    description: not a principle\n`,
    );
    assert.ok(detectPrinciplesYaml(ok));
    const dry = await importPrinciplesYaml(store, ok, { dryRun: true });
    assert.equal(dry.documents[0]!.created, 1);
    assert.deepEqual(dry.skipped, [{ entry: 'a-2', reason: 'type "Note" is not Principle' }]);
    const [{ n }] = parseRows(z.object({ n: z.coerce.number() }), await store.db.query('SELECT count(*)::int AS n FROM documents'), 'test rows');
    assert.equal(n, 0);
    const real = await importPrinciplesYaml(store, ok);
    assert.equal(real.link!.byTopic.privacy, 1);
    const [doc] = parseRows(z.object({ organisation: z.string(), year: z.coerce.number() }), await store.db.query('SELECT organisation, year FROM documents'), 'test rows');
    assert.deepEqual(doc, { organisation: 'Org A', year: 2023 });

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `documents:\n  - id: doc-b\n    name: B\nentries:\n  - id: b-1\n    type: Principle\n    description: x\n`);
    await assert.rejects(importPrinciplesYaml(store, bad), (e: Error) => e instanceof ValidationError && /bad\.yaml: entry "b-1": field "name"/.test(e.message));
    const orphan = join(dir, 'orphan.yaml');
    writeFileSync(orphan, `documents:\n  - id: doc-c\n    name: C\n  - id: doc-d\n    name: D\nentries:\n  - id: c-1\n    name: X\n    type: Principle\n    hasDocumentation: [doc-z]\n`);
    await assert.rejects(importPrinciplesYaml(store, orphan), /orphan\.yaml: entry "c-1": field "hasDocumentation": names no document/);
    assert.ok(!detectPrinciplesYaml(join(dir, 'nope.csv')));
  } finally {
    await store.close();
  }
});
