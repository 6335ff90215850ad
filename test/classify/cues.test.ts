// Cue features from the guidelines (taxonomies/cues/*.json): every shipped cue file parses and names
// only codes of its taxonomy; a text gets one "~cue:<code>" term per cue occurrence (English at word
// starts, Chinese anywhere); the features carry them; a persisted model's key depends on the cue file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { taxonomies } from '../../src/taxonomy/index.ts';
import { CUE_DIR, cueSetOf, cuesFor, cueTerms, cueTermsByRegex, parseCues } from '../../src/classify/embedded/cues.ts';
import { DEFAULT_FEATURES, Features } from '../../src/classify/embedded/features.ts';
import { MODEL_HYPER, TaxonomyModel } from '../../src/classify/models/hierarchy.ts';

const registry = taxonomies();

test('every cue file parses and names only codes of its taxonomy', () => {
  const files = readdirSync(CUE_DIR).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 4);
  for (const f of files) {
    const set = parseCues(readFileSync(join(CUE_DIR, f), 'utf8'), f);
    assert.equal(`${set.taxonomy}.json`, f);
    if (set.roles) continue; // roles.json: grammatical roles, not a taxonomy's codes (test/classify/roles.test.ts)
    if (set.taxonomy.startsWith('doc-')) continue; // the document's kind, not a taxonomy's codes (test/classify/doc-context.test.ts)
    const tax = registry.get(set.taxonomy);
    for (const c of set.codes) assert.ok(tax.has(c), `${f}: ${c} is not a code of ${set.taxonomy}`);
  }
});

test('cue terms: English at word starts, Chinese anywhere, once per occurrence', () => {
  const set = parseCues(JSON.stringify({ taxonomy: 'actor', cues: { developer: ['provider'], 'governance-actor': ['国家', 'member states'] } }), 'x.json');
  assert.deepEqual(cueTerms('Providers shall; the provider', set), ['~cue:developer', '~cue:developer']);
  assert.deepEqual(cueTerms('serviceprovider', set), []);
  assert.deepEqual(cueTerms('国家鼓励…Member  States', set), ['~cue:governance-actor']);
  assert.deepEqual(cueTerms('国家鼓励 and Member States', set), ['~cue:governance-actor', '~cue:governance-actor']);
  const actor = cuesFor('actor')!;
  assert.ok(cueTerms('有关主管部门应当加强监督检查', actor).includes('~cue:governance-actor'));
  assert.ok(cueTerms('Deployers shall assign human oversight', actor).includes('~cue:deployer'));
});

test('bad cue files are refused with the file and field named', () => {
  assert.throws(() => parseCues('{', 'a.json'), /a\.json: not JSON/);
  assert.throws(() => parseCues('{"cues":{}}', 'b.json'), /b\.json: field "taxonomy"/);
  assert.throws(() => parseCues('{"taxonomy":"actor","cues":{"developer":[""]}}', 'c.json'), /c\.json: cues\."developer"/);
});

test('features carry cue terms only when asked, weighted by cueWeight', () => {
  const texts = ['Member States shall lay down penalties', 'Providers shall test the model', 'the AI Office shall monitor'];
  const plain = Features.fit(texts, DEFAULT_FEATURES);
  const cued = Features.fit(texts, { ...DEFAULT_FEATURES, cues: 'actor' });
  assert.equal(cued.dim - plain.dim >= 2, true);
  const idx = (f: Features, text: string) => [...f.transform(text).idx].map((i) => f.term(i)!.term).filter((t) => t.startsWith('~cue:'));
  assert.deepEqual(idx(plain, texts[0]!), []);
  assert.deepEqual(idx(cued, texts[0]!), ['~cue:governance-actor']);
  const heavy = Features.fit(texts, { ...DEFAULT_FEATURES, cues: 'actor', cueWeight: 4 });
  const val = (f: Features) => {
    const x = f.transform(texts[0]!);
    const k = [...x.idx].findIndex((i) => f.term(i)!.term === '~cue:governance-actor');
    return x.val[k]!;
  };
  assert.ok(val(heavy) > val(cued));
});

test('the persisted model key depends on whether cues are used (and so on the cue file)', () => {
  const actor = registry.get('actor');
  const ex = [{ id: 'a', text: 'Member States shall lay down penalties', code: 'governance-actor' }];
  // (without the per-taxonomy options, whose cue list would override the shared one for actor)
  const withCues = TaxonomyModel.key(ex, actor, { ...MODEL_HYPER, featuresFor: undefined, features: { ...MODEL_HYPER.features!, cues: '*' } });
  const without = TaxonomyModel.key(ex, actor, { ...MODEL_HYPER, featuresFor: undefined, features: { ...MODEL_HYPER.features!, cues: undefined } });
  assert.notEqual(withCues, without);
});

test('several cue files: the first as it is, the others prefixed with their taxonomy', () => {
  const set = cueSetOf('actor,mitigation-v2')!;
  const terms = cueTerms('Member States shall lay down rules on penalties', set);
  assert.ok(terms.includes('~cue:governance-actor'));
  assert.ok(terms.includes('~cue:mitigation-v2:3.1.5'));
  assert.notEqual(set.hash, cuesFor('actor')!.hash);
  assert.equal(cueSetOf('no-such-taxonomy'), null);
});

test('the shipped defaults use the trained taxonomy\'s own cues', () => {
  assert.equal(MODEL_HYPER.features!.cues!.split(',')[0], '*');
  const actor = registry.get('actor');
  const ex = ['Member States shall lay down penalties', 'Providers shall test the model before release', 'Deployers shall monitor the system in operation'].map((text, i) => ({ id: `e${i}`, text, code: ['governance-actor', 'developer', 'deployer'][i]!, group: `g${i}` }));
  const m = TaxonomyModel.train(ex, actor);
  assert.equal(m.hyper.features.cues!.split(',')[0], 'actor');
  assert.ok(!m.hyper.features.cues!.includes('*'));
  const terms = [...m.features.transform('有关主管部门应当加强监督检查').idx].map((i) => m.features.term(i)!.term);
  assert.ok(terms.includes('~cue:governance-actor'));
});

test('the one-pass cue matcher counts exactly as the regular expressions do', () => {
  const set = cueSetOf('mitigation-v2,lifecycle,actor,nist-ai-rmf')!;
  const texts = [
    'Providers shall test; providers shall register. Red-teaming, red team, pre- and post-deployment.',
    'the training data and training data-sets; fine-tuning fine-tuned (RLHF) rlhf',
    '国家鼓励…有关主管部门应当加强监督检查，对违法行为处以罚款；服务提供者应当对生成内容进行标识。',
    'standard standards standardisation ISO/IEC 42001 iso 27001 member states',
    'x', '', 'ab',
  ];
  // and every text of the annotated set when it is in the repository
  const items = join(CUE_DIR, '..', '..', 'annotations', 'items.jsonl');
  try {
    for (const line of readFileSync(items, 'utf8').split('\n')) if (line.trim()) texts.push(`${JSON.parse(line).name ?? ''} ${JSON.parse(line).text ?? ''}`);
  } catch {
    /* no annotated set: the hand-written texts only */
  }
  for (const t of texts) assert.deepEqual(cueTerms(t, set).sort(), cueTermsByRegex(t, set).sort(), t.slice(0, 80));
});
