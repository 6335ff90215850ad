import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTaxonomy } from '../../../src/taxonomy/index.ts';
import {
  EmbeddedClassifier,
  EmbeddedModel,
  loadModel,
  MODEL_FORMAT,
  saveModel,
  train,
  type Example,
} from '../../../src/classify/embedded/index.ts';
import { tokenise } from '../../../src/classify/embedded/features.ts';
import { MAX_REASONING } from '../../../src/classify/types.ts';

const taxonomy = parseTaxonomy(
  JSON.stringify({
    id: 'test-animals',
    version: '1.0.0',
    name: { en: 'Test taxonomy' },
    description: { en: 'A small taxonomy for tests.' },
    appliesTo: ['mitigation'],
    labelLevels: 'leaf',
    abstainCode: 'unable',
    source: { citation: 'test' },
    nodes: [
      { code: 'cyber', level: 1, name: { en: 'Cyber security' }, description: { en: 'Protecting networks against hackers and malware intrusion.' } },
      { code: 'privacy', level: 1, name: { en: 'Privacy' }, description: { en: 'Personal data protection and consent.' } },
      {
        code: 'energy',
        level: 1,
        name: { en: 'Energy use' },
        description: { en: 'Electricity consumption, carbon emissions and the climate footprint of datacentres.' },
      },
      { code: 'unable', level: 1, special: 'unable', name: { en: 'Unable to classify' } },
    ],
  }),
  'test-animals.json',
);

// Each class has its own vocabulary; every text also carries the same filler words.
const VOCAB: Record<string, string[]> = {
  cyber: ['firewall', 'malware', 'intrusion', 'patching', 'hackers', 'encryption', 'phishing', 'exploit'],
  privacy: ['personal', 'consent', 'anonymisation', 'gdpr', 'tracking', 'retention', 'identifiable', 'profiling'],
};
function synth(code: string, i: number): Example {
  const v = VOCAB[code];
  const w = (k: number) => v[(i * 3 + k) % v.length];
  return { id: `${code}-${i}`, code, text: `The organisation should review ${w(0)} and ${w(1)} controls for ${w(2)} every year`, group: `doc${i % 4}` };
}
const EXAMPLES: Example[] = [];
for (let i = 0; i < 12; i++) for (const c of Object.keys(VOCAB)) EXAMPLES.push(synth(c, i));
const HYPER = { seed: 7 };
const model = train(EXAMPLES, taxonomy, { hyper: HYPER, created: '2026-01-01T00:00:00.000Z' });

test('learns a small separable problem', () => {
  assert.equal(model.predict('Deploy a firewall and scan for malware').code, 'cyber');
  assert.equal(model.predict('Ask for consent before profiling personal data').code, 'privacy');
  assert.ok(model.calibration.n > 0, 'calibrated on held-out rows');
  assert.ok(model.calibration.accuracy > 0.9, `held-out accuracy ${model.calibration.accuracy}`);
});

test('serialisation round trip gives identical predictions; the file is versioned', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-emb-'));
  try {
    const file = join(dir, 'model.json');
    saveModel(model, file);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(json.format, MODEL_FORMAT);
    assert.deepEqual(json.taxonomy, { id: 'test-animals', version: '1.0.0' });
    assert.match(json.trainingHash, /^[0-9a-f]{64}$/);
    assert.equal(json.created, '2026-01-01T00:00:00.000Z');
    assert.equal(json.hyper.seed, 7);
    const back = loadModel(file);
    for (const t of ['firewall patching plan', 'consent and retention of personal data', 'carbon emissions', 'zzz']) {
      assert.deepEqual(Array.from(back.probabilities(t)), Array.from(model.probabilities(t)));
    }
    assert.equal(back.version, model.version);
    // compressed files load back to the same predictions too
    saveModel(model, join(dir, 'model.json.gz'));
    const gz = loadModel(join(dir, 'model.json.gz'));
    assert.deepEqual(Array.from(gz.probabilities('encryption and consent')), Array.from(model.probabilities('encryption and consent')));
    // the same data and seed train the same model
    const again = train(EXAMPLES, taxonomy, { hyper: HYPER, created: '2026-01-01T00:00:00.000Z' });
    assert.deepEqual(again.toJSON(), model.toJSON());
    assert.throws(() => EmbeddedModel.fromJSON({ ...json, format: 'govnav-embedded/999' }, file), /unsupported model format/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('abstains on out-of-domain text', async () => {
  const clf = new EmbeddedClassifier([model], () => taxonomy);
  const unknown = await clf.classify({ kind: 'mitigation', name: '', text: 'Quarterly bake sale raises funds for the choir' }, 'test-animals');
  assert.equal(unknown.code, null);
  assert.match(unknown.reasoning, /Unable to classify/);
  // only the filler words every class shares: no class stands out
  const flat = await clf.classify({ kind: 'mitigation', name: '', text: 'The organisation should review controls every year' }, 'test-animals');
  assert.equal(flat.code, null, flat.reasoning);
  assert.ok(flat.confidence < model.calibration.threshold);
});

test('result follows the Classifier contract: reasoning ≤ 500 chars naming the evidence, provenance', async () => {
  const clf = new EmbeddedClassifier([model], () => taxonomy);
  assert.ok(clf.supports('test-animals'));
  assert.ok(!clf.supports('risk-domain'));
  const r = await clf.classify(
    { kind: 'mitigation', name: 'Patching', text: 'Apply encryption and patching to stop intrusion by hackers. '.repeat(30) },
    'test-animals',
  );
  assert.equal(r.code, 'cyber');
  assert.ok(r.reasoning.length <= MAX_REASONING);
  assert.match(r.reasoning, /"(encryption|patching|intrusion|hackers)"/);
  assert.match(r.reasoning, /Nearest labelled example: cyber-\d+/);
  assert.ok(r.confidence > 0 && r.confidence <= 1);
  assert.deepEqual(r.provenance, { source: 'embedded', model: 'govnav-embedded', modelVersion: model.version });
  assert.match(model.version, /^govnav-embedded\/\d+\+[0-9a-f]{12}$/);
});

test('a class with no examples is predicted from its taxonomy description, with lowered confidence', async () => {
  const clf = new EmbeddedClassifier([model], () => taxonomy);
  const r = await clf.classify(
    { kind: 'mitigation', name: '', text: 'Report the electricity consumption and carbon emissions of datacentres' },
    'test-animals',
  );
  const p = model.predict('Report the electricity consumption and carbon emissions of datacentres');
  assert.equal(p.code, 'energy');
  assert.ok(r.confidence <= model.hyper.descriptionOnlyPenalty);
  assert.match(r.reasoning, /taxonomy description only/);
  assert.match(r.reasoning, /"(electricity|carbon|emissions|consumption|datacentres)"/);
});

test('Chinese text is segmented into words and classified', () => {
  const t = tokenise('保护个人隐私数据');
  assert.ok(t.words.includes('隐私'), `segmented words: ${t.words.join('|')}`);
  assert.ok(t.extra.includes('隐私') && t.extra.includes('个人'), 'character bigrams');
  const zh: Example[] = [];
  const cy = ['防火墙', '恶意软件', '黑客', '网络攻击', '漏洞'];
  const pr = ['个人信息', '隐私', '用户同意', '数据保护', '匿名化'];
  for (let i = 0; i < 10; i++) {
    zh.push({ code: 'cyber', text: `机构应当定期检查${cy[i % 5]}和${cy[(i + 2) % 5]}的防护措施` });
    zh.push({ code: 'privacy', text: `机构应当定期检查${pr[i % 5]}和${pr[(i + 2) % 5]}的管理措施` });
  }
  const m = train(zh, taxonomy, { hyper: HYPER, candidates: ['cyber', 'privacy'] });
  assert.equal(m.predict('部署防火墙阻止黑客和网络攻击').code, 'cyber');
  assert.equal(m.predict('收集个人信息前必须获得用户同意').code, 'privacy');
});

test('training rejects codes that are not in the taxonomy', () => {
  assert.throws(() => train([{ id: 'r7', code: 'nope', text: 'x' }], taxonomy), /r7: "nope" is not a code of taxonomy "test-animals"/);
  assert.throws(() => train([{ code: 'unable', text: 'x' }], taxonomy), /special code/);
});
