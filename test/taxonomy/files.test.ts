// The shipped taxonomy files: each one loads, and the data is consistent and complete in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TAXONOMY_DIR, loadTaxonomies, parseTaxonomy } from '../../src/taxonomy/index.ts';

const files = readdirSync(DEFAULT_TAXONOMY_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const raw = files.map((f) => ({
  file: f,
  json: JSON.parse(readFileSync(join(DEFAULT_TAXONOMY_DIR, f), 'utf8')) as {
    id: string;
    $schema?: string;
    nodes: { code: string; parent: string | null; level: number; name: { en: string; zh?: string }; description?: { en: string; zh?: string } }[];
  },
}));

const EXPECTED_IDS = [
  'actor',
  'coverage',
  'legislative-status',
  'lifecycle',
  'mitigation-v1',
  'mitigation-v2',
  'nist-ai-rmf',
  'risk-domain',
  'risk-entity',
  'risk-intent',
  'risk-timing',
];

test('every taxonomy file loads, and the registry holds exactly the expected taxonomies', () => {
  const registry = loadTaxonomies();
  assert.deepEqual(
    registry
      .list()
      .map((t) => t.id)
      .sort(),
    EXPECTED_IDS,
  );
  for (const { file } of raw) {
    const t = parseTaxonomy(readFileSync(join(DEFAULT_TAXONOMY_DIR, file), 'utf8'), file);
    assert.equal(`${t.id}.json`, file, 'a file is named after its taxonomy id');
    assert.match(t.version, /^\d+\.\d+\.\d+$/, `${file}: version is semver`);
  }
});

test('files are plain JSON: no $schema key', () => {
  for (const { file, json } of raw) assert.equal(json.$schema, undefined, file);
});

test('codes are unique, parents exist and levels follow parents (checked on the raw files)', () => {
  for (const { file, json } of raw) {
    const byCode = new Map<string, (typeof json.nodes)[number]>();
    for (const n of json.nodes) {
      assert.ok(!byCode.has(n.code), `${file}: duplicate code ${n.code}`);
      byCode.set(n.code, n);
    }
    for (const n of json.nodes) {
      if (n.parent === null || n.parent === undefined) {
        assert.equal(n.level, 1, `${file}: root ${n.code} is at level 1`);
        continue;
      }
      const p = byCode.get(n.parent);
      assert.ok(p, `${file}: parent ${n.parent} of ${n.code} exists`);
      assert.equal(n.level, p.level + 1, `${file}: level of ${n.code}`);
      if (/^[0-9X]+(\.[0-9]+)*$/.test(n.code) && /^[0-9X]+(\.[0-9]+)*$/.test(n.parent))
        assert.ok(n.code.startsWith(n.parent + '.'), `${file}: dotted code ${n.code} extends its parent ${n.parent}`);
    }
  }
});

// A handful of common Traditional-only characters; none may appear in the Simplified Chinese text.
const TRADITIONAL = /[與險類風據監護評檢資開發為對統術標準輸識體織權數應產環響過隱聯國際這個們覽點實驗擊圖書動際關稱]/;
const CJK = /[\u4e00-\u9fff]/;

test('every node has an English and a Simplified Chinese name and description', () => {
  for (const t of loadTaxonomies().list()) {
    for (const field of [t.data.name, t.data.description, t.data.shortName]) {
      assert.ok(field?.en && field.zh, `${t.id}: taxonomy name/shortName/description in en and zh`);
      assert.match(field.zh!, CJK, `${t.id}: Chinese text is Chinese`);
    }
    for (const n of t.nodes.values()) {
      const where = `${t.id} ${n.code}`;
      assert.ok(n.name.en.trim(), `${where}: name.en`);
      assert.ok(n.name.zh?.trim(), `${where}: name.zh`);
      assert.ok(n.description?.en.trim(), `${where}: description.en`);
      assert.ok(n.description?.zh?.trim(), `${where}: description.zh`);
      assert.match(n.description!.zh!, CJK, `${where}: description.zh is Chinese`);
      for (const s of [n.name.zh!, n.description!.zh!])
        assert.doesNotMatch(s, TRADITIONAL, `${where}: "${s}" uses Simplified characters`);
      const words = n.description!.en.split(/\s+/).length;
      assert.ok(words >= 5 && words <= 45, `${where}: description is one or two short sentences (${words} words)`);
    }
  }
});

test('no two nodes of a taxonomy share an English description (each is written for its node)', () => {
  for (const t of loadTaxonomies().list()) {
    const seen = new Map<string, string>();
    for (const n of t.nodes.values()) {
      // The "not otherwise categorized" / "no subdomain given" buckets share one wording by design.
      if (n.special === 'other' && /\.0$/.test(n.code)) continue;
      const d = n.description!.en;
      assert.ok(!seen.has(d), `${t.id}: ${n.code} and ${seen.get(d)} have the same description`);
      seen.set(d, n.code);
    }
  }
});

test('every taxonomy that labels statements has an abstainCode naming an "unable" node', () => {
  for (const t of loadTaxonomies().list()) {
    if (t.data.appliesTo.length === 0) {
      assert.ok(t.data.appliesToDocuments, `${t.id}: labels something (statements or documents)`);
      continue;
    }
    assert.ok(t.abstainCode, `${t.id}: abstainCode`);
    assert.equal(t.node(t.abstainCode).special, 'unable', `${t.id}: abstainCode ${t.abstainCode} is special "unable"`);
  }
});

test('every code resolves to itself, and every unique name and every alias to its node', () => {
  for (const t of loadTaxonomies().list()) {
    const nameCount = new Map<string, number>();
    for (const n of t.nodes.values()) nameCount.set(n.name.en.toLowerCase(), (nameCount.get(n.name.en.toLowerCase()) ?? 0) + 1);
    for (const n of t.nodes.values()) {
      assert.equal(t.resolve(n.code), n.code, `${t.id}: code ${n.code}`);
      for (const a of n.aliases) assert.equal(t.resolve(a), n.code, `${t.id}: alias "${a}"`);
      if (nameCount.get(n.name.en.toLowerCase()) === 1) {
        assert.equal(t.resolve(n.name.en), n.code, `${t.id}: name "${n.name.en}"`);
        assert.equal(t.resolve(n.name.en.toUpperCase()), n.code, `${t.id}: name, case-insensitive`);
      }
    }
  }
});

test('statement taxonomies are the ones each statement kind is labelled with', () => {
  const r = loadTaxonomies();
  const ids = (k: 'mitigation' | 'risk' | 'principle') =>
    r
      .forKind(k)
      .map((t) => t.id)
      .sort();
  assert.deepEqual(ids('mitigation'), ['actor', 'lifecycle', 'mitigation-v1', 'mitigation-v2', 'nist-ai-rmf', 'risk-domain']);
  assert.deepEqual(ids('risk'), ['risk-domain', 'risk-entity', 'risk-intent', 'risk-timing']);
  assert.deepEqual(ids('principle'), []);
  assert.equal(r.get('coverage').data.ordinal, true);
  assert.equal(r.get('lifecycle').data.ordinal, false);
  assert.deepEqual(
    r
      .list()
      .filter((t) => t.data.appliesToDocuments)
      .map((t) => t.id)
      .sort(),
    ['coverage', 'legislative-status'],
  );
});
