// Grammatical-role cue features (taxonomies/cues/roles.json, src/classify/embedded/cues.ts): the
// subject of the main clause (the words before its first modal verb) and the object of the measure
// (the words after the main verb), each as one "~cue:" term. Written from docs/annotation.md §3.4,
// §3.5, §5 and §8: who acts decides branch 3 vs 2 and the actor, not every actor a text names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cueSetOf, cueTerms, cueTermsByRegex, parseCues } from '../../src/classify/embedded/cues.ts';
import { DEFAULT_FEATURES, Features } from '../../src/classify/embedded/features.ts';
import { MODEL_HYPER, TaxonomyModel } from '../../src/classify/models/hierarchy.ts';
import { taxonomies } from '../../src/taxonomy/index.ts';

const roles = cueSetOf('roles')!;
const subjectOf = (t: string) => cueTerms(t, roles).filter((x) => x.startsWith('~cue:subj:'));
const objectOf = (t: string) => cueTerms(t, roles).filter((x) => x.startsWith('~cue:obj:'));

test('a public body as subject gets the subject feature; the same body as object does not', () => {
  assert.deepEqual(subjectOf('The AI Office may conduct evaluations of the general-purpose AI model.'), ['~cue:subj:public-body']);
  assert.deepEqual(subjectOf('Member States shall lay down the rules on penalties.'), ['~cue:subj:public-body']);
  // several actors named: the subject decides, not the deployers named after the verb
  assert.deepEqual(subjectOf('The AI Office and the Member States shall facilitate codes of conduct drawn up by deployers.'), ['~cue:subj:public-body']);
  const asObject = 'Providers shall cooperate with the national competent authorities.';
  assert.deepEqual(subjectOf(asObject), ['~cue:subj:provider']);
  assert.deepEqual(objectOf(asObject), ['~cue:obj:public-body']);
  assert.deepEqual(subjectOf('Deployers shall inform the market surveillance authority.'), ['~cue:subj:deployer']);
});

test('Chinese: the subject before 应当 / 应 / 不得, the state verbs 鼓励 / 推动; the body as object is not the subject', () => {
  assert.deepEqual(subjectOf('有关主管部门应当加强监督检查。'), ['~cue:subj:public-body']);
  assert.deepEqual(subjectOf('国家推动人工智能安全标准制定。'), ['~cue:subj:public-body']);
  assert.deepEqual(objectOf('国家推动人工智能安全标准制定。'), ['~cue:obj:standard']);
  const asObject = '服务提供者应当向有关主管部门备案。';
  assert.deepEqual(subjectOf(asObject), ['~cue:subj:provider']);
  assert.ok(!subjectOf(asObject).includes('~cue:subj:public-body'));
  // 应用 / 需要 are not modal verbs: no main clause, so no subject
  assert.deepEqual(subjectOf('应用场景中需要重要的要求。'), ['~cue:subj:none']);
  // the clause just before the modal is empty of a subject: the one before it names it (across a comma only)
  assert.deepEqual(subjectOf('提供者在提供服务时，应当对生成内容进行标识。'), ['~cue:subj:provider']);
  assert.deepEqual(subjectOf('提供者发现违法内容的，应当及时采取处置措施。'), ['~cue:subj:provider']);
  assert.deepEqual(subjectOf('（二）涉及知识产权的，不得侵害他人依法享有的知识产权；'), ['~cue:subj:none']);
  assert.deepEqual(subjectOf('语料来源安全要求 4）应具有使用者授权记录。'), ['~cue:subj:none']);
  // 鼓励 / 支持 with no subject named: the state encourages (§8)
  assert.deepEqual(subjectOf('支持行业组织、企业开展协作。'), ['~cue:subj:public-body']);
  assert.deepEqual(objectOf('（四）采取有效措施提高训练数据质量；'), ['~cue:obj:process']);
});

test('"we will", imperatives, subordinate clauses and the passive', () => {
  assert.deepEqual(subjectOf('We will establish a national AI safety institute.'), ['~cue:subj:we']);
  assert.deepEqual(subjectOf('Establish policies for the use of generative AI.'), ['~cue:subj:none']);
  assert.deepEqual(objectOf('Establish policies for the use of generative AI.'), ['~cue:obj:policy']);
  // the modal of a clause that starts with a subordinator is not the main clause's
  assert.deepEqual(subjectOf('Where a system may cause harm, providers shall notify the authority.'), ['~cue:subj:provider']);
  assert.deepEqual(subjectOf('Providers, where appropriate, shall inform deployers.'), ['~cue:subj:provider']);
  // a system as subject (a mechanism: branch 1); the passive takes its object from the subject
  assert.deepEqual(subjectOf('High-risk AI systems shall be designed with logging capabilities.'), ['~cue:subj:system']);
  assert.deepEqual(objectOf('High-risk AI systems shall be designed with logging capabilities.'), ['~cue:obj:system']);
  assert.deepEqual(subjectOf('The output shall not be misleading.'), ['~cue:subj:system']);
  assert.deepEqual(subjectOf('A summary shall be published.'), ['~cue:subj:other']);
  assert.deepEqual(objectOf('Providers shall keep the technical documentation up to date.'), ['~cue:obj:documentation']);
});

test('role families one at a time; the one-pass matcher and the reference agree; features and model key carry them', () => {
  const subj = cueSetOf('roles/subject')!;
  const obj = cueSetOf('roles/object')!;
  assert.ok(subj.codes.every((c) => c.startsWith('subj:')) && obj.codes.every((c) => c.startsWith('obj:')));
  assert.notEqual(subj.hash, obj.hash);
  assert.throws(() => cueSetOf('actor/subject'), /only a role file/);
  const mixed = cueSetOf('actor,roles/subject')!;
  const t = 'Member States shall ensure that providers test the model; the AI Office may request information.';
  assert.deepEqual(cueTerms(t, mixed), cueTermsByRegex(t, mixed));
  assert.ok(cueTerms(t, mixed).includes('~cue:roles/subject:subj:public-body'));
  assert.ok(cueTerms(t, mixed).includes('~cue:governance-actor'));
  const texts = ['Member States shall lay down penalties', 'Providers shall test the model', 'Establish policies'];
  const f = Features.fit(texts, { ...DEFAULT_FEATURES, cues: 'actor,roles/subject' });
  const terms = [...f.transform(texts[0]!).idx].map((i) => f.term(i)!.term);
  assert.ok(terms.includes('~cue:roles/subject:subj:public-body'));
  // "@w": the family's terms at w times the cue weight
  const heavy = Features.fit(texts, { ...DEFAULT_FEATURES, cues: 'actor,roles/subject@2', cueWeight: 2 });
  const light = Features.fit(texts, { ...DEFAULT_FEATURES, cues: 'actor,roles/subject', cueWeight: 2 });
  const subjVal = (g: Features, name: string) => {
    const x = g.transform(texts[0]!);
    return x.val[[...x.idx].findIndex((i) => g.term(i)!.term === name)]!;
  };
  assert.ok(subjVal(heavy, '~cue:roles/subject@2:subj:public-body') > subjVal(light, '~cue:roles/subject:subj:public-body'));
  assert.throws(() => cueSetOf('actor@2'), /a weight is given to a role family only/);
  const actor = taxonomies().get('actor');
  const ex = [{ id: 'a', text: texts[0]!, code: 'governance-actor' }];
  const own = (cues: string) => ({ ...MODEL_HYPER, featuresFor: { ...MODEL_HYPER.featuresFor, actor: { cues } } });
  assert.notEqual(TaxonomyModel.key(ex, actor, own('*,roles/subject')), TaxonomyModel.key(ex, actor, own('*,roles/object')));
});

test('bad role files are refused with the file and field named', () => {
  const good = { modals: ['shall'], modalsZh: ['应当'], notModalZh: ['应用'], stateVerbsZh: ['鼓励'], subordinators: ['where'], passive: ['be'], subject: { a: ['x'] }, actors: ['a'], object: { b: ['y'] } };
  assert.doesNotThrow(() => parseCues(JSON.stringify({ taxonomy: 'roles', roles: good }), 'r.json'));
  assert.throws(() => parseCues(JSON.stringify({ taxonomy: 'roles', roles: { ...good, modals: [] } }), 'r.json'), /r\.json: roles\.modals/);
  assert.throws(() => parseCues(JSON.stringify({ taxonomy: 'roles', roles: { ...good, actors: ['z'] } }), 'r.json'), /r\.json: roles\.actors names "z"/);
  assert.throws(() => parseCues(JSON.stringify({ taxonomy: 'roles', roles: { ...good, object: { b: [''] } } }), 'r.json'), /r\.json: roles\.object\."b"/);
});

test('the shipped defaults give v2 (Chinese subjects apart) and actor the subject family, and no other axis', () => {
  const reg = taxonomies();
  const ex = ['Member States shall lay down penalties', 'Providers shall test the model before release', '服务提供者应当建立投诉机制'].map((text, i) => ({ id: `e${i}`, text, code: ['governance-actor', 'developer', 'deployer'][i]!, group: `g${i}` }));
  const terms = (m: TaxonomyModel, t: string) => [...m.features.transform(t).idx].map((i) => m.features.term(i)!.term);
  const actor = TaxonomyModel.train(ex, reg.get('actor'));
  assert.ok(terms(actor, 'The AI Office may request information').includes('~cue:roles/subject:subj:public-body'));
  const v2 = TaxonomyModel.train(ex.map((e, i) => ({ ...e, code: ['3.1.5', '2.2.2', '2.3.4'][i]! })), reg.get('mitigation-v2'));
  assert.ok(terms(v2, 'Member States shall lay down penalties').includes('~cue:roles/subject/lang:subj:public-body'));
  assert.ok(terms(v2, '服务提供者应当建立投诉机制').includes('~cue:roles/subject/lang:zh:subj:provider'));
  const life = TaxonomyModel.train(ex.map((e) => ({ ...e, code: 'other-general' })).concat([{ id: 'x', text: 'Monitor the system in operation', code: 'operate-monitor', group: 'g9' }]), reg.get('lifecycle'));
  assert.ok(!life.hyper.features.cues!.includes('roles'));
});
