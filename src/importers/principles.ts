// Principle sets in the AI Atlas Nexus YAML layout (principles_oecd.yaml, principles_australia.yaml,
// principles_ibm_trust.yaml): a `documents` list and an `entries` list of principles that point to
// their document through `hasDocumentation`. Each document becomes a govnav document of type
// 'principles'; each entry a statement of kind 'principle', linked to topics in the same transaction.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { DocumentInput, StatementInput } from '../model/index.ts';
import type { Db } from '../store/db.ts';
import { detectWorks } from '../store/works.ts';
import { upsertDataset, upsertDocument, upsertStatements, ValidationError, type UpsertStatus } from '../store/corpus.ts';
import type { Lexicon } from '../topics/lexicon.ts';
import { linkStatements, type LinkReport } from '../topics/link.ts';
import type { CompiledLexicon } from '../topics/match.ts';
import { hasCode } from '../util/errors.ts';

export const PRINCIPLES_DATASET = {
  id: 'ai-atlas-nexus-principles',
  version: 'AI Atlas Nexus a8af9d7 (2026-07-02)',
  licence: 'Apache-2.0',
  attribution: 'AI Atlas Nexus, Copyright IBM, Apache License 2.0',
  sourceUrl: 'https://github.com/IBM/ai-atlas-nexus',
};

const PACKAGING = 'Machine-readable copy from AI Atlas Nexus, Copyright IBM, Apache License 2.0.';

/**
 * What the YAML does not say about the documents we know: who published them, where, when, and
 * under which terms. The YAML's `dateCreated` of the Australian and IBM sets is the catalogue's
 * date (2024-10-11 for both), not the publication date, so the publication date is given here and
 * the catalogue date kept in the document's meta.
 */
const KNOWN: Record<
  string,
  { organisation: string; jurisdiction: string; date?: string; licence: string; attribution: string; dateNote?: string }
> = {
  'doc-oecd-ai-principles': {
    organisation: 'OECD',
    jurisdiction: 'International',
    licence: '© OECD',
    attribution: `OECD, Recommendation of the Council on Artificial Intelligence (OECD AI Principles), adopted 2019, revised 2024. ${PACKAGING}`,
    dateNote: 'adopted 2019-05-22; the text is the 2024 revision',
  },
  'doc-australia-ai-ethics-principles': {
    organisation: 'Australian Government, Department of Industry, Science and Resources',
    jurisdiction: 'Australia',
    date: '2019-11',
    licence: 'CC-BY-4.0',
    attribution: `Australia's AI Ethics Principles, © Commonwealth of Australia, CC BY 4.0. ${PACKAGING}`,
    dateNote: 'published November 2019; the dataset gives 2024-10-11 (its catalogue date)',
  },
  'doc-ibms-principles-for-trust-and-transparency': {
    organisation: 'IBM',
    jurisdiction: 'Global (company)',
    date: '2018-05',
    licence: 'Apache-2.0',
    attribution: `IBM's Principles for Trust and Transparency, © IBM. ${PACKAGING}`,
    dateNote: 'published May 2018; the dataset gives 2024-10-11 (its catalogue date)',
  },
};

const DateLike = z.union([z.string(), z.number(), z.date()]).transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v)));
const YamlDocument = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    description: z.string().optional(),
    url: z.string().optional(),
    dateCreated: DateLike.optional(),
    organisation: z.string().optional(),
    publisher: z.string().optional(),
    language: z.string().optional(),
  })
  .passthrough();
const YamlEntry = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    type: z.string().optional(),
    description: z.string().optional(),
    hasDocumentation: z.array(z.string()).optional(),
  })
  .passthrough();
/**
 * A principle set may name its own dataset (govnav's own compilations, e.g. principles/*.yaml);
 * without it the file belongs to the AI Atlas Nexus principle sets.
 */
const YamlDataset = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and hyphens'),
  version: z.union([z.string(), z.number()]).transform(String),
  licence: z.string().min(1),
  attribution: z.string().min(1),
  sourceUrl: z.string().optional(),
  title: z.string().optional(),
});
const YamlFile = z.object({ dataset: YamlDataset.optional(), documents: z.array(YamlDocument).min(1), entries: z.array(YamlEntry) }).passthrough();
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const strList = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length ? (v as string[]) : undefined);

/** True when the file looks like a principle set in the AI Atlas Nexus layout. */
export function detectPrinciplesYaml(path: string): boolean {
  if (!/\.ya?ml$/i.test(path)) return false;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (hasCode(e, 'ENOENT', 'EACCES', 'EISDIR')) return false; // unreadable: not this format (the import names the file)
    throw e;
  }
  if (!/^documents:/m.test(text) || !/^entries:/m.test(text)) return false;
  return /^\s*(?:-\s+)?type:\s*Principle\s*$/m.test(text);
}

export interface PrinciplesImportOptions {
  /** Do everything in a transaction and roll it back: the report says what would change. */
  dryRun?: boolean;
  /** Link the statements to topics (default true). */
  link?: boolean;
  lexicon?: Lexicon | CompiledLexicon;
  /** For documents govnav does not know: the publishing organisation, licence and attribution. */
  organisation?: string;
  licence?: string;
  attribution?: string;
}

export interface PrinciplesImportReport {
  file: string;
  dryRun: boolean;
  documents: { id: string; sourceKey: string; title: string; status: UpsertStatus; created: number; updated: number; unchanged: number; retired: number }[];
  skipped: { entry: string; reason: string }[];
  link?: LinkReport;
}

class DryRunRollback extends Error {}

function where(file: string, what: string): string {
  return `${basename(file)}: ${what}`;
}

function parseFile(path: string): z.output<typeof YamlFile> {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ValidationError(basename(path), '(file)', `not readable YAML: ${(e as Error).message}`);
  }
  const r = YamlFile.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const [list, idx] = i.path;
    const item = typeof idx === 'number' ? ((raw as Record<string, { id?: string }[]>)[list as string]?.[idx]?.id ?? `#${idx + 1}`) : undefined;
    const at = item ? `${list === 'entries' ? 'entry' : 'document'} "${item}"` : '(file)';
    throw new ValidationError(where(path, at), i.path.slice(2).map(String).join('.') || String(list ?? '(value)'), i.message);
  }
  return r.data;
}

function referenceOf(name: string): string | undefined {
  const paren = /\((Principle\s+[\d.]+)\)\s*$/i.exec(name);
  if (paren) return paren[1];
  const num = /^(\d+)\.\s/.exec(name);
  return num ? `Principle ${num[1]}` : undefined;
}

type YamlData = z.output<typeof YamlFile>;
type PrincipleDataset = { id: string; version: string; licence: string; attribution: string; sourceUrl?: string; meta?: Record<string, unknown> };

/** Import one principles YAML file into the store (one transaction). */
export async function importPrinciplesYaml(store: { db: Db }, path: string, opts: PrinciplesImportOptions = {}): Promise<PrinciplesImportReport> {
  const data = parseFile(path);
  const report: PrinciplesImportReport = { file: path, dryRun: !!opts.dryRun, documents: [], skipped: [] };
  const perDoc = entriesByDocument(path, data, report);
  const own = data.dataset;
  const dataset: PrincipleDataset = own
    ? { id: own.id, version: own.version, licence: own.licence, attribution: own.attribution, sourceUrl: own.sourceUrl, meta: own.title ? { title: own.title } : undefined }
    : PRINCIPLES_DATASET;
  const run = async (db: Db) => {
    await upsertDataset(db, dataset);
    const linkIds: string[] = [];
    for (const d of data.documents) {
      const doc = principleDocument(path, d, dataset, own !== undefined, opts);
      const { id, status } = await upsertDocument(db, doc, where(path, 'document'));
      const statements = principleStatements(perDoc.get(d.id) ?? [], d.language ?? 'en');
      const r = await upsertStatements(db, id, statements, { retireMissing: true, where: where(path, `document "${d.id}"`) });
      linkIds.push(...r.ids.values());
      report.documents.push({ id, sourceKey: d.id, title: d.name, status, created: r.created, updated: r.updated, unchanged: r.unchanged, retired: r.retired });
    }
    if (opts.link !== false) report.link = await linkStatements(db, linkIds, { lexicon: opts.lexicon });
    // One work, one document: a principle set already in the store through another source joins its work.
    await detectWorks(db, { documentIds: report.documents.map((d) => d.id) });
  };
  try {
    await store.db.transaction(async (tx) => {
      await run(tx);
      if (opts.dryRun) throw new DryRunRollback();
    });
  } catch (e) {
    if (!(e instanceof DryRunRollback)) throw e;
  }
  return report;
}

/** The principle entries of each document (by document id); other entries are reported as skipped. */
function entriesByDocument(path: string, data: YamlData, report: PrinciplesImportReport): Map<string, z.output<typeof YamlEntry>[]> {
  const docIds = new Set(data.documents.map((d) => d.id));
  const perDoc = new Map<string, z.output<typeof YamlEntry>[]>();
  for (const e of data.entries) {
    if (e.type && e.type.toLowerCase() !== 'principle') {
      report.skipped.push({ entry: e.id, reason: `type "${e.type}" is not Principle` });
      continue;
    }
    const docs = e.hasDocumentation ?? (data.documents.length === 1 ? [data.documents[0]!.id] : []);
    if (!docs.length) throw new ValidationError(where(path, `entry "${e.id}"`), 'hasDocumentation', 'missing, and the file has several documents');
    const doc = docs.find((d) => docIds.has(d));
    if (!doc) throw new ValidationError(where(path, `entry "${e.id}"`), 'hasDocumentation', `names no document of this file (${docs.join(', ')})`);
    if (!(e.description ?? '').trim() && !e.name.trim()) {
      report.skipped.push({ entry: e.id, reason: 'no name and no text' });
      continue;
    }
    const list = perDoc.get(doc);
    if (list) list.push(e);
    else perDoc.set(doc, [e]);
  }
  return perDoc;
}

/** A document of the file, with what govnav knows of it (for the AI Atlas Nexus copies), the file's own fields, or the options. */
function principleDocument(path: string, d: YamlData['documents'][number], dataset: PrincipleDataset, ownDataset: boolean, opts: PrinciplesImportOptions): DocumentInput {
  const known = ownDataset ? undefined : KNOWN[d.id];
  const extra = d as Record<string, unknown>;
  // The packaging note belongs to the AI Atlas Nexus copies only.
  const packaging = ownDataset ? '' : ` ${PACKAGING}`;
  const organisation = known?.organisation ?? opts.organisation ?? d.organisation ?? d.publisher;
  const date = known?.date ?? str(extra.date) ?? d.dateCreated;
  const year = date && /^\d{4}/.test(date) ? Number(date.slice(0, 4)) : undefined;
  return {
    sourceKey: d.id,
    title: d.name,
    organisation,
    date,
    year,
    docType: 'principles',
    jurisdiction: known?.jurisdiction ?? str(extra.jurisdiction),
    language: d.language ?? 'en',
    url: d.url,
    abstract: d.description?.trim() || undefined,
    provenance: {
      dataset: dataset.id,
      datasetVersion: dataset.version,
      licence: known?.licence ?? str(extra.licence) ?? opts.licence ?? (ownDataset ? dataset.licence : undefined) ?? 'unspecified (see the source)',
      attribution:
        known?.attribution ?? str(extra.attribution) ?? opts.attribution ?? `${d.name}${organisation ? `, ${organisation}` : ''}${d.url ? `, ${d.url}` : ''}.${packaging}`,
      sourceUrl: dataset.sourceUrl ?? d.url,
    },
    meta: {
      sourceFile: basename(path),
      ...(d.dateCreated ? { datasetDate: d.dateCreated } : {}),
      ...(known?.dateNote ? { dateNote: known.dateNote } : {}),
      ...(strList(extra.verifiedAgainst) ? { verifiedAgainst: strList(extra.verifiedAgainst) } : {}),
      ...(str(extra.note) ? { note: str(extra.note) } : {}),
    },
  };
}

function principleStatements(entries: z.output<typeof YamlEntry>[], language: string): StatementInput[] {
  return entries.map((e, i) => ({
    sourceKey: e.id,
    kind: 'principle',
    ord: i,
    name: e.name.trim(),
    text: (e.description ?? '').trim(),
    locator: referenceOf(e.name) ? { ref: referenceOf(e.name) } : {},
    language,
    meta: { sourceId: e.id, ...(e.type ? { type: e.type } : {}) },
  }));
}
