// Table schemas (zod) and the row types inferred from them; see tables.ts.
export * from './columns.ts';
export * as tables from './tables.ts';
export type { DocumentRecord, StatementRecordRow, ClassificationRecord, DatasetRecord, TopicRecord, StatementTopicRecord, WorkRecord } from './tables.ts';
