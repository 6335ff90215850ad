import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLexicon, LexiconError } from '../../src/topics/lexicon.ts';
import { compileLexicon, scoreStatement } from '../../src/topics/match.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'govnav-lex-'));
const write = (dir: string, name: string, value: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
};

test('the built-in lexicon loads: readable slug ids, English and Chinese names and descriptions, terms in both languages', () => {
  const lex = loadLexicon();
  assert.match(lex.version, /^\d+\.\d+\.\d+$/);
  assert.ok(lex.topics.length >= 14, `only ${lex.topics.length} topics`);
  for (const id of ['security', 'safety', 'privacy', 'fairness', 'transparency', 'accountability', 'human-control', 'international-cooperation', 'sustainability', 'education-literacy'])
    assert.ok(lex.topics.some((t) => t.id === id), `topic ${id} missing`);
  for (const t of lex.topics) {
    assert.match(t.id, /^[a-z]+(-[a-z]+)*$/);
    assert.ok(t.name.zh && /\p{Script=Han}/u.test(t.name.zh), `${t.id}: Chinese name`);
    assert.ok(t.description.en.length > 40 && t.description.zh && t.description.zh.length > 15, `${t.id}: descriptions`);
    assert.ok(t.terms.some((x) => x.en.length) && t.terms.some((x) => x.zh.length), `${t.id}: terms in both languages`);
  }
});

test('an extension file in <data dir>/topics adds terms and topics, disables terms, and changes the version', () => {
  const dataDir = tmp();
  mkdirSync(join(dataDir, 'topics'));
  write(join(dataDir, 'topics'), 'mine.json', {
    topics: [
      { id: 'security', terms: [{ id: 'side-channel', label: { en: 'side channel' }, weight: 3, en: ['side-channel attack', 'side channel'] }] },
      { id: 'safety', terms: [{ id: 'harm', disabled: true }] },
      {
        id: 'health',
        name: { en: 'Health', zh: '健康' },
        description: { en: 'Medical uses of AI.', zh: '人工智能的医疗用途。' },
        terms: [{ id: 'clinical', label: { en: 'clinical' }, weight: 3, en: ['clinic*', 'patient'], zh: ['临床', '患者'] }],
      },
      { id: 'innovation', remove: true },
    ],
  });
  const base = loadLexicon();
  const lex = loadLexicon({ dataDir });
  assert.notEqual(lex.version, base.version);
  assert.ok(lex.version.startsWith(base.version + '+ext.'));
  assert.ok(!lex.topics.some((t) => t.id === 'innovation'));
  assert.ok(!lex.topics.find((t) => t.id === 'safety')!.terms.some((x) => x.id === 'harm'));
  const c = compileLexicon(lex);
  const topicsOf = (text: string) => scoreStatement(c, { text }).map((l) => l.topic);
  assert.ok(topicsOf('Defend the accelerator against side channels.').includes('security'));
  assert.deepEqual(topicsOf('Clinicians must see every patient.'), ['health']);
  assert.deepEqual(topicsOf('医生应复核每位患者的临床记录。').filter((t) => t === 'health'), ['health']);
  // The same files give the same version; --lexicon files come after the data dir's.
  assert.equal(loadLexicon({ dataDir }).version, lex.version);
  const extra = write(tmp(), 'more.json', { topics: [{ id: 'health', name: { en: 'Health and medicine' } }] });
  const more = loadLexicon({ dataDir, extra: [extra] });
  assert.equal(more.topics.find((t) => t.id === 'health')!.name.en, 'Health and medicine');
  assert.notEqual(more.version, lex.version);
});

test('bad lexicon files are rejected with the file, topic, term and field named', () => {
  const dir = tmp();
  const cases: [unknown, RegExp][] = [
    ['{ not json', /bad\.json: not valid JSON/],
    [{ topics: [{ id: 'security', terms: [{ id: 'x', label: { en: 'x' }, weight: 0, en: ['x'] }] }] }, /bad\.json: topic "security", term "x", field "weight"/],
    [{ topics: [{ id: 'security', terms: [{ id: 'y', label: { en: 'y' }, weight: 1, en: ['网络'] }] }] }, /bad\.json: topic "security", term "y", field "en\.0": an English pattern must not contain Chinese/],
    [{ topics: [{ id: 'security', terms: [{ id: 'z', label: { en: 'z' }, weight: 1, zh: ['abc'] }] }] }, /term "z", field "zh\.0": a Chinese pattern must contain Chinese/],
    [{ topics: [{ id: 'Health Care', name: { en: 'H' } }] }, /topic "Health Care", field "id": must be a lower-case slug/],
    [{ topics: [{ id: 'health', terms: [] }] }, /topic "health": a new topic needs "name" and "description"/],
    [{ topics: [{ id: 'safety', terms: [{ id: 'nope', disabled: true }] }] }, /topic "safety", term "nope": cannot disable a term that does not exist/],
    [{ topics: [{ id: 'security' }, { id: 'security' }] }, /topic "security" appears twice/],
  ];
  for (const [value, re] of cases) {
    const f = write(dir, 'bad.json', value);
    assert.throws(() => loadLexicon({ extra: [f] }), (e: Error) => e instanceof LexiconError && re.test(e.message), `expected ${re}`);
  }
  const builtinBad = write(dir, 'base.json', { version: '1.0.0', topics: [{ id: 'a', name: { en: 'A', zh: '甲' }, description: { en: 'A.' }, terms: [{ id: 't', label: { en: 't' }, weight: 1 }] }] });
  assert.throws(() => loadLexicon({ builtin: builtinBad }), /base\.json: topic "a", term "t", field "en": a term needs at least one/);
  assert.throws(() => loadLexicon({ extra: [join(dir, 'missing.json')] }), /missing\.json: lexicon file not found/);
});
