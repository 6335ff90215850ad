// Citable data releases: `govnav release <version>` writes a bundle govnav-<version>/ with one CSV
// and one JSON Lines file per table, a manifest with counts and SHA-256 checksums, CITATION.cff, a
// licence register per source dataset and a changelog against the previous release. Each
// release's snapshot (statement → content hash and current labels) is kept in the `releases` table.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify as yamlStringify } from 'yaml';
import { govnavVersion } from '../export/index.ts';
import { z } from 'zod';
import type { Db } from '../store/db.ts';
import type { Store } from '../store/index.ts';
import { int, nullable, queryRow, queryRows, row, text } from '../store/schema/columns.ts';
import { datasets, releases } from '../store/schema/tables.ts';
import { diffSnapshots, emptySnapshot, renderChangelog, type ReleaseDiff, type Snapshot } from './changelog.ts';
import { dumpTable, type DumpSpec } from './dump.ts';

export { diffSnapshots, renderChangelog, type Snapshot, type ReleaseDiff, type LabelChange } from './changelog.ts';

export class ReleaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleaseError';
  }
}

export const VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
  rows?: number;
}

export interface Manifest {
  name: string;
  version: string;
  date: string;
  createdAt: string;
  govnavVersion: string;
  engine: string;
  baseUrl: string | null;
  previousRelease: string | null;
  counts: Record<string, number>;
  changes: { added: number; removed: number; changed: number; labels: Record<string, number> } | null;
  datasets: { id: string; version: string; licence: string; attribution: string; sourceUrl: string | null }[];
  files: ManifestFile[];
}

export interface ReleaseOptions {
  version: string;
  /** Directory that receives govnav-<version>/ (default: current directory). */
  outDir?: string;
  baseUrl?: string;
  now?: Date;
  onProgress?: (stage: string, rows: number) => void;
}

export interface ReleaseResult {
  dir: string;
  manifest: Manifest;
  diff: ReleaseDiff | null;
}

/** A source dataset present in the release, with what it contributes. */
const DatasetRowSchema = datasets.row
  .pick({ id: true, version: true, licence: true, attribution: true, source_url: true })
  .extend(row({ documents: int(), statements: int() }).shape);
type DatasetRow = z.infer<typeof DatasetRowSchema>;

/** A release's stored snapshot; one that does not fit is ignored (no changelog against it). */
const SnapshotSchema = z.object({
  s: z.record(z.string(), z.string()),
  l: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  n: z.record(z.string(), z.string()).optional(),
});

async function tableExists(store: Store, name: string): Promise<boolean> {
  const r = await queryRow(store.db, row({ t: nullable(text()) }), `SELECT to_regclass($1)::text AS t`, [name], 'table lookup');
  return !!r?.t;
}

async function columnsOf(store: Store, table: string): Promise<string[]> {
  const rows = await queryRows(
    store.db,
    row({ column_name: text() }),
    `SELECT column_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position`,
    [table],
    `columns of ${table}`,
  );
  return rows.map((r) => r.column_name).filter((c) => c !== 'search_vector' && c !== 'embedding');
}

export async function listReleases(store: Store): Promise<{ version: string; created_at: Date; path: string | null }[]> {
  return queryRows(
    store.db,
    releases.row.pick({ version: true, created_at: true, path: true }),
    `SELECT version, created_at, path FROM releases ORDER BY created_at, version`,
    [],
    'releases',
  );
}

/** Refuse an invalid version, or one released before. */
async function checkNewVersion(db: Db, version: string): Promise<void> {
  if (!VERSION_PATTERN.test(version))
    throw new ReleaseError(`Release version "${version}" is not valid: use letters, digits, ".", "-", "_" or "+" (e.g. 2026.1 or 1.0.0).`);
  const existing = await queryRow(
    db,
    releases.row.pick({ created_at: true, path: true }),
    `SELECT created_at, path FROM releases WHERE version = $1`,
    [version],
    'existing release',
  );
  if (existing)
    throw new ReleaseError(
      `Release ${version} already exists (made ${existing.created_at.toISOString().slice(0, 10)}${existing.path ? ` at ${existing.path}` : ''}). ` +
        'Release versions are never reused: choose a new version number.',
    );
}

type Dump = (spec: DumpSpec, onBatch?: (rows: Record<string, unknown>[]) => void) => Promise<number>;

/** A table dumper into `dir`/data that reports progress and keeps each file's row count in `rowsOf`. */
function dumper(db: Db, dir: string, rowsOf: Record<string, number>, progress: (stage: string, rows: number) => void): Dump {
  return async (spec, onBatch) => {
    progress(spec.name, 0);
    let n = 0;
    const rows = await dumpTable(db, join(dir, 'data'), spec, {
      onBatch: (b) => {
        onBatch?.(b);
        n += b.length;
        progress(spec.name, n);
      },
    });
    rowsOf[`data/${spec.name}.csv`] = rows;
    rowsOf[`data/${spec.name}.jsonl`] = rows;
    return rows;
  };
}

/** Datasets, documents and statements (the statements' content hashes and names go into the snapshot). */
async function dumpCorpus(dump: Dump, snap: Snapshot, counts: Record<string, number>): Promise<void> {
  counts.datasets = await dump({
    name: 'datasets',
    select: `SELECT id, version, licence, attribution, source_url, imported_at FROM datasets`,
    key: 'id',
    columns: ['id', 'version', 'licence', 'attribution', 'source_url', 'imported_at'],
  });
  counts.documents = await dump({
    name: 'documents',
    select: `SELECT id, dataset, source_key, title, authors, organisation, date, year, doc_type, jurisdiction, language,
                    legislative_status, url, doi, abstract, item_type, dataset_version, licence, attribution, source_url, content_hash
             FROM documents WHERE retired_at IS NULL`,
    hasWhere: true,
    key: 'id',
    columns: ['id', 'dataset', 'source_key', 'title', 'authors', 'organisation', 'date', 'year', 'doc_type', 'jurisdiction', 'language',
      'legislative_status', 'url', 'doi', 'abstract', 'item_type', 'dataset_version', 'licence', 'attribution', 'source_url', 'content_hash'],
  });
  counts.statements = await dump(
    {
      name: 'statements',
      select: `SELECT s.id, s.document_id, s.source_key, s.kind, s.parent_id, s.ord, s.name, s.text, s.heading_path, s.page, s.page_end,
                      s.char_start, s.char_end, s.locator_ref, s.language, s.content_hash
               FROM statements s JOIN documents d ON d.id = s.document_id WHERE s.retired_at IS NULL AND d.retired_at IS NULL`,
      hasWhere: true,
      key: 's.id',
      columns: ['id', 'document_id', 'source_key', 'kind', 'parent_id', 'ord', 'name', 'text', 'heading_path', 'page', 'page_end',
        'char_start', 'char_end', 'locator_ref', 'language', 'content_hash'],
    },
    (rows) => {
      for (const r of rows) {
        snap.s[r.id as string] = r.content_hash as string;
        const nm = ((r.name as string) || (r.text as string) || '').slice(0, 100);
        if (nm) snap.n![r.id as string] = nm;
      }
    },
  );
}

const CLASS_COLS = ['id', 'statement_id', 'taxonomy', 'taxonomy_version', 'code', 'name', 'secondary', 'source', 'human', 'model',
  'model_version', 'prompt_version', 'reasoning', 'confidence', 'review_status', 'reviewer', 'reviewed_at', 'source_value', 'run_id',
  'is_current', 'created_at'];
const classSelect = (current: boolean) => `SELECT c.id::float8 AS id, c.statement_id, c.taxonomy, c.taxonomy_version, c.code, n.name_en AS name,
    c.secondary, c.source, c.human, c.model, c.model_version, c.prompt_version, c.reasoning, c.confidence, c.review_status,
    c.reviewer, c.reviewed_at, c.source_value, c.run_id, c.is_current, c.created_at
  FROM classifications c JOIN statements s ON s.id = c.statement_id JOIN documents d ON d.id = s.document_id
  LEFT JOIN taxonomy_nodes n ON n.taxonomy = c.taxonomy AND n.code = c.code
  WHERE s.retired_at IS NULL AND d.retired_at IS NULL${current ? ' AND c.is_current' : ''}`;

/** Labels (current ones go into the snapshot), taxonomy nodes, and the topic tables when present. */
async function dumpLabelsAndTopics(store: Store, dump: Dump, snap: Snapshot, counts: Record<string, number>): Promise<void> {
  counts.classificationsCurrent = await dump(
    { name: 'classifications-current', select: classSelect(true), hasWhere: true, key: 'c.id', keyType: 'bigint', columns: CLASS_COLS },
    (rows) => {
      for (const r of rows) (snap.l[r.statement_id as string] ??= {})[r.taxonomy as string] = r.code as string;
    },
  );
  counts.classificationsAll = await dump({ name: 'classifications-all', select: classSelect(false), hasWhere: true, key: 'c.id', keyType: 'bigint', columns: CLASS_COLS });
  counts.taxonomyNodes = await dump({
    name: 'taxonomy-nodes',
    select: `SELECT taxonomy, code, version, parent, level, ord, name_en, name_zh, description_en, description_zh, special, project_label
             FROM taxonomy_nodes WHERE NOT retired`,
    key: { offset: true },
    columns: ['taxonomy', 'code', 'version', 'parent', 'level', 'ord', 'name_en', 'name_zh', 'description_en', 'description_zh', 'special', 'project_label'],
  });
  for (const t of ['topics', 'statement_topics']) {
    if (!(await tableExists(store, t))) continue;
    const cols = await columnsOf(store, t);
    if (!cols.length) continue;
    counts[t === 'topics' ? 'topics' : 'statementTopics'] = await dump({
      name: t.replace('_', '-'),
      select: `SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM ${t}`,
      key: { offset: true },
      columns: cols,
    });
  }
}

/** Datasets actually present, for the licence register and the citation. */
async function datasetsPresent(db: Db): Promise<DatasetRow[]> {
  return queryRows(
    db,
    DatasetRowSchema,
    `SELECT x.dataset AS id, coalesce(ds.version, x.version) AS version, coalesce(ds.licence, x.licence) AS licence,
            coalesce(ds.attribution, x.attribution) AS attribution, coalesce(ds.source_url, x.source_url) AS source_url,
            x.documents, x.statements
     FROM (SELECT d.dataset, max(d.dataset_version) AS version, max(d.licence) AS licence, max(d.attribution) AS attribution,
                  max(d.source_url) AS source_url, count(DISTINCT d.id)::int AS documents, count(s.id)::int AS statements
           FROM documents d LEFT JOIN statements s ON s.document_id = d.id AND s.retired_at IS NULL
           WHERE d.retired_at IS NULL GROUP BY d.dataset) x
     LEFT JOIN datasets ds ON ds.id = x.dataset ORDER BY x.dataset`,
    [],
    'release datasets',
  );
}

/** The latest release before this one, and its snapshot when it is usable. */
async function previousRelease(db: Db): Promise<{ previous: { version: string; date: string } | null; prev: Snapshot | null }> {
  const r = await queryRow(
    db,
    releases.row.pick({ version: true, created_at: true }).extend({ snapshot: z.union([z.string(), z.unknown()]) }),
    `SELECT version, created_at, snapshot FROM releases ORDER BY created_at DESC, version DESC LIMIT 1`,
    [],
    'previous release',
  );
  if (!r) return { previous: null, prev: null };
  const raw: unknown = typeof r.snapshot === 'string' ? JSON.parse(r.snapshot) : r.snapshot;
  const parsed = SnapshotSchema.safeParse(raw);
  return { previous: { version: r.version, date: r.created_at.toISOString().slice(0, 10) }, prev: parsed.success ? parsed.data : null };
}

/** CHANGELOG.md, and changes.jsonl when there is a previous release to compare with. */
function writeChangelog(dir: string, o: { version: string; date: string; previous: { version: string; date: string } | null; prev: Snapshot | null; diff: ReleaseDiff | null; snap: Snapshot; store: Store }): void {
  const { diff, prev } = o;
  writeFileSync(
    join(dir, 'CHANGELOG.md'),
    renderChangelog({ version: o.version, date: o.date, previous: prev ? o.previous : null, diff: diff ?? { added: [], removed: [], changed: [], labels: [] }, prev: prev ?? emptySnapshot(), next: o.snap, registry: o.store.taxonomies }),
  );
  if (!diff) return;
  const lines = [
    ...diff.added.map((id) => ({ change: 'added', statement: id })),
    ...diff.removed.map((id) => ({ change: 'removed', statement: id })),
    ...diff.changed.map((id) => ({ change: 'content', statement: id })),
    ...diff.labels.map((l) => ({ change: 'label', ...l })),
  ];
  writeFileSync(join(dir, 'changes.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + (lines.length ? '\n' : ''));
}

/** Checksums of every file (SHA256SUMS), then the manifest (which is not in its own list). */
async function writeManifest(
  dir: string,
  o: { name: string; version: string; date: string; now: Date; engine: string; baseUrl?: string; previous: { version: string } | null; counts: Record<string, number>; diff: ReleaseDiff | null; datasets: DatasetRow[]; rowsOf: Record<string, number> },
): Promise<Manifest> {
  const files: ManifestFile[] = [];
  for (const rel of listFiles(dir)) {
    const abs = join(dir, rel);
    files.push({ path: rel, bytes: statSync(abs).size, sha256: await sha256File(abs), ...(o.rowsOf[rel] !== undefined ? { rows: o.rowsOf[rel] } : {}) });
  }
  writeFileSync(join(dir, 'SHA256SUMS'), files.map((f) => `${f.sha256}  ${f.path}`).join('\n') + '\n');
  const { diff } = o;
  const labelCounts: Record<string, number> = {};
  for (const l of diff?.labels ?? []) labelCounts[l.taxonomy] = (labelCounts[l.taxonomy] ?? 0) + 1;
  const manifest: Manifest = {
    name: o.name,
    version: o.version,
    date: o.date,
    createdAt: o.now.toISOString(),
    govnavVersion: govnavVersion(),
    engine: o.engine,
    baseUrl: o.baseUrl ?? null,
    previousRelease: o.previous?.version ?? null,
    counts: o.counts,
    changes: diff ? { added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length, labels: labelCounts } : null,
    datasets: o.datasets.map((d) => ({ id: d.id, version: d.version, licence: d.licence, attribution: d.attribution, sourceUrl: d.source_url })),
    files,
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

/** Record the release (its manifest and snapshot); the bundle is removed again when that fails. */
async function recordRelease(db: Db, o: { version: string; now: Date; manifest: Manifest; snap: Snapshot; dir: string }): Promise<void> {
  try {
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO releases (version, created_at, manifest, snapshot, path) VALUES ($1, $2, $3, $4, $5)`, [
        o.version,
        o.now,
        JSON.stringify(o.manifest),
        JSON.stringify(o.snap),
        o.dir,
      ]);
    });
  } catch (e) {
    rmSync(o.dir, { recursive: true, force: true });
    if (/duplicate key|unique/i.test((e as Error).message)) throw new ReleaseError(`Release ${o.version} was made by another process just now; choose a new version number.`);
    throw e;
  }
}

/** Make a release bundle. Fails with a clear error if the version was released before. */
export async function makeRelease(store: Store, opts: ReleaseOptions): Promise<ReleaseResult> {
  const { version } = opts;
  const db = store.db;
  await checkNewVersion(db, version);
  const outDir = resolve(opts.outDir ?? '.');
  const name = `govnav-${version}`;
  const finalDir = join(outDir, name);
  if (existsSync(finalDir)) throw new ReleaseError(`${finalDir} already exists; remove it or choose another --out directory.`);
  const now = opts.now ?? new Date();
  const date = now.toISOString().slice(0, 10);
  const tmp = join(outDir, `.${name}.partial-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'data'), { recursive: true });

  try {
    const snap = emptySnapshot();
    const counts: Record<string, number> = {};
    const rowsOf: Record<string, number> = {};
    const dump = dumper(db, tmp, rowsOf, opts.onProgress ?? (() => {}));
    await dumpCorpus(dump, snap, counts);
    await dumpLabelsAndTopics(store, dump, snap, counts);
    const datasets = await datasetsPresent(db);

    // Compare with the previous release.
    const { previous, prev } = await previousRelease(db);
    const diff = prev ? diffSnapshots(prev, snap) : null;
    writeChangelog(tmp, { version, date, previous, prev, diff, snap, store });
    writeFileSync(join(tmp, 'CITATION.cff'), renderCitation({ version, date, baseUrl: opts.baseUrl, datasets, counts }));
    writeFileSync(join(tmp, 'LICENSES.md'), renderLicences({ version, datasets, store }));
    writeFileSync(join(tmp, 'README.md'), renderReadme({ version, date, counts, hasTopics: 'topics' in counts }));
    const manifest = await writeManifest(tmp, { name, version, date, now, engine: db.kind, baseUrl: opts.baseUrl, previous, counts, diff, datasets, rowsOf });

    renameSync(tmp, finalDir);
    await recordRelease(db, { version, now, manifest, snap, dir: finalDir });
    return { dir: finalDir, manifest, diff };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    const abs = join(dir, f);
    const rel = prefix ? `${prefix}/${f}` : f;
    if (statSync(abs).isDirectory()) out.push(...listFiles(abs, rel));
    else out.push(rel);
  }
  return out;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

// SPDX identifiers CFF accepts that our sources use; other licence texts go to LICENSES.md only.
const SPDX = new Set(['CC-BY-4.0', 'CC-BY-SA-4.0', 'CC0-1.0', 'CC-BY-NC-4.0', 'CC-BY-3.0', 'MIT', 'Apache-2.0', 'ODbL-1.0', 'ODC-By-1.0', 'PDDL-1.0', 'BSD-3-Clause']);

function renderCitation(o: { version: string; date: string; baseUrl?: string; datasets: DatasetRow[]; counts: Record<string, number> }): string {
  const licences = [...new Set(o.datasets.map((d) => d.licence))].filter((l) => SPDX.has(l));
  const cff: Record<string, unknown> = {
    'cff-version': '1.2.0',
    message:
      'If you use this data release, please cite it as below. The statements are quoted from the source documents; ' +
      'please also cite the source datasets listed under references and respect their licences (see LICENSES.md).',
    type: 'dataset',
    title: `govnav data release ${o.version}: AI risk mitigations, principles and risks in governance documents`,
    version: o.version,
    'date-released': o.date,
    authors: [{ name: 'govnav contributors' }],
    abstract:
      `A snapshot of the govnav corpus: ${o.counts.documents ?? 0} documents, ${o.counts.statements ?? 0} statements and ` +
      `${o.counts.classificationsCurrent ?? 0} current labels on published taxonomies, with the provenance of every label.`,
    keywords: ['AI governance', 'AI risk', 'risk mitigation', 'taxonomy', 'dataset'],
    ...(o.baseUrl ? { url: o.baseUrl } : {}),
    ...(licences.length === 1 ? { license: licences[0] } : licences.length > 1 ? { license: licences } : {}),
    ...(o.datasets.length
      ? {
          references: o.datasets.map((d) => ({
            type: 'dataset',
            title: d.id,
            authors: [{ name: d.attribution }],
            version: d.version,
            ...(SPDX.has(d.licence) ? { license: d.licence } : {}),
            ...(d.source_url ? { url: d.source_url } : {}),
            notes: `Licence: ${d.licence}. ${d.documents} documents, ${d.statements} statements in this release.`,
          })),
        }
      : {}),
  };
  return yamlStringify(cff, { lineWidth: 0 });
}

function renderLicences(o: { version: string; datasets: DatasetRow[]; store: Store }): string {
  const lines = [
    `# Licences of govnav data release ${o.version}`,
    '',
    'Each source dataset keeps its own licence. Whoever redistributes or reuses rows from this release must',
    'follow the licence of the dataset each row comes from (the `dataset` column of documents.csv) and show its attribution.',
    '',
    '## Source datasets',
    '',
    '| Dataset | Version | Licence | Documents | Statements | Source |',
    '| --- | --- | --- | ---: | ---: | --- |',
    ...o.datasets.map((d) => `| ${d.id} | ${cell(d.version)} | ${cell(d.licence)} | ${d.documents} | ${d.statements} | ${d.source_url ?? ''} |`),
    '',
  ];
  for (const d of o.datasets) lines.push(`### ${d.id}`, '', `- Licence: ${d.licence}`, `- Required attribution: ${d.attribution}`, ...(d.source_url ? [`- Source: ${d.source_url}`] : []), '');
  lines.push('## Taxonomies', '', 'The codes and names of the taxonomies are facts taken from these publications:', '');
  for (const t of o.store.taxonomies.list()) lines.push(`- ${t.id} (version ${t.version}): ${t.data.source.citation}${t.data.source.url ? ` <${t.data.source.url}>` : ''}`);
  lines.push(
    '',
    '## Labels made by govnav',
    '',
    'Labels with source `llm` or `embedded` were made by machines through govnav; their provenance (model, prompt version,',
    'confidence, review state) is in classifications-*.csv. They carry no licence restriction beyond those of the',
    'statements they describe.',
    '',
    'Labels with source `annotation` are the govnav project annotation (dataset govnav-annotations, labels under',
    'CC BY 4.0): each was decided by reading the text against govnav\'s written annotation guidelines, with a reason.',
    'They are neither the source datasets\' own coding nor reviewed by a person.',
    '',
  );
  return lines.join('\n');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function renderReadme(o: { version: string; date: string; counts: Record<string, number>; hasTopics: boolean }): string {
  return [
    `# govnav data release ${o.version} (${o.date})`,
    '',
    'Files (each table as CSV and as JSON Lines, same columns):',
    '',
    `- data/documents.*: ${o.counts.documents} documents with their dataset, licence and attribution`,
    `- data/statements.*: ${o.counts.statements} statements (mitigations, principles, risks) with their locators`,
    `- data/classifications-current.*: ${o.counts.classificationsCurrent} current labels (one per statement and taxonomy)`,
    `- data/classifications-all.*: ${o.counts.classificationsAll} labels including superseded and rejected ones`,
    `- data/taxonomy-nodes.*: ${o.counts.taxonomyNodes} taxonomy codes with English and Chinese names`,
    `- data/datasets.*: the source datasets`,
    ...(o.hasTopics ? ['- data/topics.*, data/statement-topics.*: topics and their links to statements'] : []),
    '- manifest.json: counts, SHA-256 of every file, engine, govnav version',
    '- SHA256SUMS: the same checksums for `sha256sum -c SHA256SUMS`',
    '- CITATION.cff: how to cite this release; LICENSES.md: the licence of every source',
    '- CHANGELOG.md (and changes.jsonl): what changed since the previous release',
    '',
    'In CSV files, empty cells are nulls and list values (heading_path, secondary) are JSON arrays.',
    '',
  ].join('\n');
}
