// Shared by the gold-annotation scripts: parse the command line's document spec and read it.
import { basename } from 'node:path';
import { defaultGoldDirs, readGoldDocument, type GoldDocumentSpec } from '../../src/eval/gold-doc.ts';

/** "corpus file name" or "finos:ri-1,mi-3" → a gold document spec. */
export function specOf(arg: string): GoldDocumentSpec {
  if (arg.startsWith('finos:')) {
    const entries = arg.slice(6).split(',').filter(Boolean);
    return { source: 'finos-aigf', file: `finos-aigf-${entries.join('-')}`, entries, format: 'markdown' };
  }
  return { source: 'corpus', file: basename(arg) };
}

export async function readSpec(spec: GoldDocumentSpec) {
  return readGoldDocument(spec, defaultGoldDirs());
}
