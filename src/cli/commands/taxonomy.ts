// `govnav taxonomy list|show`: the taxonomies shipped in taxonomies/*.json, as a table or a tree.
import { Option, type Command } from 'commander';
import type { Lang } from '../../model/index.ts';
import type { Taxonomy, TaxonomyRegistry } from '../../taxonomy/index.ts';

/** One row of `govnav taxonomy list --json`. */
export interface TaxonomySummary {
  id: string;
  version: string;
  nodes: number;
  levels: number;
  appliesTo: string[];
  appliesToDocuments: boolean;
  abstainCode: string | null;
  name: string;
  file: string;
}

export function summarise(t: Taxonomy, lang: Lang = 'en'): TaxonomySummary {
  let levels = 0;
  for (const n of t.nodes.values()) levels = Math.max(levels, n.level);
  return {
    id: t.id,
    version: t.version,
    nodes: t.nodes.size,
    levels,
    appliesTo: t.data.appliesTo,
    appliesToDocuments: t.data.appliesToDocuments,
    abstainCode: t.abstainCode ?? null,
    name: (lang === 'zh' && t.data.name.zh) || t.data.name.en,
    file: t.file,
  };
}

function appliesToText(s: TaxonomySummary): string {
  const parts = [...s.appliesTo];
  if (s.appliesToDocuments) parts.push('documents');
  return parts.join(', ') || '-';
}

/** The rows of the `list` table (without the header). */
export function listRows(registry: TaxonomyRegistry, lang: Lang = 'en'): string[][] {
  return registry.list().map((t) => {
    const s = summarise(t, lang);
    return [s.id, s.version, String(s.nodes), String(s.levels), appliesToText(s), s.name];
  });
}

const SPECIAL_MARK: Record<string, string> = {
  other: '[other]',
  excluded: '[excluded]',
  'not-coded': '[not coded]',
  unable: '[unable to classify]',
};

/** The indented tree printed by `show`: one line per node, project labels marked "*", with a footnote. */
export function renderTree(t: Taxonomy, opts: { lang?: Lang; descriptions?: boolean } = {}): string {
  const lang = opts.lang ?? 'en';
  const pick = (x: { en: string; zh?: string }) => (lang === 'zh' && x.zh) || x.en;
  const lines: string[] = [];
  lines.push(`${pick(t.data.name)} (${t.id} ${t.version})`);
  if (opts.descriptions) lines.push(pick(t.data.description));
  lines.push(`source: ${t.data.source.citation}`);
  lines.push('');
  const nodes = t.ordered();
  const codeWidth = Math.max(...nodes.map((n) => 2 * (n.level - 1) + n.code.length));
  let anyProject = false;
  for (const n of nodes) {
    const indent = '  '.repeat(n.level - 1);
    const mark = n.projectLabel ? ' *' : '';
    anyProject ||= n.projectLabel;
    const special = n.special ? `  ${SPECIAL_MARK[n.special]}` : '';
    const abstain = n.code === t.abstainCode ? '  (abstain code)' : '';
    lines.push(`${(indent + n.code).padEnd(codeWidth)}  ${pick(n.name)}${mark}${special}${abstain}`);
    if (opts.descriptions && n.description) lines.push(`${' '.repeat(codeWidth + 2)}${pick(n.description)}`);
  }
  if (anyProject) {
    lines.push('');
    lines.push(
      lang === 'zh'
        ? '* govnav 自拟名称：原始来源未公布该代码的名称。'
        : "* govnav's own label: the source did not publish a name for this code.",
    );
  }
  return lines.join('\n');
}

async function unknownTaxonomy(registry: TaxonomyRegistry, id: string): Promise<Error> {
  const { UserError } = await import('../main.ts');
  const known = registry.list().map((t) => t.id);
  return new UserError(`unknown taxonomy "${id}". Known taxonomies: ${known.join(', ')}`, 2);
}

export function register(program: Command): void {
  const cmd = program
    .command('taxonomy')
    .description('Browse the taxonomies that statements and documents are labelled with.')
    .addHelpText(
      'after',
      '\nTaxonomies are versioned data files in taxonomies/*.json, validated when they are loaded.\n' +
        'Examples:\n' +
        '  govnav taxonomy list\n' +
        '  govnav taxonomy show mitigation-v2 --descriptions\n' +
        '  govnav taxonomy show risk-domain --lang zh',
    );

  cmd
    .command('list')
    .description('List every taxonomy: id, version, number of codes, depth, what it labels, and its name.')
    .option('--json', 'print a JSON array instead of a table')
    .addOption(new Option('--lang <lang>', 'language of the names').choices(['en', 'zh']).default('en'))
    .action(async (opts: { json?: boolean; lang: Lang }) => {
      const { taxonomies } = await import('../../taxonomy/index.ts');
      const registry = taxonomies();
      if (opts.json) {
        console.log(JSON.stringify(registry.list().map((t) => summarise(t, opts.lang)), null, 2));
        return;
      }
      const { table } = await import('../progress.ts');
      console.log(table(['id', 'version', 'nodes', 'levels', 'applies to', 'name'], listRows(registry, opts.lang)));
    });

  cmd
    .command('show')
    .description('Show one taxonomy as an indented tree of codes and names.')
    .argument('<id>', 'taxonomy id, as printed by `govnav taxonomy list` (e.g. mitigation-v2, risk-domain)')
    .addOption(new Option('--lang <lang>', 'language of names and descriptions').choices(['en', 'zh']).default('en'))
    .option('--descriptions', 'print each code\'s description under its name')
    .option('--json', 'print the validated taxonomy data (as in its file, defaults filled in)')
    .addHelpText(
      'after',
      '\nCodes marked "*" carry a name chosen by govnav because the source published none.\n' +
        'Special codes are marked: [other] catch-all, [excluded], [not coded], [unable to classify].',
    )
    .action(async (id: string, opts: { lang: Lang; descriptions?: boolean; json?: boolean }) => {
      const { taxonomies } = await import('../../taxonomy/index.ts');
      const registry = taxonomies();
      if (!registry.has(id)) throw await unknownTaxonomy(registry, id);
      const t = registry.get(id);
      if (opts.json) {
        console.log(JSON.stringify(t.data, null, 2));
        return;
      }
      console.log(renderTree(t, { lang: opts.lang, descriptions: opts.descriptions }));
    });
}
