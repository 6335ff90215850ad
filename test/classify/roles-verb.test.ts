// The main verb's class and the verb class paired with the object class (taxonomies/cues/roles.json
// "verb", src/classify/embedded/cues.ts; round 7, helper V2V). Written from docs/annotation.md §3
// step 1, §3.4 and §3.5: whether the act is a capability built into the system, an organisation's
// practice, or an act of the state decides branch 1 / 2 / 3 where the object alone does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cueSetOf, cueTerms, cueTermsByRegex, parseCues } from '../../src/classify/embedded/cues.ts';

const verb = cueSetOf('roles/verb')!;
const pair = cueSetOf('roles/verbobj')!;
const verbOf = (t: string) => cueTerms(t, verb);
const pairOf = (t: string) => cueTerms(t, pair);

test('the main verb after the modal, through the passive and the skip words, or of an imperative', () => {
  assert.deepEqual(verbOf('Providers shall test the model before placing it on the market.'), ['~cue:verb:practice']);
  assert.deepEqual(pairOf('Providers shall test the model before placing it on the market.'), ['~cue:vo:practice+model']);
  // passive: "be" is skipped, the participle is the verb
  assert.deepEqual(verbOf('Generated outputs shall be filtered for unlawful content.'), ['~cue:verb:mechanism']);
  assert.deepEqual(verbOf('Member States shall designate a national competent authority.'), ['~cue:verb:public']);
  assert.deepEqual(pairOf('Member States shall designate a national competent authority.'), ['~cue:vo:public+public-body']);
  assert.deepEqual(verbOf('Developers should share incident information with other developers.'), ['~cue:verb:cooperate']);
  // an imperative: its own first word; a generic verb leaves the decision to the object
  assert.deepEqual(verbOf('Establish policies for the use of generative AI.'), ['~cue:verb:generic']);
  assert.deepEqual(pairOf('Establish policies for the use of generative AI.'), ['~cue:vo:generic+policy']);
  assert.deepEqual(pairOf('Implement input filters that block prompt injection.'), ['~cue:vo:generic+system']);
  // no listed verb near the modal: no feature (the subject family still has "none" for that)
  assert.deepEqual(verbOf('The output shall not be misleading.'), []);
  // the verb of a subordinate clause is not the main clause's
  assert.deepEqual(verbOf('Where a system may log events, providers shall review the logs.'), ['~cue:verb:practice']);
});

test('Chinese: the verb after the modal (also after its object), the state verbs themselves', () => {
  assert.deepEqual(verbOf('提供者应当对生成内容进行标识。'), ['~cue:verb:mechanism']);
  assert.deepEqual(verbOf('服务提供者应当开展安全评估。'), ['~cue:verb:practice']);
  assert.deepEqual(verbOf('国家鼓励人工智能安全标准制定。'), ['~cue:verb:public']);
  const zh = cueSetOf('roles/verb/lang')!;
  assert.deepEqual(cueTerms('服务提供者应当开展安全评估。', zh), ['~cue:zh:verb:practice']);
  assert.deepEqual(cueTerms('Providers shall evaluate the model.', zh), ['~cue:verb:practice']);
});

test('the new families leave the shipped ones as they were; codes, matcher and errors', () => {
  // the subject family's codes and the whole file's families are those of round 7's first files (no verb codes in them)
  assert.deepEqual(cueSetOf('roles/subject/lang')!.codes.slice(0, 7), ['subj:public-body', 'subj:provider', 'subj:deployer', 'subj:we', 'subj:system', 'subj:other', 'subj:none']);
  assert.ok(cueSetOf('roles')!.codes.every((c) => c.startsWith('subj:') || c.startsWith('obj:')));
  const t = 'Providers shall test the model; the AI Office may designate experts.';
  assert.deepEqual(cueTerms(t, cueSetOf('roles/subject')!), ['~cue:subj:provider']);
  assert.deepEqual(cueTerms(t, cueSetOf('roles')!), ['~cue:subj:provider', '~cue:obj:model']);
  assert.deepEqual(verb.codes, ['verb:mechanism', 'verb:practice', 'verb:public', 'verb:cooperate', 'verb:generic']);
  assert.equal(pair.codes.length, verb.codes.length * cueSetOf('roles/object')!.codes.length);
  assert.notEqual(verb.hash, pair.hash);
  // in a mixed spec the families keep their own offsets; the one-pass matcher agrees with the reference
  const mixed = cueSetOf('actor,roles/subject/lang,roles/verb,roles/verbobj')!;
  const terms = cueTerms(t, mixed);
  assert.deepEqual(terms, cueTermsByRegex(t, mixed));
  for (const x of ['~cue:roles/subject/lang:subj:provider', '~cue:roles/verb:verb:practice', '~cue:roles/verbobj:vo:practice+model']) assert.ok(terms.includes(x), x);
  // a role file without verb classes: its verb families are refused by name
  const rules = { modals: ['shall'], modalsZh: ['应当'], notModalZh: ['应用'], stateVerbsZh: ['鼓励'], subordinators: ['where'], passive: ['be'], subject: { a: ['x'] }, actors: ['a'], object: { b: ['y'] } };
  assert.doesNotThrow(() => parseCues(JSON.stringify({ taxonomy: 'roles', roles: rules }), 'r.json'));
  assert.throws(() => parseCues(JSON.stringify({ taxonomy: 'roles', roles: { ...rules, verb: { m: [] } } }), 'r.json'), /r\.json: roles\.verb\."m"/);
  assert.throws(() => cueSetOf('roles/adverb'), /families "subject", "object", "verb" and "verbobj"/);
});
