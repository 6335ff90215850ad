// Topics: the bilingual lexicon, statement↔topic linking, coverage matrix and document comparison.
export { loadLexicon, parseLexicon, mergeLexicon, BUILTIN_LEXICON, DEFAULT_SCORING, LexiconError, topicName } from './lexicon.ts';
export type { Lexicon, TopicDef, TermDef, Scoring, LoadLexiconOptions } from './lexicon.ts';
export { compileLexicon, scoreStatement, termSpans, topicSpans, highlightHtml } from './match.ts';
export type { CompiledLexicon, TopicLink, MatchedTerm, StatementText } from './match.ts';
export { linkStatements, linkPending, pendingStatementIds, syncTopics, defaultLexicon, setDefaultLexicon } from './link.ts';
export type { LinkOptions, LinkReport } from './link.ts';
export { listTopics, liveTopics, getTopic, topicPage, filterSql, docFilterSql, linkFilterSql, TopicsNotFound } from './query.ts';
export type { TopicFilters, TopicRow, TopicWithCounts, TopicPageData, TopicStatement, DocumentMeta } from './query.ts';
export { coverageMatrix, matrixCsv, isMatrixSort, MATRIX_SORTS } from './matrix.ts';
export type { CoverageMatrix, MatrixDocument, MatrixSort } from './matrix.ts';
export { compareDocuments } from './compare.ts';
export type { Comparison } from './compare.ts';
export { attributionLine, attributionPieces } from './attribution.ts';
