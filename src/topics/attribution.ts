// The attribution line under each statement on a topic page, as the principle-linking sites print
// it: "published by <organisation> in <document>, <date>" / "由 <organisation> 在 <document> 发表, <date>".

import { shortAuthors } from '../text/authors.ts';

export interface AttributionDoc {
  title: string;
  organisation: string | null;
  authors?: string | null;
  date: string | null;
  year: number | null;
}

/**
 * The line as pieces of text and the title, so that callers can escape the text and wrap the title
 * (in a link, say). `render` gets each piece: { text } or { title }.
 */
export function attributionPieces(doc: AttributionDoc, lang: 'en' | 'zh'): ({ text: string } | { title: string })[] {
  const who = doc.organisation?.trim() || shortAuthors(doc.authors) || '';
  const when = doc.date?.trim() || (doc.year ? String(doc.year) : '');
  if (lang === 'zh') {
    return [
      { text: who ? `由 ${who} 在 ` : '在 ' },
      { title: doc.title },
      { text: ` 发表${when ? `, ${when}` : ''}` },
    ];
  }
  return [{ text: who ? `published by ${who} in ` : 'published in ' }, { title: doc.title }, { text: when ? `, ${when}` : '' }];
}

/** The plain-text line. */
export function attributionLine(doc: AttributionDoc, lang: 'en' | 'zh'): string {
  return attributionPieces(doc, lang)
    .map((p) => ('text' in p ? p.text : p.title))
    .join('');
}
