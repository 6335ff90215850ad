// Print a document's blocks as the ingest readers see them, one line each, for annotating roles:
//   node --import tsx scripts/gold/blocks.ts <corpus file | finos:ri-1,mi-2> > work.tsv
// Columns: index, page, kind(+level/depth/marker), hint, heading path (last two), text (cells of a
// table row separated by " | "). The output holds the document's text: keep it out of the repo.
import { blockAnchor } from '../../src/extract/types.ts';
import { readSpec, specOf } from './lib.ts';

const arg = process.argv[2];
if (!arg) {
  console.error('usage: scripts/gold/blocks.ts <corpus file | finos:id,id>');
  process.exit(2);
}
const { extracted } = await readSpec(specOf(arg));
const headings: { level: number; text: string }[] = [];
const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n) + '…' : s);
for (const [i, b] of extracted.blocks.entries()) {
  let kind: string = b.kind;
  if (b.kind === 'heading') {
    kind += b.level;
    while (headings.length && headings[headings.length - 1]!.level >= b.level) headings.pop();
  } else if (b.kind === 'item') kind += ` d${b.depth} ${b.marker ?? ''}`;
  else if (b.kind === 'table-row') kind += ` t${b.table}`;
  const path = headings.slice(-2).map((h) => clip(h.text, 40)).join(' > ');
  if (b.kind === 'heading') headings.push({ level: b.level, text: b.text });
  const page = b.page ? (b.pageEnd && b.pageEnd !== b.page ? `${b.page}-${b.pageEnd}` : String(b.page)) : '';
  console.log([i, page, kind, b.hint ?? '', path, clip(b.text.replace(/\s+/g, ' '), 400), blockAnchor(b.text)].join('\t'));
}
