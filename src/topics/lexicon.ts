// The topic lexicon: coarse topics, each with finer terms in English and Chinese, kept as data
// (topics/lexicon.json) and validated here. Users extend it with their own files
// (<data dir>/topics/*.json or --lexicon), which are merged over the built-in one.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The lexicon that ships with govnav. */
export const BUILTIN_LEXICON = fileURLToPath(new URL('../../topics/lexicon.json', import.meta.url));

const HAN = /\p{Script=Han}/u;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const Slug = z.string().regex(SLUG, 'must be a lower-case slug such as "human-control"');
const Localized = z.object({ en: z.string().trim().min(1), zh: z.string().trim().min(1).optional() }).strict();

/** An English pattern: words (stemmed when matched); a word ending in "*" matches any word starting with it. */
const EnPattern = z
  .string()
  .trim()
  .min(1)
  .refine((s) => !HAN.test(s), 'an English pattern must not contain Chinese characters (put it under "zh")')
  .refine((s) => /[\p{L}\p{N}]/u.test(s), 'an English pattern needs at least one letter or digit')
  .refine((s) => !/\*[\p{L}\p{N}]/u.test(s), 'a "*" may only end a word (e.g. "cyber*")');
/** A Chinese pattern: matched as a substring; single characters and patterns starting with "=" only as whole words. */
const ZhPattern = z
  .string()
  .trim()
  .min(1)
  .refine((s) => HAN.test(s), 'a Chinese pattern must contain Chinese characters (put it under "en")');
const PatternSet = z.object({ en: z.array(EnPattern).default([]), zh: z.array(ZhPattern).default([]) }).strict();

const Term = z
  .object({
    id: Slug,
    label: Localized,
    /** Specificity: 1 = broad word that needs support, 2 = clear, 3 = specific and unambiguous. */
    weight: z.number().positive().max(10),
    /**
     * Terms of different topics with the same sense key are readings of one ambiguous word (安全 is
     * both safety and security): in a statement it counts only for the topics that have other
     * evidence, or for all of them when none has.
     */
    sense: Slug.optional(),
    en: z.array(EnPattern).default([]),
    zh: z.array(ZhPattern).default([]),
  })
  .strict()
  .refine((t) => t.en.length + t.zh.length > 0, { message: 'a term needs at least one English or Chinese pattern', path: ['en'] });
export type TermDef = z.output<typeof Term>;

const Scoring = z
  .object({
    threshold: z.number().positive(),
    /**
     * A higher (or lower) threshold for statements of a kind. Risks and mitigations are often long
     * passages in which one incidental word is not what they are about; a principle is a short
     * deliberate sentence. Kinds not listed use `threshold`.
     */
    thresholdByKind: z.object({ principle: z.number().positive().optional(), mitigation: z.number().positive().optional(), risk: z.number().positive().optional() }).strict().optional(),
    fieldWeights: z.object({ name: z.number().positive(), heading: z.number().positive(), text: z.number().positive() }).strict(),
    repeatBonus: z.number().min(0),
    maxRepeats: z.number().int().min(0),
  })
  .strict();
export type Scoring = z.output<typeof Scoring>;

export const DEFAULT_SCORING: Scoring = {
  threshold: 2,
  fieldWeights: { name: 2, heading: 1.5, text: 1 },
  repeatBonus: 0.25,
  maxRepeats: 4,
};

const Topic = z
  .object({
    id: Slug,
    name: Localized,
    description: Localized,
    exclude: PatternSet.optional(),
    terms: z.array(Term).min(1),
  })
  .strict();
export type TopicDef = z.output<typeof Topic> & { exclude: { en: string[]; zh: string[] } };

const LexiconFile = z
  .object({
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a version such as "1.0.0"'),
    description: z.string().optional(),
    scoring: Scoring.optional(),
    topics: z.array(Topic).min(1),
  })
  .strict();

const TermPatch = z.union([z.object({ id: Slug, disabled: z.literal(true) }).strict(), Term]);
const TopicPatch = z
  .object({
    id: Slug,
    /** Drop a built-in topic altogether. */
    remove: z.literal(true).optional(),
    name: Localized.optional(),
    description: Localized.optional(),
    exclude: PatternSet.optional(),
    terms: z.array(TermPatch).default([]),
  })
  .strict();
const ExtensionFile = z
  .object({
    version: z.string().optional(),
    description: z.string().optional(),
    scoring: Scoring.partial().optional(),
    topics: z.array(TopicPatch).default([]),
  })
  .strict();
type ExtensionData = z.output<typeof ExtensionFile>;

export interface Lexicon {
  /** The built-in version, plus "+ext.<hash>" when extension files changed it. */
  version: string;
  description?: string;
  scoring: Scoring;
  topics: TopicDef[];
  /** The files it was built from, for messages. */
  sources: string[];
}

export class LexiconError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LexiconError';
  }
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** Turn a zod issue path into words: topic "security", term "cybersecurity": field "weight". */
function describePath(raw: unknown, path: PropertyKey[]): string {
  const parts: string[] = [];
  let node: unknown = raw;
  let field: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const next = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key as string] : undefined;
    const prev = path[i - 1];
    if (typeof key === 'number' && (prev === 'topics' || prev === 'terms')) {
      const id = next && typeof next === 'object' ? (next as { id?: unknown }).id : undefined;
      const what = prev === 'topics' ? 'topic' : 'term';
      parts.push(typeof id === 'string' ? `${what} "${id}"` : `${what} #${key + 1}`);
      field = [];
    } else if (key !== 'topics' && key !== 'terms') field.push(String(key));
    node = next;
  }
  if (path[path.length - 1] === 'topics' || path[path.length - 1] === 'terms') field.push(String(path[path.length - 1]));
  const f = field.length ? `field "${field.join('.')}"` : '';
  return [...parts, f].filter(Boolean).join(', ');
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new LexiconError(`${displayPath(file)}: cannot read the lexicon file: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new LexiconError(`${displayPath(file)}: not valid JSON: ${(e as Error).message}`);
  }
}

function check<T>(schema: z.ZodType<T>, raw: unknown, file: string): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const where = describePath(raw, issue.path);
  throw new LexiconError(`${displayPath(file)}: ${where ? where + ': ' : ''}${issue.message}`);
}

function checkUnique(topics: { id: string; terms: { id: string }[] }[], file: string): void {
  const seen = new Set<string>();
  for (const t of topics) {
    if (seen.has(t.id)) throw new LexiconError(`${displayPath(file)}: topic "${t.id}" appears twice`);
    seen.add(t.id);
    const terms = new Set<string>();
    for (const term of t.terms) {
      if (terms.has(term.id)) throw new LexiconError(`${displayPath(file)}: topic "${t.id}", term "${term.id}" appears twice`);
      terms.add(term.id);
    }
  }
}

/** Parse and validate a complete lexicon (the built-in file's format). */
export function parseLexicon(raw: unknown, file: string): Lexicon {
  const data = check(LexiconFile, raw, file);
  checkUnique(data.topics, file);
  for (const t of data.topics) {
    if (!t.name.zh) throw new LexiconError(`${displayPath(file)}: topic "${t.id}": field "name.zh": the built-in lexicon needs a Chinese name`);
  }
  return {
    version: data.version,
    description: data.description,
    scoring: data.scoring ?? DEFAULT_SCORING,
    topics: data.topics.map((t) => ({ ...t, exclude: t.exclude ?? { en: [], zh: [] } })),
    sources: [file],
  };
}

export function parseExtension(raw: unknown, file: string): ExtensionData {
  const data = check(ExtensionFile, raw, file);
  const seen = new Set<string>();
  for (const t of data.topics) {
    if (seen.has(t.id)) throw new LexiconError(`${displayPath(file)}: topic "${t.id}" appears twice`);
    seen.add(t.id);
  }
  return data;
}

/**
 * Merge an extension over a lexicon: a known topic gets its name/description replaced when given,
 * its exclusions added, and its terms added or replaced by id ({"id", "disabled": true} drops one);
 * an unknown topic is added (it then needs a name, a description and terms); {"remove": true}
 * drops a topic.
 */
export function mergeLexicon(base: Lexicon, ext: ExtensionData, file: string, contentHash: string): Lexicon {
  const topics = base.topics.map((t) => ({ ...t, terms: [...t.terms], exclude: { en: [...t.exclude.en], zh: [...t.exclude.zh] } }));
  for (const patch of ext.topics) {
    const at = topics.findIndex((t) => t.id === patch.id);
    if (patch.remove) {
      if (at < 0) throw new LexiconError(`${displayPath(file)}: topic "${patch.id}": cannot remove a topic that does not exist`);
      topics.splice(at, 1);
      continue;
    }
    if (at < 0) {
      if (!patch.name || !patch.description)
        throw new LexiconError(`${displayPath(file)}: topic "${patch.id}": a new topic needs "name" and "description"`);
      const terms = patch.terms.filter((x): x is TermDef => !('disabled' in x));
      if (!terms.length) throw new LexiconError(`${displayPath(file)}: topic "${patch.id}": a new topic needs at least one term`);
      topics.push({ id: patch.id, name: patch.name, description: patch.description, exclude: patch.exclude ?? { en: [], zh: [] }, terms });
      continue;
    }
    const t = topics[at]!;
    if (patch.name) t.name = patch.name;
    if (patch.description) t.description = patch.description;
    if (patch.exclude) {
      t.exclude.en.push(...patch.exclude.en);
      t.exclude.zh.push(...patch.exclude.zh);
    }
    for (const term of patch.terms) {
      const i = t.terms.findIndex((x) => x.id === term.id);
      if ('disabled' in term) {
        if (i < 0) throw new LexiconError(`${displayPath(file)}: topic "${patch.id}", term "${term.id}": cannot disable a term that does not exist`);
        t.terms.splice(i, 1);
      } else if (i >= 0) t.terms[i] = term;
      else t.terms.push(term);
    }
    if (!t.terms.length) throw new LexiconError(`${displayPath(file)}: topic "${patch.id}": no terms left after the extension`);
  }
  const scoring = ext.scoring
    ? { ...base.scoring, ...ext.scoring, fieldWeights: { ...base.scoring.fieldWeights, ...(ext.scoring.fieldWeights ?? {}) } }
    : base.scoring;
  const baseVersion = base.version.split('+')[0]!;
  const prevHash = base.version.includes('+ext.') ? base.version.split('+ext.')[1]! : '';
  const hash = createHash('sha256').update(prevHash + contentHash).digest('hex').slice(0, 8);
  return { ...base, version: `${baseVersion}+ext.${hash}`, scoring, topics, sources: [...base.sources, file] };
}

export interface LoadLexiconOptions {
  /** The built-in lexicon file (tests may point elsewhere). */
  builtin?: string;
  /** The data dir; extension files in <dataDir>/topics/*.json are merged in name order. */
  dataDir?: string;
  /** More extension files (the --lexicon option), merged after those of the data dir. */
  extra?: string[];
}

/** Load the built-in lexicon and merge the user's extension files over it. */
export function loadLexicon(opts: LoadLexiconOptions = {}): Lexicon {
  const builtin = opts.builtin ?? BUILTIN_LEXICON;
  let lex = parseLexicon(readJson(builtin), builtin);
  const files: string[] = [];
  if (opts.dataDir) {
    const dir = join(opts.dataDir, 'topics');
    if (existsSync(dir))
      files.push(
        ...readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => join(dir, f)),
      );
  }
  for (const f of opts.extra ?? []) {
    const p = resolve(f);
    if (!existsSync(p)) throw new LexiconError(`${f}: lexicon file not found`);
    files.push(p);
  }
  for (const f of files) {
    const raw = readJson(f);
    const ext = parseExtension(raw, f);
    lex = mergeLexicon(lex, ext, f, createHash('sha256').update(JSON.stringify(raw)).digest('hex'));
  }
  return lex;
}

/** The topic's name in a language, falling back to English. */
export function topicName(t: { name: { en: string; zh?: string } }, lang: string): string {
  return lang === 'zh' ? (t.name.zh ?? t.name.en) : t.name.en;
}
