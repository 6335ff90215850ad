// Citations for statements and documents: a stable URL, a BibTeX entry and a CSL-JSON item.
// Pure functions over plain records, so the web pages, the JSON API and release bundles all give
// the same citation for the same thing. Nothing here touches the database or HTTP.

/** What a citation needs to know about a document (a subset of the store's DocumentRow). */
export interface CiteDocument {
  id: string;
  title: string;
  authors?: string | null;
  organisation?: string | null;
  year?: number | null;
  /** As published: "2024", "2024-07" or "2024-07-26". */
  date?: string | null;
  url?: string | null;
  doi?: string | null;
  doc_type?: string | null;
  language?: string | null;
}

/** What a citation needs to know about a statement (a subset of the store's StatementRow). */
export interface CiteStatement {
  id: string;
  kind: 'mitigation' | 'principle' | 'risk' | string;
  name: string;
  text?: string | null;
  heading_path?: string[] | null;
  page?: number | null;
  page_end?: number | null;
  locator_ref?: string | null;
  language?: string | null;
}

export interface CiteOptions {
  /** Public base URL (config.baseUrl), e.g. "https://govnav.example.org". Without it, URLs are site-relative. */
  baseUrl?: string;
  /** The date the reader consulted the record (ISO yyyy-mm-dd); left out when not given. */
  accessed?: string;
  /** Name of the publishing service, default "govnav". */
  siteName?: string;
}

export interface Citation {
  url: string;
  key: string;
  bibtex: string;
  csl: CslItem;
  /** A one-line human-readable reference. */
  text: string;
}

/** A CSL-JSON item (only the fields govnav fills). */
export interface CslItem {
  id: string;
  type: string;
  title: string;
  author?: CslName[];
  issued?: { 'date-parts': number[][] };
  accessed?: { 'date-parts': number[][] };
  'container-title'?: string;
  publisher?: string;
  page?: string;
  URL?: string;
  DOI?: string;
  language?: string;
  note?: string;
  genre?: string;
  'citation-key'?: string;
}
export type CslName = { family: string; given?: string } | { literal: string };

const KIND_NAME: Record<string, string> = { mitigation: 'Mitigation', principle: 'Principle', risk: 'Risk' };

/** The stable address of a statement (/m/<id>) or document (/d/<id>). */
export function stableUrl(id: string, baseUrl?: string): string {
  const path = (/^D\d/.test(id) ? '/d/' : '/m/') + encodeURIComponent(id);
  if (!baseUrl) return path;
  return baseUrl.replace(/\/+$/, '') + path;
}

/** The BibTeX / CSL key of a record: "govnav-M000123". */
export function citationKey(id: string): string {
  return `govnav-${id.replace(/[^A-Za-z0-9]/g, '')}`;
}

/**
 * People as published ("Shi, Dan; Shen, Tianhao" or "Dan Shi and Tianhao Shen") become CSL names;
 * with no people, the organisation is the author (a literal name).
 */
export function cslNames(authors?: string | null, organisation?: string | null): CslName[] {
  const people = splitAuthors(authors);
  if (people.length) {
    return people.map((p): CslName => {
      if (p.includes(',')) {
        const [family, ...rest] = p.split(',');
        const given = rest.join(',').trim();
        return given ? { family: family!.trim(), given } : { family: family!.trim() };
      }
      const parts = p.split(/\s+/);
      // A single token, a name in a script without spaces (e.g. Chinese), or an organisation
      // given as the author ("Future of Life Institute") stays whole.
      if (parts.length === 1 || parts.length > 4 || ORG_WORDS.test(p)) return { literal: p };
      return { family: parts[parts.length - 1]!, given: parts.slice(0, -1).join(' ') };
    });
  }
  const org = organisation?.trim();
  return org ? [{ literal: org }] : [];
}

const ORG_WORDS =
  /\b(institute|university|universit[àé]|college|committee|commission|council|office|ministry|department|agency|administration|authority|government|organi[sz]ation|association|foundation|centre|center|group|initiative|lab|labs|laboratory|inc|ltd|llc|corporation|company|network|forum|partnership|alliance|consortium|board|bureau|parliament|nations|union|oecd|unesco|nist|iso|ieee)\b/i;

function splitAuthors(authors?: string | null): string[] {
  const s = (authors ?? '').trim();
  if (!s) return [];
  const parts = s.includes(';') ? s.split(';') : s.split(/\s+and\s+|\s*&\s*/);
  return parts.map((x) => x.trim()).filter(Boolean);
}

/** Date parts from a published date ("2024-07-26", "2024-07", "2024") or a year. */
export function dateParts(date?: string | null, year?: number | null): number[] | undefined {
  const m = /^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?/.exec((date ?? '').trim());
  if (m) return [Number(m[1]), ...(m[2] ? [Number(m[2])] : []), ...(m[3] ? [Number(m[3])] : [])];
  return year ? [year] : undefined;
}

const CSL_TYPE: Record<string, string> = {
  law: 'legislation',
  regulation: 'legislation',
  standard: 'standard',
  report: 'report',
  paper: 'article',
  framework: 'report',
  guidance: 'report',
  policy: 'report',
  'research-agenda': 'report',
};

/** Escape text for a BibTeX field value written in braces. */
export function bibtexEscape(s: string): string {
  return s
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\{}&%$#_~^]/g, (c) => BIB_ESC[c]!);
}
const BIB_ESC: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
};

function bibNames(names: CslName[]): string {
  return names
    .map((n) => ('literal' in n ? `{${bibtexEscape(n.literal)}}` : n.given ? `${bibtexEscape(n.family)}, ${bibtexEscape(n.given)}` : bibtexEscape(n.family)))
    .join(' and ');
}

function bibEntry(type: string, key: string, fields: [string, string | undefined][]): string {
  const lines = fields.filter((f): f is [string, string] => !!f[1]).map(([k, v]) => `  ${k} = {${v}},`);
  return `@${type}{${key},\n${lines.join('\n')}\n}`;
}

function accessedParts(accessed?: string): number[] | undefined {
  return accessed ? dateParts(accessed) : undefined;
}

function pageRange(s: Pick<CiteStatement, 'page' | 'page_end'>): string | undefined {
  if (!s.page) return undefined;
  return s.page_end && s.page_end !== s.page ? `${s.page}–${s.page_end}` : String(s.page);
}

function namesText(names: CslName[]): string {
  const one = (n: CslName) => ('literal' in n ? n.literal : n.given ? `${n.family}, ${n.given}` : n.family);
  if (names.length === 0) return '';
  if (names.length <= 3) return names.map(one).join('; ');
  return `${one(names[0]!)} et al.`;
}

/** The citation of a document record. */
export function documentCitation(doc: CiteDocument, opts: CiteOptions = {}): Citation {
  const site = opts.siteName ?? 'govnav';
  const url = stableUrl(doc.id, opts.baseUrl);
  const key = citationKey(doc.id);
  const names = cslNames(doc.authors, doc.organisation);
  const issued = dateParts(doc.date, doc.year);
  const accessed = accessedParts(opts.accessed);
  // Only web addresses are cited as the source (data may hold anything, e.g. "javascript:" or a file path).
  const sourceUrl = /^https?:\/\/\S+$/i.test(doc.url?.trim() ?? '') ? doc.url!.trim() : undefined;
  const csl: CslItem = {
    id: key,
    'citation-key': key,
    type: CSL_TYPE[doc.doc_type ?? ''] ?? 'document',
    title: doc.title,
    ...(names.length ? { author: names } : {}),
    ...(issued ? { issued: { 'date-parts': [issued] } } : {}),
    ...(accessed ? { accessed: { 'date-parts': [accessed] } } : {}),
    ...(doc.organisation && doc.authors ? { publisher: doc.organisation } : {}),
    URL: sourceUrl ?? url,
    ...(doc.doi ? { DOI: doc.doi } : {}),
    ...(doc.language ? { language: doc.language } : {}),
    note: `${site} record ${doc.id}: ${url}`,
  };
  const bibtex = bibEntry(doc.doc_type === 'report' && doc.organisation ? 'techreport' : 'misc', key, [
    ['title', `{${bibtexEscape(doc.title)}}`],
    ['author', names.length ? bibNames(names) : undefined],
    ['institution', doc.doc_type === 'report' && doc.organisation ? bibtexEscape(doc.organisation) : undefined],
    ['year', issued ? String(issued[0]) : undefined],
    ['month', issued && issued[1] ? String(issued[1]) : undefined],
    ['doi', doc.doi ? bibtexEscape(doc.doi) : undefined],
    ['url', sourceUrl ?? url],
    ['urldate', opts.accessed],
    ['language', doc.language ?? undefined],
    ['note', bibtexEscape(`${site} record ${doc.id}, ${url}`)],
  ]);
  const who = namesText(names);
  const text = [who, issued ? `(${issued[0]})` : '', `${doc.title}.`, sourceUrl ? `${sourceUrl}.` : '', `${site} record ${doc.id}: ${url}`]
    .filter(Boolean)
    .join(' ');
  return { url, key, bibtex, csl, text };
}

/**
 * The citation of a statement: the statement as an entry within its document, authored by the
 * document's authors (the words are theirs), published through govnav at a stable URL.
 */
export function statementCitation(st: CiteStatement, doc: CiteDocument, opts: CiteOptions = {}): Citation {
  const site = opts.siteName ?? 'govnav';
  const url = stableUrl(st.id, opts.baseUrl);
  const key = citationKey(st.id);
  const names = cslNames(doc.authors, doc.organisation);
  const issued = dateParts(doc.date, doc.year);
  const accessed = accessedParts(opts.accessed);
  const title = st.name.trim() || shorten(st.text ?? '', 120) || `${KIND_NAME[st.kind] ?? 'Statement'} ${st.id}`;
  const pages = pageRange(st);
  const where = [st.heading_path?.length ? st.heading_path.join(' › ') : '', st.locator_ref ?? ''].filter(Boolean).join('; ');
  const csl: CslItem = {
    id: key,
    'citation-key': key,
    type: 'entry',
    genre: `${KIND_NAME[st.kind] ?? 'Statement'} (${site} record)`,
    title,
    ...(names.length ? { author: names } : {}),
    ...(issued ? { issued: { 'date-parts': [issued] } } : {}),
    ...(accessed ? { accessed: { 'date-parts': [accessed] } } : {}),
    'container-title': doc.title,
    publisher: site,
    ...(pages ? { page: pages } : {}),
    URL: url,
    ...(doc.doi ? { DOI: doc.doi } : {}),
    ...(st.language ? { language: st.language } : {}),
    note: [`${site} ${st.id} in document ${doc.id}`, where].filter(Boolean).join('; '),
  };
  const bibtex = bibEntry('misc', key, [
    ['title', `{${bibtexEscape(title)}}`],
    ['author', names.length ? bibNames(names) : undefined],
    ['booktitle', `{${bibtexEscape(doc.title)}}`],
    ['year', issued ? String(issued[0]) : undefined],
    ['pages', pages ? pages.replace('–', '--') : undefined],
    ['doi', doc.doi ? bibtexEscape(doc.doi) : undefined],
    ['url', url],
    ['urldate', opts.accessed],
    ['note', bibtexEscape([`${KIND_NAME[st.kind] ?? 'Statement'} ${st.id} in ${site} (document ${doc.id})`, where].filter(Boolean).join('; '))],
  ]);
  const who = namesText(names);
  const text = [
    who,
    issued ? `(${issued[0]})` : '',
    `“${title}”. In: ${doc.title}${pages ? `, p. ${pages}` : ''}.`,
    `${site} ${st.id}: ${url}`,
  ]
    .filter(Boolean)
    .join(' ');
  return { url, key, bibtex, csl, text };
}

function shorten(s: string, n: number): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? t.slice(0, n - 1).trimEnd() + '…' : t;
}
