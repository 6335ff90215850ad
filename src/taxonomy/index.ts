// Loading, validating and querying the taxonomy data files.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lang, StatementKind } from '../model/index.ts';
import { TaxonomySchema, type TaxonomyData, type TaxonomyNodeData } from './schema.ts';

export { TaxonomySchema, TaxonomyNodeSchema } from './schema.ts';
export type { TaxonomyData, TaxonomyNodeData } from './schema.ts';

export const DEFAULT_TAXONOMY_DIR = resolve(fileURLToPath(new URL('../../taxonomies', import.meta.url)));

export class TaxonomyError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly code?: string,
  ) {
    super(`${file}${code ? ` (code "${code}")` : ''}: ${message}`);
    this.name = 'TaxonomyError';
  }
}

export interface TaxonomyNode extends TaxonomyNodeData {
  taxonomy: string;
  /** Codes of the ancestors, root first. */
  path: string[];
  children: string[];
  ord: number;
}

export class Taxonomy {
  readonly nodes = new Map<string, TaxonomyNode>();
  readonly roots: string[] = [];
  private readonly aliasIndex = new Map<string, string>();

  constructor(
    readonly data: TaxonomyData,
    readonly file: string,
  ) {
    data.nodes.forEach((n, i) => {
      if (this.nodes.has(n.code)) throw new TaxonomyError(file, 'duplicate code', n.code);
      this.nodes.set(n.code, { ...n, taxonomy: data.id, path: [], children: [], ord: n.order ?? i });
    });
    for (const node of this.nodes.values()) {
      if (node.parent === null) {
        if (node.level !== 1) throw new TaxonomyError(file, `a root node must have level 1, not ${node.level}`, node.code);
        this.roots.push(node.code);
        continue;
      }
      const parent = this.nodes.get(node.parent);
      if (!parent) throw new TaxonomyError(file, `parent "${node.parent}" does not exist`, node.code);
      if (node.level !== parent.level + 1)
        throw new TaxonomyError(file, `level ${node.level} does not follow its parent's level ${parent.level}`, node.code);
      parent.children.push(node.code);
    }
    for (const node of this.nodes.values()) {
      const path: string[] = [];
      let p = node.parent;
      const seen = new Set<string>();
      while (p !== null) {
        if (seen.has(p)) throw new TaxonomyError(file, 'parent cycle', node.code);
        seen.add(p);
        path.unshift(p);
        p = this.nodes.get(p)!.parent;
      }
      node.path = path;
    }
    const byOrd = (a: string, b: string) => this.nodes.get(a)!.ord - this.nodes.get(b)!.ord;
    this.roots.sort(byOrd);
    for (const node of this.nodes.values()) node.children.sort(byOrd);
    if (data.abstainCode !== undefined) {
      const n = this.nodes.get(data.abstainCode);
      if (!n) throw new TaxonomyError(file, 'abstainCode is not a node of this taxonomy', data.abstainCode);
      if (n.special !== 'unable' && n.special !== 'other')
        throw new TaxonomyError(file, 'abstainCode must name a node marked special "unable" or "other"', data.abstainCode);
    }
    if (data.abstainCode === undefined && data.appliesTo.length > 0)
      throw new TaxonomyError(file, `taxonomy "${data.id}" labels statements (${data.appliesTo.join(', ')}) but has no abstainCode`);
    this.buildLabelIndex();
  }

  /**
   * The index behind resolve(). Priority: a code, then an explicit alias, then a name (English or
   * Chinese) that only one node carries. An alias may not name two nodes or another node's code;
   * a name shared by several nodes (e.g. "Other") resolves only where an alias claims it.
   */
  private buildLabelIndex(): void {
    const { file } = this;
    for (const node of this.nodes.values()) {
      const k = normaliseLabel(node.code);
      const prev = this.aliasIndex.get(k);
      if (prev !== undefined) throw new TaxonomyError(file, `code differs from code "${prev}" only in case or spacing`, node.code);
      this.aliasIndex.set(k, node.code);
    }
    for (const node of this.nodes.values()) {
      for (const alias of node.aliases) {
        const k = normaliseLabel(alias);
        if (!k) throw new TaxonomyError(file, 'empty alias', node.code);
        const prev = this.aliasIndex.get(k);
        if (prev !== undefined && prev !== node.code)
          throw new TaxonomyError(file, `alias "${alias}" also names "${prev}"`, node.code);
        this.aliasIndex.set(k, node.code);
      }
    }
    const byName = new Map<string, Set<string>>();
    for (const node of this.nodes.values()) {
      for (const name of [node.name.en, node.name.zh]) {
        if (!name) continue;
        const k = normaliseLabel(name);
        if (this.aliasIndex.has(k)) continue;
        if (!byName.has(k)) byName.set(k, new Set());
        byName.get(k)!.add(node.code);
      }
    }
    for (const [k, codes] of byName) if (codes.size === 1) this.aliasIndex.set(k, [...codes][0]);
  }

  get id(): string {
    return this.data.id;
  }
  get version(): string {
    return this.data.version;
  }
  /** The code stored when a classifier cannot decide (undefined for document-level taxonomies without one). */
  get abstainCode(): string | undefined {
    return this.data.abstainCode;
  }

  /** Whether `code` is one of the special codes (other, excluded, not-coded, unable) rather than a proper category. */
  isSpecial(code: string): boolean {
    return this.node(code).special !== undefined;
  }

  has(code: string): boolean {
    return this.nodes.has(code);
  }

  node(code: string): TaxonomyNode {
    const n = this.nodes.get(code);
    if (!n) throw new TaxonomyError(this.file, `unknown code in taxonomy "${this.id}"`, code);
    return n;
  }

  /** Nodes in display order (depth first). */
  ordered(): TaxonomyNode[] {
    const out: TaxonomyNode[] = [];
    const visit = (code: string) => {
      const n = this.nodes.get(code)!;
      out.push(n);
      n.children.forEach(visit);
    };
    this.roots.forEach(visit);
    return out;
  }

  /** Leaves and, where labelLevels is "any", every node: the codes a classifier may output. */
  assignableCodes(): string[] {
    return this.ordered()
      .filter((n) => this.data.labelLevels === 'any' || n.children.length === 0)
      .map((n) => n.code);
  }

  /** The proper categories (no special codes) at one level. */
  atLevel(level: number): TaxonomyNode[] {
    return this.ordered().filter((n) => n.level === level && !n.special);
  }

  /** The ancestor of `code` at `level` (or the node itself when it is at that level). */
  ancestorAt(code: string, level: number): string | undefined {
    const n = this.node(code);
    if (n.level === level) return n.code;
    if (n.level < level) return undefined;
    return n.path[level - 1];
  }

  /** Find a code from a published label: the code itself, "1.1 > Name", "2 - AI", a name, or an alias. */
  resolve(label: string): string | undefined {
    const raw = label.trim();
    if (!raw) return undefined;
    const direct = this.aliasIndex.get(normaliseLabel(raw));
    if (direct) return direct;
    const m = /^([A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*)\.?\s*(?:>|-|–|:|\s)\s*(.*)$/.exec(raw);
    if (m && this.nodes.has(m[1])) return m[1];
    return undefined;
  }

  name(code: string, lang: Lang = 'en'): string {
    const n = this.node(code);
    return (lang === 'zh' && n.name.zh) || n.name.en;
  }
}

function normaliseLabel(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u00a0]+/g, ' ')
    .replace(/\s*-\s*/g, '-')
    .trim();
}

export class TaxonomyRegistry {
  readonly byId = new Map<string, Taxonomy>();
  constructor(taxonomies: Taxonomy[]) {
    for (const t of taxonomies) {
      const prev = this.byId.get(t.id);
      if (prev) throw new TaxonomyError(t.file, `taxonomy id "${t.id}" is also used by ${prev.file}`);
      this.byId.set(t.id, t);
    }
  }
  get(id: string): Taxonomy {
    const t = this.byId.get(id);
    if (!t) throw new Error(`Unknown taxonomy "${id}". Known: ${[...this.byId.keys()].join(', ')}`);
    return t;
  }
  has(id: string): boolean {
    return this.byId.has(id);
  }
  list(): Taxonomy[] {
    return [...this.byId.values()];
  }
  /** Taxonomies that label statements of this kind. */
  forKind(kind: StatementKind): Taxonomy[] {
    return this.list().filter((t) => t.data.appliesTo.includes(kind));
  }
  /** Every taxonomy in display order (the files' `display.order`; taxonomies without one last, by id). */
  inDisplayOrder(): Taxonomy[] {
    const rank = (t: Taxonomy) => t.data.display?.order ?? Number.MAX_SAFE_INTEGER;
    return this.list().sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
  }
  /** Ids of the taxonomies that give statements of this kind their category, in display order. */
  primaryFor(kind: StatementKind): string[] {
    return this.inDisplayOrder()
      .filter((t) => t.data.display?.primaryFor.includes(kind))
      .map((t) => t.id);
  }
}

/** Parse and validate one taxonomy file's text. Errors name the file and, where there is one, the code. */
export function parseTaxonomy(text: string, file: string): Taxonomy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new TaxonomyError(file, `not valid JSON: ${(e as Error).message}`);
  }
  const parsed = TaxonomySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    let code: string | undefined;
    if (issue.path[0] === 'nodes' && typeof issue.path[1] === 'number') {
      const raw = (json as { nodes?: { code?: unknown }[] }).nodes?.[issue.path[1]]?.code;
      code = typeof raw === 'string' ? raw : `#${issue.path[1]}`;
    }
    throw new TaxonomyError(file, `${issue.path.join('.') || '(root)'}: ${issue.message}`, code);
  }
  return new Taxonomy(parsed.data, file);
}

export function loadTaxonomies(dir: string = DEFAULT_TAXONOMY_DIR): TaxonomyRegistry {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('_'))
    .sort();
  if (files.length === 0) throw new Error(`No taxonomy files (*.json) in ${dir}`);
  return new TaxonomyRegistry(files.map((f) => parseTaxonomy(readFileSync(join(dir, f), 'utf8'), join(dir, f))));
}

let cached: TaxonomyRegistry | undefined;
/** The taxonomies shipped with govnav (loaded once per process). */
export function taxonomies(): TaxonomyRegistry {
  cached ??= loadTaxonomies();
  return cached;
}
