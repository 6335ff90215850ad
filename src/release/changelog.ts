// What changed between two releases: statements added and removed, statements whose content
// changed, and current labels changed per taxonomy. Snapshots are small maps kept in the
// `releases` table so that every release can be compared with the one before it.
import type { TaxonomyRegistry } from '../taxonomy/index.ts';

export interface Snapshot {
  /** statement id → content hash */
  s: Record<string, string>;
  /** statement id → taxonomy → current code */
  l: Record<string, Record<string, string>>;
  /** statement id → short name (for readable changelogs) */
  n?: Record<string, string>;
}

export interface LabelChange {
  statement: string;
  taxonomy: string;
  from: string | null;
  to: string | null;
}

export interface ReleaseDiff {
  added: string[];
  removed: string[];
  changed: string[];
  labels: LabelChange[];
}

export function emptySnapshot(): Snapshot {
  return { s: {}, l: {}, n: {} };
}

/** Differences from `prev` to `next`. Labels are compared only for statements present in both. */
export function diffSnapshots(prev: Snapshot, next: Snapshot): ReleaseDiff {
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  const labels: LabelChange[] = [];
  for (const id of Object.keys(next.s).sort()) {
    if (!(id in prev.s)) {
      added.push(id);
      continue;
    }
    if (prev.s[id] !== next.s[id]) changed.push(id);
    const a = prev.l[id] ?? {};
    const b = next.l[id] ?? {};
    for (const tax of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      const from = a[tax] ?? null;
      const to = b[tax] ?? null;
      if (from !== to) labels.push({ statement: id, taxonomy: tax, from, to });
    }
  }
  for (const id of Object.keys(prev.s).sort()) if (!(id in next.s)) removed.push(id);
  return { added, removed, changed, labels };
}

const LIST_MAX = 2000;

function codeText(registry: TaxonomyRegistry, tax: string, code: string | null): string {
  if (code === null) return '(none)';
  const t = registry.has(tax) ? registry.get(tax) : undefined;
  const n = t?.nodes.get(code);
  return n ? `${code} ${n.name.en}` : code;
}

function mdCell(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
}

function name(snap: Snapshot, id: string): string {
  const n = snap.n?.[id];
  return n ? ` — ${mdCell(n.length > 100 ? n.slice(0, 99) + '…' : n)}` : '';
}

/** The CHANGELOG.md of a release. */
export function renderChangelog(opts: {
  version: string;
  date: string;
  previous: { version: string; date: string } | null;
  diff: ReleaseDiff;
  prev: Snapshot;
  next: Snapshot;
  registry: TaxonomyRegistry;
}): string {
  const { version, date, previous, diff, prev, next, registry } = opts;
  const out: string[] = [`# Changes in govnav data release ${version}`, '', `Released ${date}.`, ''];
  if (!previous) {
    out.push(
      'This is the first release: there is no earlier release to compare with.',
      '',
      `It contains ${Object.keys(next.s).length} statements.`,
      '',
    );
    return out.join('\n');
  }
  out.push(`Compared with release ${previous.version} (${previous.date}).`, '');
  const byTax = new Map<string, LabelChange[]>();
  for (const c of diff.labels) {
    if (!byTax.has(c.taxonomy)) byTax.set(c.taxonomy, []);
    byTax.get(c.taxonomy)!.push(c);
  }
  out.push('## Summary', '', '| Change | Count |', '| --- | ---: |');
  out.push(`| Statements added | ${diff.added.length} |`);
  out.push(`| Statements removed | ${diff.removed.length} |`);
  out.push(`| Statements whose content changed | ${diff.changed.length} |`);
  for (const [tax, list] of [...byTax].sort(([a], [b]) => a.localeCompare(b))) out.push(`| Labels changed: ${tax} | ${list.length} |`);
  out.push('');
  if (!diff.added.length && !diff.removed.length && !diff.changed.length && !diff.labels.length) {
    out.push('Nothing changed.', '');
    return out.join('\n');
  }
  const list = (title: string, ids: string[], snap: Snapshot) => {
    if (!ids.length) return;
    out.push(`## ${title} (${ids.length})`, '');
    for (const id of ids.slice(0, LIST_MAX)) out.push(`- ${id}${name(snap, id)}`);
    if (ids.length > LIST_MAX) out.push(`- … and ${ids.length - LIST_MAX} more (every change is in changes.jsonl)`);
    out.push('');
  };
  list('Statements added', diff.added, next);
  list('Statements removed', diff.removed, prev);
  list('Statements whose content changed', diff.changed, next);
  if (byTax.size) {
    out.push('## Labels changed, by taxonomy', '');
    for (const [tax, changes] of [...byTax].sort(([a], [b]) => a.localeCompare(b))) {
      const tname = registry.has(tax) ? registry.get(tax).data.name.en : tax;
      out.push(`### ${tax} — ${mdCell(tname)} (${changes.length})`, '', '| Statement | Before | After |', '| --- | --- | --- |');
      for (const c of changes.slice(0, LIST_MAX))
        out.push(`| ${c.statement} | ${mdCell(codeText(registry, tax, c.from))} | ${mdCell(codeText(registry, tax, c.to))} |`);
      if (changes.length > LIST_MAX) out.push(`| … | ${changes.length - LIST_MAX} more | see changes.jsonl |`);
      out.push('');
    }
  }
  return out.join('\n');
}
