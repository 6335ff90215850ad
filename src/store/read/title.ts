// The display title of a statement, shared by the pages and their JSON twins so both say the same:
// the cleaned name, else the start of the text without its markup.
import { cleanName, plainText } from '../../text/markup.ts';

export function listTitle(s: { name: string; text: string }, n = 140): string {
  const name = cleanName(s.name);
  if (name) return name;
  const t = cleanName(plainText(s.text).replace(/\s+/g, ' '));
  return t.length > n ? t.slice(0, n - 1).trimEnd() + '…' : t;
}
