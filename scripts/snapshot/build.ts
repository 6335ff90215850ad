// `npm run snapshot`: build the open snapshot that an empty data directory gets on first start.
//
// From the published files under ../shared (never copied into the repository), in a fresh in-memory
// store: every public dataset through its importer, the principle sets, the real governance
// documents of ../shared/corpus whose licence allows redistribution (ingested, then put in their own
// dataset), the project's annotation set; then every statement classified with the embedded
// classifier and linked to topics. The rows are written to snapshot/govnav-snapshot.json.gz
// (deterministic: the same inputs and code give the same bytes) with snapshot/MANIFEST.json.
//
//   node --import tsx scripts/snapshot/build.ts [--out snapshot] [--shared ../shared] [--small]
//
// --small builds a quick development snapshot (two datasets, one principle set, one document).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CORPUS, CORPUS_DATASET, SKIPPED } from './corpus.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: join(ROOT, 'snapshot') },
    shared: { type: 'string', default: resolve(ROOT, '../shared') },
    small: { type: 'boolean', default: false },
    time: { type: 'string' },
  },
});

// Models and lexicon extensions go to a private data directory, never the user's.
const work = mkdtempSync(join(tmpdir(), 'govnav-snapshot-'));
process.env.GOVNAV_DATA_DIR = work;
process.env.GOVNAV_CONFIG = '';
delete process.env.DATABASE_URL;
process.env.GOVNAV_QUIET = '1';

const log = (s: string) => process.stderr.write(`${s}\n`);
const sha = async (p: string) => (await import('../../src/store/snapshot.ts')).sha256(readFileSync(p));

function git(...a: string[]): string | undefined {
  try {
    return execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

interface ManifestDataset {
  id: string;
  title: string;
  version: string;
  licence: string;
  attribution: string;
  home?: string;
  documents: number;
  statements: number;
  sources: { file: string; sha256: string; bytes: number }[];
  notes?: string;
}

async function main() {
  const shared = resolve(args.shared!);
  if (!existsSync(join(shared, 'data'))) throw new Error(`${shared}/data not found: pass --shared <folder with data/ and corpus/>`);
  const { loadConfig } = await import('../../src/config.ts');
  const { openStore } = await import('../../src/store/index.ts');
  const { DATASETS } = await import('../../src/importers/datasets.ts');
  const { importPath } = await import('../../src/importers/index.ts');
  const { importPrinciplesYaml } = await import('../../src/importers/principles.ts');
  const { prepare, writePrepared } = await import('../../src/ingest/index.ts');
  const { dumpSnapshot, encodeSnapshot, snapshotCounts, sha256 } = await import('../../src/store/snapshot.ts');

  const config = loadConfig();
  const store = await openStore({ config, memory: true });
  const manifest: ManifestDataset[] = [];
  const sourcesOf = new Map<string, ManifestDataset['sources']>();
  const addSource = async (dataset: string, path: string) => {
    const list = sourcesOf.get(dataset) ?? [];
    list.push({ file: relative(shared, path), sha256: await sha(path), bytes: statSync(path).size });
    sourcesOf.set(dataset, list);
  };
  try {
    // 1. The public datasets, each through its importer.
    const datasets = args.small ? DATASETS.filter((d) => ['mitre-atlas', 'finos-aigf'].includes(d.name)) : DATASETS;
    for (const d of datasets) {
      const dir = join(shared, 'data', d.mirrorDir);
      if (!existsSync(dir)) throw new Error(`${dir}: missing (dataset ${d.name})`);
      const present = d.files.filter((f) => existsSync(join(dir, f.name)));
      let path: string;
      if (present.length === 1) path = join(dir, present[0]!.name);
      else if (present.length > 1) path = dir;
      else {
        // No downloadable file (e.g. FINOS: a JSON conversion of the published site).
        const json = readdirSync(dir).find((f) => f.endsWith('.json'));
        if (!json) throw new Error(`${dir}: no file to import for ${d.name}`);
        path = join(dir, json);
      }
      log(`import ${d.name} from ${relative(shared, path)} …`);
      await importPath(store, path, { format: d.format, skipInvalid: true, link: false });
      for (const f of present.length ? present.map((f) => join(dir, f.name)) : [path]) await addSource(d.name, f);
    }

    // 2. The principle sets.
    const pdir = join(shared, 'data', 'ibm-ai-atlas-nexus');
    const pfiles = readdirSync(pdir).filter((f) => /^principles_.*\.yaml$/.test(f)).sort();
    for (const f of args.small ? pfiles.slice(0, 1) : pfiles) {
      log(`principles ${f} …`);
      await importPrinciplesYaml(store, join(pdir, f), { link: false });
    }
    const { PRINCIPLES_DATASET } = await import('../../src/importers/principles.ts');
    for (const f of args.small ? pfiles.slice(0, 1) : pfiles) await addSource(PRINCIPLES_DATASET.id, join(pdir, f));

    // 2b. The principle sets compiled by govnav (principles/*.yaml in this repository: Chinese
    // principles of several state organs; origin, licence basis and checksum in principles/SOURCE.md).
    const own = join(ROOT, 'principles');
    const ownFiles = existsSync(own) ? readdirSync(own).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
    for (const f of args.small ? [] : ownFiles) {
      log(`principles ${f} (govnav) …`);
      const r = await importPrinciplesYaml(store, join(own, f), { link: false });
      const id = (await store.db.query<{ dataset: string }>('SELECT dataset FROM documents WHERE id = $1', [r.documents[0]!.id]))[0]!.dataset;
      const list = sourcesOf.get(id) ?? [];
      list.push({ file: `principles/${f}`, sha256: await sha(join(own, f)), bytes: statSync(join(own, f)).size });
      sourcesOf.set(id, list);
    }

    // 3. The governance documents of ../shared/corpus (redistributable ones only).
    const docs = args.small ? CORPUS.filter((c) => c.file.startsWith('casi_')) : CORPUS;
    for (const c of docs) {
      const path = join(shared, 'corpus', c.file);
      if (!existsSync(path)) throw new Error(`${path}: missing`);
      log(`ingest ${c.file} …`);
      const t0 = Date.now();
      const p = await prepare(relative(process.cwd(), path), {
        title: c.title,
        organisation: c.organisation,
        date: c.date,
        type: c.type,
        jurisdiction: c.jurisdiction,
        language: c.language,
        licence: c.licence,
        attribution: c.attribution,
        maxBytes: 20 * 1024 * 1024,
      });
      const r = await writePrepared(store.db, p);
      await store.db.query('UPDATE documents SET url = $2, source_url = $2, doi = coalesce($3, doi) WHERE id = $1', [r.documentId, c.url ?? null, c.doi ?? null]);
      log(`  ${r.documentId}: ${r.statements} statements (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      await addSource(CORPUS_DATASET, path);
    }
    const version = `corpus ${sha256(CORPUS.map((c) => c.file).join('\n')).slice(0, 8)}`;
    await store.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO datasets (id, version, licence, attribution, source_url, meta) VALUES ($1, $2, $3, $4, NULL, $5::jsonb)`,
        [
          CORPUS_DATASET,
          version,
          'various open terms: see each document',
          'AI governance documents published by the governments and bodies named on each document, under the terms stated there.',
          JSON.stringify({ title: 'AI governance documents', skipped: SKIPPED }),
        ],
      );
      await tx.query(`UPDATE documents SET dataset = $1, dataset_version = $2 WHERE dataset = 'ingest'`, [CORPUS_DATASET, version]);
      await tx.query(`DELETE FROM datasets WHERE id = 'ingest'`);
    });

    // 4. The project's annotation set (labels attach to matching statements of the datasets above).
    const ann = join(ROOT, 'annotations');
    if (existsSync(join(ann, 'items.jsonl'))) {
      log('import annotations/ …');
      await importPath(store, ann, { format: 'govnav-annotations' });
      // Files of this repository are named relative to it (the shared data relative to ../shared).
      for (const f of ['items.jsonl']) {
        const list = sourcesOf.get('govnav-annotations') ?? [];
        list.push({ file: `annotations/${f}`, sha256: await sha(join(ann, f)), bytes: statSync(join(ann, f)).size });
        sourcesOf.set('govnav-annotations', list);
      }
      // Items quoted from documents left out of the snapshot (licence) are left out too.
      const gone = await store.db.query<{ id: string }>(
        `DELETE FROM documents WHERE dataset = 'govnav-annotations' AND meta->'sourceFiles' ?| $1::text[] RETURNING id`,
        [SKIPPED.map((x) => x.file)],
      );
      if (gone.length) log(`  left out ${gone.length} annotation documents quoting documents not in the snapshot`);
      // …with the works no other document carries.
      if ((await store.db.query<{ t: string | null }>(`SELECT to_regclass('works')::text AS t`))[0]?.t)
        await store.db.query(
          `DELETE FROM works w WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.work_id = w.id)
             AND NOT EXISTS (SELECT 1 FROM works m WHERE m.merged_into = w.id) AND w.merged_into IS NULL`,
        );
    }

    // 5. Classify every statement with the embedded classifier, then link topics.
    {
      const { embeddedFromStore } = await import('../../src/classify/pipeline/embedded.ts');
      const { runClassification } = await import('../../src/classify/pipeline.ts');
      const taxonomies = store.taxonomies.list().filter((t) => t.data.appliesTo.length > 0).map((t) => t.id);
      log(`classify (embedded, ${taxonomies.length} taxonomies) …`);
      const built = await embeddedFromStore(store.db, store.taxonomies, taxonomies, { dataDir: work, onProgress: log });
      const versions = Object.fromEntries(built.report.map((r) => [r.taxonomy, r.modelVersion]));
      const r = await runClassification({
        db: store.db,
        registry: store.taxonomies,
        classifier: built.classifier,
        params: { provider: 'embedded', model: 'govnav-embedded', versions, taxonomies },
        fresh: true,
        onStart: ({ counts }) => log(`  ${counts.total} items`),
        onProgress: (e) => {
          const n = e.labelled + e.abstained + e.failed;
          if (n % 5000 === 0) log(`  ${n} done`);
        },
      });
      log(`  ${r.labelled} labelled, ${r.abstained} abstained, ${r.failed} failed of ${r.total}`);
      const { linkPending } = await import('../../src/topics/link.ts');
      const l = await linkPending(store.db, { rebuild: true });
      log(`topics: ${l.links} links on ${l.statements} statements`);
    }

    // Titles for the datasets the catalogue of public datasets does not describe (home page, manifest).
    const TITLES: Record<string, string> = {
      [PRINCIPLES_DATASET.id]: 'AI principle sets (OECD, Australia, IBM) from AI Atlas Nexus',
      'govnav-cn-principles': 'AI principles of Chinese state organs (in Chinese), compiled by govnav',
      'govnav-annotations': "govnav's annotated set (project annotation of statements)",
    };
    for (const [id, title] of Object.entries(TITLES))
      await store.db.query(`UPDATE datasets SET meta = meta || jsonb_build_object('title', $2::text) WHERE id = $1 AND NOT meta ? 'title'`, [id, title]);

    // 6. Make the rows independent of when and where they were built.
    const when = args.time ?? git('log', '-1', '--format=%cI', '--', 'src', 'scripts/snapshot', 'annotations') ?? '2026-01-01T00:00:00Z';
    await normalise(store.db, when);

    // 7. Write.
    const snap = await dumpSnapshot(store.db);
    const data = encodeSnapshot(snap);
    mkdirSync(args.out!, { recursive: true });
    const file = join(args.out!, 'govnav-snapshot.json.gz');
    writeFileSync(file, data);
    const counts = await snapshotCounts(store.db);
    const perDataset = await store.db.query<{ id: string; version: string; licence: string; attribution: string; source_url: string | null; documents: number; statements: number }>(
      `SELECT ds.id, ds.version, ds.licence, ds.attribution, ds.source_url,
              (SELECT count(*) FROM documents d WHERE d.dataset = ds.id AND d.retired_at IS NULL)::int AS documents,
              (SELECT count(*) FROM statements s JOIN documents d ON d.id = s.document_id WHERE d.dataset = ds.id AND s.retired_at IS NULL)::int AS statements
         FROM datasets ds ORDER BY ds.id`,
    );
    for (const d of perDataset) {
      const entry = DATASETS.find((x) => x.name === d.id);
      manifest.push({
        id: d.id,
        title: entry?.title ?? TITLES[d.id] ?? (d.id === CORPUS_DATASET ? 'AI governance documents' : d.id),
        version: d.version,
        licence: d.licence,
        attribution: d.attribution,
        ...(entry?.home ?? d.source_url ? { home: entry?.home ?? d.source_url! } : {}),
        documents: d.documents,
        statements: d.statements,
        sources: sourcesOf.get(d.id) ?? [],
        ...(d.id === CORPUS_DATASET
          ? {
              documentsIncluded: docs.map((c) => ({ file: c.file, title: c.title, licence: c.licence, basis: c.basis })),
              skipped: SKIPPED,
            }
          : {}),
      } as ManifestDataset);
    }
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const m = {
      format: 'govnav-snapshot-manifest',
      file: 'govnav-snapshot.json.gz',
      bytes: data.length,
      sha256: sha256(data),
      schema: snap.schema,
      builtWith: { govnav: pkg.version, commit: git('rev-parse', 'HEAD') ?? 'unknown', dirty: (git('status', '--porcelain', '--', 'src') ?? '') !== '' },
      rowsAsOf: when,
      small: !!args.small,
      rows: counts,
      datasets: manifest,
    };
    writeFileSync(join(args.out!, 'MANIFEST.json'), JSON.stringify(m, null, 2) + '\n');
    log(`wrote ${relative(process.cwd(), file)}: ${(data.length / 1024 / 1024).toFixed(2)} MB; ${counts.documents} documents, ${counts.statements} statements, ${counts.classifications} labels`);
  } finally {
    await store.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Timestamps set to one instant, run ids numbered in order, run items (a work list, not a result)
 * dropped: the same inputs then give the same rows.
 */
async function normalise(db: import('../../src/store/index.ts').Db, when: string) {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM classify_run_items');
    const runs = await tx.query<{ id: string }>('SELECT id FROM classify_runs ORDER BY created_at, id');
    for (const [i, r] of runs.entries()) {
      const id = `snapshot-run-${i + 1}`;
      await tx.query('UPDATE classify_runs SET id = $2 WHERE id = $1', [r.id, id]);
      await tx.query('UPDATE classifications SET run_id = $2 WHERE run_id = $1', [r.id, id]);
    }
    const cols = await tx.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND data_type = 'timestamp with time zone' ORDER BY 1, 2`,
    );
    for (const c of cols) await tx.query(`UPDATE "${c.table_name}" SET "${c.column_name}" = $1 WHERE "${c.column_name}" IS NOT NULL`, [when]);
  });
}

main().catch((e) => {
  process.stderr.write(`snapshot: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
