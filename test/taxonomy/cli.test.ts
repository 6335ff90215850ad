// `govnav taxonomy list|show`: the rendering functions, the commands registered on a fresh program,
// and the real binary end to end (exit code 2 and the list of known ids for an unknown taxonomy).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { listRows, register, renderTree, summarise } from '../../src/cli/commands/taxonomy.ts';
import { loadTaxonomies } from '../../src/taxonomy/index.ts';

const registry = loadTaxonomies();
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function govnav(...args: string[]) {
  return spawnSync(process.execPath, ['bin/govnav.js', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GOVNAV_QUIET: '1' } });
}

test('list rows: one per taxonomy with id, version, node count, depth, what it applies to and its name', () => {
  const rows = listRows(registry);
  assert.equal(rows.length, registry.list().length);
  const v2 = rows.find((r) => r[0] === 'mitigation-v2')!;
  assert.deepEqual(v2.slice(0, 5), ['mitigation-v2', '1.0.0', String(registry.get('mitigation-v2').nodes.size), '3', 'mitigation']);
  assert.equal(rows.find((r) => r[0] === 'risk-domain')![4], 'risk, mitigation');
  assert.equal(rows.find((r) => r[0] === 'coverage')![4], 'documents');
  assert.equal(listRows(registry, 'zh').find((r) => r[0] === 'risk-domain')![5], registry.get('risk-domain').data.name.zh);
  const s = summarise(registry.get('risk-domain'));
  assert.equal(s.levels, 2);
  assert.equal(s.abstainCode, 'unable');
});

test('show renders an indented tree with project labels marked and a footnote', () => {
  const t = registry.get('mitigation-v2');
  const out = renderTree(t);
  const lines = out.split('\n');
  assert.ok(lines.some((l) => /^1\s+AI System$/.test(l)));
  assert.ok(lines.some((l) => /^ {2}1\.1\s+Model$/.test(l)), 'level 2 indented by two spaces');
  assert.ok(lines.some((l) => /^ {4}2\.4\.4\s+Training & Awareness$/.test(l)), 'level 3 indented by four spaces');
  assert.ok(lines.some((l) => /^ {4}3\.3\.2\s+.+ \*$/.test(l)), 'project label marked');
  assert.ok(lines.some((l) => /99\.9\s+Other\s+\[unable to classify\]\s+\(abstain code\)/.test(l)));
  assert.match(lines.at(-1)!, /^\* govnav's own label/);
  // Tree order follows the taxonomy's display order.
  const codes = lines.map((l) => /^\s*([0-9][0-9.]*)\s{2}/.exec(l)?.[1]).filter(Boolean);
  assert.deepEqual(codes, t.ordered().map((n) => n.code));
  // Without project labels there is no footnote.
  assert.doesNotMatch(renderTree(registry.get('nist-ai-rmf')), /own label/);
});

test('show --lang zh and --descriptions use the Chinese names and add each description', () => {
  const t = registry.get('risk-domain');
  const out = renderTree(t, { lang: 'zh', descriptions: true });
  assert.ok(out.includes(t.node('6.5').name.zh!));
  assert.ok(out.includes(t.node('6.5').description!.zh!));
  assert.ok(!out.includes(t.node('6.5').description!.en));
  assert.match(out, /govnav 自拟名称/);
  const en = renderTree(t, { descriptions: true }).split('\n');
  const i = en.findIndex((l) => /^ {2}6\.5\s+Governance failure$/.test(l));
  assert.ok(i > 0);
  assert.equal(en[i + 1]!.trim(), t.node('6.5').description!.en);
});

test('register adds `taxonomy list` and `taxonomy show` with help text; bad --lang is refused', async () => {
  const program = new Command('govnav').exitOverride();
  register(program);
  const cmd = program.commands.find((c) => c.name() === 'taxonomy')!;
  assert.ok(cmd);
  assert.deepEqual(cmd.commands.map((c) => c.name()).sort(), ['list', 'show']);
  const show = cmd.commands.find((c) => c.name() === 'show')!;
  let help = '';
  show.configureOutput({ writeOut: (s) => (help += s), writeErr: (s) => (help += s) });
  show.exitOverride();
  await assert.rejects(program.parseAsync(['node', 'govnav', 'taxonomy', 'show', '--help']), { code: 'commander.helpDisplayed' });
  assert.match(help, /--descriptions/);
  assert.match(help, /--lang/);
  assert.match(help, /marked "\*"/);
  await assert.rejects(program.parseAsync(['node', 'govnav', 'taxonomy', 'show', 'risk-domain', '--lang', 'fr']), {
    code: 'commander.invalidArgument',
  });
  await assert.rejects(program.parseAsync(['node', 'govnav', 'taxonomy', 'show', 'no-such-taxonomy']), (e: Error & { exitCode?: number }) => {
    assert.match(e.message, /unknown taxonomy "no-such-taxonomy"/);
    assert.match(e.message, /mitigation-v2/);
    assert.equal(e.exitCode, 2);
    return true;
  });
});

test('the binary: `taxonomy list --json` prints every taxonomy; an unknown id exits 2 naming the known ids', () => {
  const list = govnav('taxonomy', 'list', '--json');
  assert.equal(list.status, 0, list.stderr);
  const parsed = JSON.parse(list.stdout) as { id: string; nodes: number }[];
  assert.deepEqual(
    parsed.map((x) => x.id).sort(),
    registry
      .list()
      .map((t) => t.id)
      .sort(),
  );
  assert.equal(parsed.find((x) => x.id === 'risk-domain')!.nodes, registry.get('risk-domain').nodes.size);

  const table = govnav('taxonomy', 'list');
  assert.equal(table.status, 0, table.stderr);
  assert.match(table.stdout, /^id\s+version\s+nodes\s+levels\s+applies to\s+name/);

  const show = govnav('taxonomy', 'show', 'lifecycle', '--json');
  assert.equal(show.status, 0, show.stderr);
  assert.equal((JSON.parse(show.stdout) as { nodes: unknown[] }).nodes.length, 10);

  const bad = govnav('taxonomy', 'show', 'nope');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown taxonomy "nope"/);
  assert.match(bad.stderr, /Known taxonomies: .*risk-domain/);
  assert.equal(bad.stdout, '');
});
