// A small synthetic annotated set (the layout of annotations/), for the importer and evaluation tests.
// Invented texts; each class has its own vocabulary so that a learner can pick it up.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export interface FixtureItem {
  id: string;
  source: { dataset: string; document: string; file?: string; key?: string; locator?: { page?: number; ref?: string } | string };
  language: string;
  name: string;
  text: string;
  licence: string;
  attribution: string;
}

export type FixtureLabel =
  | { id: string; mitigation: true; labels: Record<string, { code: string | null; reason?: string } | null>; annotator: string }
  | { id: string; mitigation: false; reason: string; annotator?: string };

/** Three kinds of measure, each with its codes on the five axes and its own words. */
export const KINDS = [
  {
    codes: { 'mitigation-v2': '1.1.1', lifecycle: 'collect-process-data', actor: 'developer', 'nist-ai-rmf': 'manage', 'risk-domain': '2.1' },
    words: ['training data', 'filter the dataset', 'remove personal records', 'curate corpora', 'deduplicate samples', 'scrub identifiers'],
    zh: ['训练数据', '过滤数据集', '删除个人记录', '清洗语料'],
  },
  {
    codes: { 'mitigation-v2': '2.2.2', lifecycle: 'verify-validate', actor: 'deployer', 'nist-ai-rmf': 'measure', 'risk-domain': '7.2' },
    words: ['red team', 'adversarial testing', 'evaluate dangerous capabilities', 'penetration exercise', 'external testers', 'stress the model'],
    zh: ['红队测试', '对抗测试', '评估危险能力', '外部测试人员'],
  },
  {
    codes: { 'mitigation-v2': '3.1.1', lifecycle: 'other-general', actor: 'governance-actor', 'nist-ai-rmf': 'govern', 'risk-domain': '6.5' },
    words: ['legislation', 'statutory duty', 'regulator shall enforce', 'binding law', 'national parliament', 'legal obligation'],
    zh: ['立法', '法定义务', '监管机构执法', '具有约束力的法律'],
  },
] as const;

export const AXES = ['mitigation-v2', 'lifecycle', 'actor', 'nist-ai-rmf', 'risk-domain'] as const;

function pick<T>(xs: readonly T[], i: number): T {
  return xs[i % xs.length]!;
}

/** `docs` documents of `perDoc` items each; item i is of kind i mod 3; every fifth document is Chinese. */
export function makeItems(docs = 12, perDoc = 5): { items: FixtureItem[]; kindOf: Map<string, number> } {
  const items: FixtureItem[] = [];
  const kindOf = new Map<string, number>();
  let n = 0;
  for (let d = 0; d < docs; d++) {
    const zh = d % 5 === 4;
    for (let j = 0; j < perDoc; j++) {
      const k = (d + j) % 3;
      n++;
      const id = `GA${String(n).padStart(4, '0')}`;
      const kind = KINDS[k]!;
      const text = zh
        ? `${pick(kind.zh, n)}，并且${pick(kind.zh, n + 1)}。第${n}条。`
        : `Organisations should ${pick(kind.words, n)} and ${pick(kind.words, n + 2)}; item ${n} of document ${d}.`;
      items.push({
        id,
        source: { dataset: d % 2 ? 'mit-airi-mitigations' : 'corpus', document: `doc-${d}`, file: `doc-${d}.md`, locator: d === 0 ? `§${j + 1}` : { page: j + 1, ref: `§${j + 1}` } },
        language: zh ? 'zh' : 'en',
        name: zh ? `措施 ${n}` : `Measure ${n}`,
        text,
        licence: d % 2 ? 'CC-BY-4.0' : 'public domain',
        attribution: d % 2 ? 'MIT AI Risk Mitigation Database' : `Document ${d}`,
      });
      kindOf.set(id, k);
    }
  }
  return { items, kindOf };
}

export function labelFor(id: string, k: number, annotator = 'pass1/t'): FixtureLabel {
  const kind = KINDS[k]!;
  return {
    id,
    mitigation: true,
    labels: Object.fromEntries(AXES.map((a) => [a, { code: kind.codes[a], reason: `Reads as kind ${k} on ${a}.` }])),
    annotator,
  };
}

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

export interface FixtureSet {
  dir: string;
  items: FixtureItem[];
  pass1: FixtureLabel[];
  pass2: FixtureLabel[];
}

/** Write a set to a fresh temporary folder (removed after the test). */
export function writeSet(
  t: TestContext,
  o: { items: FixtureItem[]; pass1: FixtureLabel[] | string; pass2?: FixtureLabel[]; readme?: string; pass1File?: string },
): string {
  const dir = mkdtempSync(join(tmpdir(), 'govnav-annotations-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'pass1'));
  writeFileSync(join(dir, 'items.jsonl'), jsonl(o.items));
  writeFileSync(join(dir, 'pass1', o.pass1File ?? 'b1.jsonl'), typeof o.pass1 === 'string' ? o.pass1 : jsonl(o.pass1));
  if (o.pass2) {
    mkdirSync(join(dir, 'pass2'));
    writeFileSync(join(dir, 'pass2', 'c1.jsonl'), jsonl(o.pass2));
  }
  writeFileSync(
    join(dir, 'README.md'),
    o.readme ??
      '# govnav annotations\n\n- Version: test-1\n- Licence: CC BY 4.0\n- Attribution: govnav project annotation (test fixture); item texts under their sources’ licences.\n',
  );
  return dir;
}

export { jsonl };
