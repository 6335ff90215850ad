// Facts: the taxonomies carry the published codes and names, and resolve() maps every raw label
// that occurs in the public datasets (../shared/data) to the right code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { loadTaxonomies } from '../../src/taxonomy/index.ts';
import { requireShared } from '../helpers/shared.ts';

const registry = loadTaxonomies();
const csv = (path: string, opts: { comment?: string; delimiter?: string; quote?: boolean; relax_column_count?: boolean } = {}) =>
  parseCsv(readFileSync(path), { columns: true, ...opts }) as Record<string, string>[];

test('mitigation-v2: the published three-level tree, 44 codes below level 1, and govnav labels only where names were not published', () => {
  const t = registry.get('mitigation-v2');
  assert.deepEqual(
    t.atLevel(1).map((n) => n.code),
    ['1', '2', '3'],
  );
  assert.deepEqual(
    t.atLevel(2).map((n) => n.code),
    ['1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '3.1', '3.2', '3.3'],
  );
  const l3 = t.atLevel(3).map((n) => n.code);
  assert.deepEqual(l3, [
    ...['1.1.1', '1.1.2', '1.1.3', '1.1.4'],
    ...['1.2.1', '1.2.2', '1.2.3', '1.2.4', '1.2.5'],
    ...['2.1.1', '2.1.2', '2.1.3'],
    ...['2.2.1', '2.2.2', '2.2.3', '2.2.4'],
    ...['2.3.1', '2.3.2', '2.3.3', '2.3.4'],
    ...['2.4.1', '2.4.2', '2.4.3', '2.4.4'],
    ...['3.1.1', '3.1.2', '3.1.3', '3.1.4', '3.1.5'],
    ...['3.2.1', '3.2.2', '3.2.3'],
    ...['3.3.1', '3.3.2', '3.3.3'],
  ]);
  assert.equal(t.atLevel(2).length + l3.length, 44, 'the published pipeline counts 44 codes');
  // Published names (as on the navigator's pages).
  const published: Record<string, string> = {
    '1': 'AI System', '1.1': 'Model', '1.2': 'Non-Model', '2': 'Organisation', '3': 'Ecosystem',
    '1.1.1': 'Training Data', '1.1.2': 'Learning Objectives', '1.1.3': 'Capability Modification',
    '1.2.1': 'Guardrails & Filtering', '1.2.2': 'Runtime Environment', '1.2.3': 'Monitoring & Detection',
    '1.2.4': 'Security Infrastructure', '1.2.5': 'Provenance & Watermarking',
    '2.1': 'Oversight & Accountability', '2.1.1': 'Leadership Oversight', '2.1.2': 'Roles & Accountability', '2.1.3': 'Policies & Procedures',
    '2.2': 'Risk & Assurance', '2.2.1': 'Risk Assessment', '2.2.2': 'Testing & Evaluation', '2.2.3': 'Auditing & Compliance', '2.2.4': 'Assurance Documentation',
    '2.3': 'Operations & Security', '2.3.1': 'Deployment Management', '2.3.2': 'Access & Security Controls', '2.3.3': 'Monitoring & Logging', '2.3.4': 'Incident Response',
    '2.4': 'Engineering & Development', '2.4.2': 'Design Standards', '2.4.4': 'Training & Awareness',
    '3.1': 'Legal & Regulatory', '3.1.1': 'Legislation & Policy', '3.1.3': 'International Agreements', '3.1.4': 'Compliance Requirements', '3.1.5': 'Enforcement Mechanisms',
    '3.2': 'Shared Infrastructure', '3.2.1': 'Benchmarks & Evaluation', '3.2.2': 'Technical Standards', '3.2.3': 'Research Resources',
    '3.3': 'Voluntary & Cooperative', '3.3.1': 'Industry Coordination', '3.3.3': 'Self-regulatory Mechanisms',
    '1.1.9': 'Other', '99': 'Other', '99.9': 'Other',
  };
  for (const [code, name] of Object.entries(published)) {
    assert.equal(t.name(code), name, code);
    assert.equal(t.node(code).projectLabel, false, `${code} has a published name`);
  }
  const project = [...t.nodes.values()].filter((n) => n.projectLabel).map((n) => n.code);
  assert.deepEqual(project, ['1.1.4', '2.4.1', '2.4.3', '3.1.2', '3.3.2']);
  for (const code of project) assert.match(t.data.source.note ?? '', new RegExp(code.replace(/\./g, '\\.')), `source.note names ${code}`);
  assert.match(t.node('2.4.1').description!.en, /foundational safety research/i);
  assert.match(t.node('3.3.2').description!.en, /soft-law|soft law/i);
  assert.notEqual(t.name('2.4.1'), t.name('2.4.3'));
  // Special codes.
  assert.equal(t.node('1.1.9').special, 'other');
  assert.equal(t.node('1.1.9').parent, '1.1');
  assert.equal(t.abstainCode, '99.9');
  assert.equal(t.node('99.9').parent, '99');
  assert.equal(t.node('99.9').special, 'unable');
  assert.equal(t.data.labelLevels, 'any');
  // The seed pages' labels.
  assert.equal(t.resolve('2.2.1 Risk Assessment'), '2.2.1');
  assert.equal(t.resolve('99.9 Other'), '99.9');
  assert.equal(t.resolve('Other'), '99.9', 'a bare "Other" is the abstain bucket, not 1.1.9');
});

test('mitigation-v1: categories and subcategories carry exactly the names of the published YAML', (t) => {
  const path = requireShared(t, 'data/mit-airi-mitigations-v1/mit_ai_risk_mitigation_data.yaml');
  if (!path) return;
  const yaml = parseYaml(readFileSync(path, 'utf8')) as { groups: { id: string; name: string; broader?: string[] }[] };
  const tax = registry.get('mitigation-v1');
  const groups = yaml.groups.filter((g) => g.id.startsWith('mit-draft-ai-risk-mitigation-group-'));
  assert.equal(groups.length, 27);
  for (const g of groups) {
    const code = g.id.replace('mit-draft-ai-risk-mitigation-group-', '');
    const m = /^(\d+(?:\.\d+)?)\.?\s+(.+)$/.exec(g.name);
    assert.ok(m, g.name);
    assert.equal(m[1], code, `${g.id}: the name's number is the code`);
    assert.equal(tax.name(code), m[2], `${code}: exact published name`);
    assert.equal(tax.node(code).level, code.includes('.') ? 2 : 1);
    if (g.broader) assert.equal(tax.node(code).parent, g.broader[0]!.replace('mit-draft-ai-risk-mitigation-group-', ''));
    assert.equal(tax.resolve(g.id), code);
    assert.equal(tax.resolve(g.name), code);
  }
  assert.equal(tax.atLevel(1).length, 4);
  assert.equal(tax.atLevel(2).length, 23);
  assert.equal(tax.node(tax.abstainCode!).special, 'unable');
});

test('mitigation-v1: every label of the SSSOM mapping resolves to the mapped node', (t) => {
  const path = requireShared(t, 'data/mit-airi-mitigations-v1/mit_ai_risk_mitigation_mappings.tsv');
  if (!path) return;
  const rows = csv(path, { comment: '#', delimiter: '\t', quote: false, relax_column_count: true });
  assert.ok(rows.length >= 800, `${rows.length} mapping rows`);
  const tax = registry.get('mitigation-v1');
  let notOtherwise = 0;
  for (const r of rows) {
    const target = tax.resolve(r.object_id!);
    assert.ok(target, `object_id ${r.object_id} resolves`);
    const code = tax.resolve(r.object_label!);
    assert.ok(code, `label "${r.object_label}" resolves`);
    if (/not otherwise categorized/i.test(r.object_label!)) {
      // Mapped to the category; the label names that category's catch-all.
      notOtherwise++;
      assert.equal(tax.node(code).parent, target, r.object_label);
      assert.equal(tax.node(code).special, 'other');
    } else assert.equal(code, target, r.object_label);
  }
  assert.equal(notOtherwise, 5);
});

test('mitigation-v1 and nist-ai-rmf: every label in the labelled mitigation CSV resolves', (t) => {
  const path = requireShared(t, 'data/mit-airi-mitigations-v1/mit_mitigations_v1_labelled.csv');
  if (!path) return;
  const v1 = registry.get('mitigation-v1');
  const nist = registry.get('nist-ai-rmf');
  const rows = csv(path);
  let nistRows = 0;
  for (const r of rows) {
    if (r.mit_v1_category) assert.equal(v1.resolve(r.mit_v1_category), r.mit_v1_category_code, r.mit_v1_category);
    if (r.mit_v1_subcategory) {
      const code = v1.resolve(r.mit_v1_subcategory);
      if (r.mit_v1_subcategory_code) assert.equal(code, r.mit_v1_subcategory_code, r.mit_v1_subcategory);
      else assert.equal(code, `${r.mit_v1_category_code}.0`, r.mit_v1_subcategory);
    }
    if (r.nist_function) {
      nistRows++;
      assert.equal(nist.resolve(r.nist_function), r.nist_function.toLowerCase(), r.nist_function);
    }
  }
  assert.ok(nistRows > 150, `${nistRows} rows with a NIST function`);
  for (const [alias, code] of [['GV', 'govern'], ['MP', 'map'], ['MS', 'measure'], ['MG', 'manage']] as const)
    assert.equal(nist.resolve(alias), code);
});

test('risk-domain: 7 domains and 24 subdomains with MIT\'s names from the domain taxonomy sheet', (t) => {
  const path = requireShared(t, 'data/mit-airi-risk-db-v4/domain_taxonomy_v4.csv');
  if (!path) return;
  const tax = registry.get('risk-domain');
  const rows = csv(path);
  assert.deepEqual(
    tax.atLevel(1).map((n) => n.code),
    ['1', '2', '3', '4', '5', '6', '7'],
  );
  assert.deepEqual(
    tax.atLevel(2).map((n) => n.code),
    rows.map((r) => r.subdomain_code),
  );
  assert.equal(tax.atLevel(2).length, 24);
  for (const r of rows) {
    assert.equal(tax.name(r.subdomain_code!), r.subdomain_name, r.subdomain_code);
    assert.equal(tax.node(r.subdomain_code!).parent, r.domain_code);
    assert.equal(tax.resolve(r.domain_name!), r.domain_code, `domain spelling "${r.domain_name}"`);
  }
  for (const d of ['1', '2', '3', '4', '5', '6', '7']) {
    const n = tax.node(`${d}.0`);
    assert.equal(n.parent, d);
    assert.equal(n.special, 'other');
    assert.equal(n.projectLabel, true);
  }
  assert.equal(tax.node('X.0').special, 'other');
  assert.equal(tax.node('X.1').special, 'excluded');
  assert.equal(tax.node('X').projectLabel, true);
  assert.equal(tax.ancestorAt('X.1', 1), 'X');
  assert.equal(tax.node(tax.abstainCode!).special, 'unable');
});

const FACTORS = ['Entity', 'Intent', 'Timing'] as const;

test('risk database v4: every raw Domain, Sub-domain, Entity, Intent and Timing value resolves to the code it starts with', (t) => {
  const path = requireShared(t, 'data/mit-airi-risk-db-v4/ai_risk_database_v4.csv');
  if (!path) return;
  const rows = csv(path);
  assert.ok(rows.length > 2000);
  const columns: [string, string][] = [
    ['Domain', 'risk-domain'],
    ['Sub-domain', 'risk-domain'],
    ...FACTORS.map((f) => [f, `risk-${f.toLowerCase()}`] as [string, string]),
  ];
  let checked = 0;
  for (const [col, id] of columns) {
    const tax = registry.get(id);
    const values = new Set(rows.map((r) => r[col]!).filter((v) => v.trim() !== ''));
    assert.ok(values.size >= 4, `${col}: ${values.size} distinct values`);
    for (const v of values) {
      const expected = /^([0-9X]+(?:\.[0-9]+)?)/.exec(v)?.[1];
      assert.ok(expected, `${col} value "${v}" starts with a code`);
      assert.equal(tax.resolve(v), expected, `${col} "${v}"`);
      // The spelling itself (not just its number) is known: stripping the code still resolves.
      // For "N.0 > <domain name>" the name part names the domain itself.
      const rest = v.replace(/^[0-9X.]+\.?\s*(?:>|-)?\s*/, '');
      const restCode = /^\d\.0$/.test(expected) && rest !== 'Malicious use' ? expected.slice(0, 1) : expected;
      assert.equal(tax.resolve(rest), restCode, `${col} name part "${rest}"`);
      checked++;
    }
  }
  assert.ok(checked >= 50, `${checked} distinct values checked`);
  const dom = registry.get('risk-domain');
  assert.equal(dom.resolve('X.1 > Excluded'), 'X.1');
  assert.equal(dom.resolve('X.0 > Other'), 'X.0');
  assert.equal(dom.resolve('4.0 > Malicious use'), '4.0');
  assert.equal(dom.resolve('7. AI System Safety, Failures, & Limitations'), '7');
  assert.equal(dom.resolve('2.1 > Compromise of privacy by leaking or correctly inferring sensitive information'), '2.1');
  assert.equal(registry.get('risk-entity').resolve('4 - Not coded'), '4');
  assert.equal(registry.get('risk-entity').node('4').special, 'not-coded');
});

test('risk database v4: raw values agree with the codes parsed out in the classified-risks file', (t) => {
  const path = requireShared(t, 'data/mit-airi-risk-db-v4/airi_v4_classified_risks.csv');
  if (!path) return;
  const dom = registry.get('risk-domain');
  for (const r of csv(path)) {
    if (r.subdomain_raw) assert.equal(dom.resolve(r.subdomain_raw), r.subdomain_code, r.subdomain_raw);
    if (r.domain_raw) assert.equal(dom.resolve(r.domain_raw), r.domain_code, r.domain_raw);
    // A subdomain sits under its domain, except X.0 (which MIT combines with any domain).
    if (r.subdomain_code && r.domain_code && !r.subdomain_code.startsWith('X'))
      assert.equal(dom.ancestorAt(r.subdomain_code, 1), r.domain_code, r.ev_id);
  }
});

test('causal taxonomies: MIT\'s numbering, and every level spelling of the causal taxonomy sheet resolves', (t) => {
  const expected: Record<string, string[]> = {
    Entity: ['Human', 'AI', 'Other'],
    Intent: ['Intentional', 'Unintentional', 'Other'],
    Timing: ['Pre-deployment', 'Post-deployment', 'Other'],
  };
  for (const f of FACTORS) {
    const tax = registry.get(`risk-${f.toLowerCase()}`);
    expected[f]!.forEach((name, i) => assert.equal(tax.name(String(i + 1)), name, `${f} ${i + 1}`));
    assert.equal(tax.name('4'), 'Not coded');
    assert.equal(tax.resolve(`4 - Not coded`), '4');
    assert.deepEqual(tax.data.appliesTo, ['risk']);
  }
  const path = requireShared(t, 'data/mit-airi-risk-db-v4/causal_taxonomy_v4.csv');
  if (!path) return;
  for (const r of csv(path)) {
    const tax = registry.get(`risk-${r.factor!.toLowerCase()}`);
    const code = tax.resolve(r.level!);
    assert.equal(code && tax.name(code), expected[r.factor!]![expected[r.factor!]!.indexOf(r.level!.replace(/-\s+/, '-'))], `${r.factor} "${r.level}"`);
  }
  assert.equal(registry.get('risk-timing').resolve('Pre- deployment'), '1');
  assert.equal(registry.get('risk-timing').resolve('2 - Post- deployment'), '2');
});

test('lifecycle, actor, legislative status and coverage: the published categories', () => {
  const names = (id: string) =>
    registry
      .get(id)
      .ordered()
      .map((n) => `${n.code}=${n.name.en}`);
  assert.deepEqual(names('lifecycle'), [
    'plan-design=Plan and Design',
    'collect-process-data=Collect and Process Data',
    'build-use-model=Build and Use Model',
    'verify-validate=Verify and Validate',
    'deploy=Deploy',
    'operate-monitor=Operate and Monitor',
    'other-general=Other (general)',
    'other-multiple=Other (multiple stages)',
    'other-outside=Other (outside lifecycle)',
    'unable=Unable to classify',
  ]);
  assert.deepEqual(names('actor'), [
    'developer=Developer',
    'deployer=Deployer',
    'infrastructure-provider=Infrastructure Provider',
    'user=User',
    'governance-actor=Governance Actor',
    'affected-stakeholder=Affected Stakeholder',
    'unable=Unable to classify',
  ]);
  assert.deepEqual(names('nist-ai-rmf'), ['govern=Govern', 'map=Map', 'measure=Measure', 'manage=Manage', 'unable=Unable to classify']);
  assert.deepEqual(names('legislative-status'), ['hard-law=Hard Law', 'soft-law=Soft Law', 'other=Other']);
  assert.deepEqual(names('coverage'), ['0=No coverage', '1=Minimal', '2=Good']);
  // The seed pages' lifecycle and actor labels.
  assert.equal(registry.get('lifecycle').resolve('Other (outside lifecycle)'), 'other-outside');
  assert.equal(registry.get('actor').resolve('Governance Actor'), 'governance-actor');
  assert.equal(registry.get('nist-ai-rmf').resolve('Govern'), 'govern');
});
