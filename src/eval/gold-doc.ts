// Loading the document an extraction gold file describes: a file of the test corpus
// (../shared/corpus) or entries of a public dataset materialised as a Markdown document
// (FINOS AI Governance Framework pages). The document is read by the ordinary ingest readers,
// so the gold is checked against exactly what `govnav ingest` sees. Nothing here is copied into
// the project: gold files hold checksums, anchors and roles, never the text.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Extracted } from '../ingest/types.ts';

export interface GoldDocumentSpec {
  source: 'corpus' | 'finos-aigf';
  file: string;
  sha256?: string;
  entries?: string[];
  language?: string;
  format?: string;
}

export interface GoldDirs {
  /** Folder of the test corpus (default ../shared/corpus). */
  corpus: string;
  /** Folder of the public datasets (default ../shared/data). */
  data: string;
}

export class GoldDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GoldDocumentError';
  }
}

export const FINOS_FILE = 'finos-aigf/finos_aigf_risks_mitigations.json';

interface FinosEntry {
  id: string;
  title: string;
  body_markdown?: string;
}

/** The Markdown a FINOS gold document is read from: "# title" and the body of each entry, in order. */
export function finosMarkdown(json: string, entries: string[], where: string): string {
  const data = JSON.parse(json) as { risks?: FinosEntry[]; mitigations?: FinosEntry[] };
  const all = new Map<string, FinosEntry>();
  for (const e of [...(data.risks ?? []), ...(data.mitigations ?? [])]) all.set(e.id, e);
  return entries
    .map((id) => {
      const e = all.get(id);
      if (!e) throw new GoldDocumentError(`${where}: entry "${id}" is not in ${FINOS_FILE}.`);
      return `# ${e.title}\n\n${(e.body_markdown ?? '').trim()}\n`;
    })
    .join('\n');
}

/** The bytes of a gold document and where they came from. */
export function goldDocumentBytes(spec: GoldDocumentSpec, dirs: GoldDirs, where = 'gold'): { path: string; bytes: Uint8Array; sha256: string } {
  if (spec.source === 'corpus') {
    const path = join(dirs.corpus, spec.file);
    if (!existsSync(path)) throw new GoldDocumentError(`${where}: the document ${path} is missing (the test corpus lives in ../shared/corpus; pass --corpus <dir>).`);
    const bytes = new Uint8Array(readFileSync(path));
    return { path, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  const path = join(dirs.data, FINOS_FILE);
  if (!existsSync(path)) throw new GoldDocumentError(`${where}: ${path} is missing (the public datasets live in ../shared/data; pass --data <dir>).`);
  const md = finosMarkdown(readFileSync(path, 'utf8'), spec.entries ?? [], where);
  const bytes = new TextEncoder().encode(md);
  return { path: `${path}#${(spec.entries ?? []).join(',')}`, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Read a gold document with the ingest readers. Checks the checksum when the spec has one. */
export async function readGoldDocument(spec: GoldDocumentSpec, dirs: GoldDirs, where = 'gold'): Promise<{ extracted: Extracted; sha256: string; path: string }> {
  const { path, bytes, sha256 } = goldDocumentBytes(spec, dirs, where);
  if (spec.sha256 && spec.sha256 !== sha256)
    throw new GoldDocumentError(`${where}: ${path} has sha256 ${sha256.slice(0, 12)}…, the gold was made for ${spec.sha256.slice(0, 12)}…: not the same document.`);
  const { extract } = await import('../ingest/index.ts');
  const name = spec.source === 'corpus' ? spec.file : `${spec.file}.md`;
  const extracted = await extract({ source: path, name, bytes });
  return { extracted, sha256, path };
}

export function defaultGoldDirs(cwd = process.cwd()): GoldDirs {
  return { corpus: join(cwd, '..', 'shared', 'corpus'), data: join(cwd, '..', 'shared', 'data') };
}
