// The kind of document a statement comes from, as the annotation guidelines read it (round 8, issue 12).
// The guidelines decide "binding or voluntary" (v2 3.1 vs 3.3, and branch 2 vs 3) and often the actor
// from the document a text sits in (docs/annotation.md, part 2): a statute's "shall" is a binding rule,
// a voluntary framework's or a company's is not. govnav knows each statement's document type when it
// classifies (the store's doc_type, set by the importers, the snapshot or `ingest --type`); this file
// groups those types into a few kinds and, when a model asks for it, gives the classifier one cue term
// per kind ("~cue:doc-kind:binding"), and one more when the issuing organisation is a public body.
//
// How the cue reaches the features: the kind is written after the text as two characters of Unicode's
// private-use area (U+E0F0 and one per kind). The tokeniser reads letters, digits and Han characters
// only, so these characters are never a word, a character n-gram or evidence in the reasoning; the
// cue file taxonomies/cues/doc-kind.json turns them into cue terms. A model without that cue file in
// its cue spec reads the same text and sees nothing. Only the kind is written: never the document's
// title, id or organisation name.
import type { DocumentType } from '../../model/index.ts';
import type { Decision, TaxonomyModel } from '../models/hierarchy.ts';

/** The kinds, from the document-type list (src/model/index.ts) as the guidelines read them. */
export const DOC_KINDS = ['binding', 'draft', 'standard', 'voluntary', 'policy', 'publication'] as const;
export type DocKind = (typeof DOC_KINDS)[number];

/**
 * Each document type's kind: law and regulation are binding rules; a standard is its own kind (§3.3:
 * voluntary, but adopted by reference); frameworks, guidance, principles and declarations are
 * voluntary; a policy is a government's plan or strategy; papers, reports, taxonomies and research
 * agendas are publications. "other" says nothing (no cue).
 */
export const KIND_OF_TYPE: Readonly<Record<DocumentType, DocKind | undefined>> = {
  law: 'binding',
  regulation: 'binding',
  standard: 'standard',
  framework: 'voluntary',
  guidance: 'voluntary',
  principles: 'voluntary',
  declaration: 'voluntary',
  policy: 'policy',
  paper: 'publication',
  report: 'publication',
  taxonomy: 'publication',
  'research-agenda': 'publication',
  other: undefined,
};

/** A document's legislative status (legislative-status taxonomy) that makes a law a draft: a bill not (yet) in force. */
const DRAFT_STATUS = /^(bill|draft|proposed|introduced|pending|vetoed|withdrawn)/i;

/**
 * Words of an organisation's name that make it a public body: a government, its ministries and
 * agencies, a legislature, a regulator, a standards body (written from the guidelines' list of
 * Ecosystem actors, §3.4; never from the annotated items).
 */
const PUBLIC_BODY =
  /\b(government|ministry|minister|department|parliament|congress|senate|assembly|council of the european union|european commission|commission|regulator|authority|agency|administration|national institute of standards|standards? (body|organi[sz]ation|institute)|standardi[sz]ation|iso\b|iec\b|cen\b|cenelec|ai office)\b|国家|政府|委员会|办公室|管理局|监督|部$|部门|人民代表大会|标准化/i;

/** What the classifier may know of a statement's document. */
export interface DocContext {
  docType?: string;
  organisation?: string;
  /** A code of the legislative-status taxonomy, when the document has one. */
  legislativeStatus?: string;
}

/** The kind of a document (undefined = nothing known: no cue). */
export function docKind(doc: DocContext | undefined): DocKind | undefined {
  if (!doc?.docType) return undefined;
  const kind = KIND_OF_TYPE[doc.docType as DocumentType];
  if (kind === 'binding' && doc.legislativeStatus && DRAFT_STATUS.test(doc.legislativeStatus)) return 'draft';
  return kind;
}

/** Whether the document comes from a public body: a binding text or a government policy always does; otherwise by its organisation's name. */
export function publicIssuer(doc: DocContext | undefined): boolean {
  const kind = docKind(doc);
  if (kind === 'binding' || kind === 'draft' || kind === 'policy') return true;
  return !!doc?.organisation && PUBLIC_BODY.test(doc.organisation);
}

/** A government's own text: a law (in force or draft) or a government policy (the "state" cue). */
export function stateText(doc: DocContext | undefined): boolean {
  const kind = docKind(doc);
  return kind === 'binding' || kind === 'draft' || kind === 'policy';
}

/** The private-use characters that carry the cues (see the file comment). */
const MARK = '\uE0F0';
const KIND_CHAR = (k: number) => String.fromCharCode(0xe0f1 + k);
export type DocCue = DocKind | 'state' | 'public';
export const DOC_MARKS: Readonly<Record<DocCue, string>> = {
  ...(Object.fromEntries(DOC_KINDS.map((k, i) => [k, MARK + KIND_CHAR(i)])) as Record<DocKind, string>),
  state: `${MARK}\uE0FE`,
  public: `${MARK}\uE0FF`,
};

/**
 * The cue files the marks need (taxonomies/cues/<id>.json): "doc-kind", one code per kind; "doc-state",
 * one code for a government's own text; "doc-public" (experiments only, not shipped), one code for a
 * document from a public body. A model reads the marks of the files its cue spec names, no others.
 */
export const DOC_CUE_FILES: Readonly<Record<string, readonly DocCue[]>> = { 'doc-kind': DOC_KINDS, 'doc-state': ['state'], 'doc-public': ['public'] };

export function docCueFile(id: string): { taxonomy: string; about: string; cues: Record<string, string[]> } {
  const codes = DOC_CUE_FILES[id];
  if (!codes) throw new Error(`no document cue file "${id}" (${Object.keys(DOC_CUE_FILES).join(', ')})`);
  return {
    taxonomy: id,
    about:
      "Cues of the statement's document (src/classify/embedded/doc-context.ts): each code's cue is the two private-use characters withDocContext writes after the text. Generated by docCueFile; do not edit by hand.",
    cues: Object.fromEntries(codes.map((c) => [c, [DOC_MARKS[c]]])),
  };
}

/** Whether a cue spec reads the document's cues (then the text must carry them). */
export const readsDocContext = (cues: string | undefined): boolean => !!cues && cues.split(',').some((c) => c.trim() in DOC_CUE_FILES);

/**
 * The text as the classifier reads it: the marks of its document's kind, and of "state" for a
 * government's own text, written after it (the text itself when nothing is known). `public` adds the
 * public-body mark (experiments).
 */
export function withDocContext(text: string, doc: DocContext | undefined, opts: { public?: boolean } = {}): string {
  const kind = docKind(doc);
  const marks: string[] = [];
  if (kind) marks.push(DOC_MARKS[kind]);
  if (stateText(doc)) marks.push(DOC_MARKS.state);
  if (opts.public && publicIssuer(doc)) marks.push(DOC_MARKS.public);
  return marks.length ? `${text} ${marks.join(' ')}` : text;
}

/** The cues a text carries and the text without them (the reasoning quotes the text, never the marks). */
export function splitDocContext(text: string): { text: string; cues: DocCue[] } {
  const at = text.indexOf(` ${MARK}`);
  if (at < 0) return { text, cues: [] };
  const cues = (Object.keys(DOC_MARKS) as DocCue[]).filter((k) => text.includes(DOC_MARKS[k], at));
  return { text: text.slice(0, at), cues };
}

/** How the reasoning names each cue ("It comes from a law or regulation."). */
const CUE_WORDS: Readonly<Record<DocCue, { en: string; zh: string }>> = {
  binding: { en: 'a law or regulation', zh: '法律或法规' },
  draft: { en: 'a draft law or bill', zh: '法律草案' },
  standard: { en: 'a standard', zh: '标准' },
  voluntary: { en: 'a voluntary framework or guideline', zh: '自愿性框架或指南' },
  policy: { en: 'a government policy or strategy', zh: '政府政策或战略' },
  publication: { en: 'a company or research publication', zh: '企业或研究出版物' },
  state: { en: "a government's own text (a law or a policy)", zh: '政府自身的文本（法律或政策）' },
  public: { en: 'a public body', zh: '公共机构' },
};

/**
 * A sentence for the reasoning when a document cue was among the strongest evidence for the label
 * (one of the `top` largest contributions, and positive): "It comes from a law or regulation."
 */
export function docCueReason(
  model: Pick<TaxonomyModel, 'features' | 'contrast'>,
  d: Pick<Decision, 'x' | 'probs'>,
  code: string,
  rival?: string,
  top = 5,
): { en: string; zh: string } | undefined {
  const contrib = model.contrast(d.x, code, rival, d.probs).slice(0, top);
  for (const c of contrib) {
    if (c.value <= 0) break;
    const term = model.features.term(c.feature)?.term ?? '';
    const m = /^~cue:(?:doc-kind|doc-state|doc-public):(.+)$/.exec(term);
    const words = m ? CUE_WORDS[m[1] as DocCue] : undefined;
    if (words) return { en: `It comes from ${words.en}.`, zh: `该条目出自${words.zh}。` };
  }
  return undefined;
}
