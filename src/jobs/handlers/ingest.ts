// An ingest job: documents (files carried in the job, so any worker on any machine can read them,
// or URLs the worker fetches), each written in one transaction together with the job's checkpoint
// that says it is done. A retried attempt skips the documents already written; a document whose
// attempt was killed mid-way was never written at all (and re-ingesting the same text updates the
// same document, found by its fingerprint, never a second copy).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { IngestOptions } from '../../ingest/index.ts';
import type { JobContext } from '../types.ts';

export interface IngestInput {
  /** What the user gave: a path or a URL. */
  source: string;
  /** The file's bytes (base64) for a local file; absent for a URL. */
  base64?: string;
}

export type IngestJobOptions = Pick<
  IngestOptions,
  'title' | 'organisation' | 'date' | 'type' | 'jurisdiction' | 'language' | 'kind' | 'licence' | 'attribution' | 'format' | 'encoding' | 'maxBytes' | 'timeoutMs'
>;

export interface IngestJobParams {
  inputs: IngestInput[];
  options: IngestJobOptions;
  link?: boolean;
  classify?: boolean;
}

/** Read local files into the job's parameters (so that a worker elsewhere has them). */
export async function ingestParams(sources: string[], options: IngestJobOptions, extra: { link?: boolean; classify?: boolean } = {}): Promise<IngestJobParams> {
  const { isUrl, loadSource } = await import('../../ingest/index.ts');
  const inputs: IngestInput[] = [];
  for (const source of sources) {
    if (isUrl(source)) inputs.push({ source });
    else inputs.push({ source, base64: Buffer.from((await loadSource(source, options)).bytes).toString('base64') });
  }
  return { inputs, options, ...extra };
}

export async function ingestJob(ctx: JobContext): Promise<unknown> {
  const { prepare, writePrepared } = await import('../../ingest/index.ts');
  const p = ctx.job.params as unknown as IngestJobParams;
  const db = ctx.store.db;
  const done = new Set((ctx.job.checkpoint.done as number[] | undefined) ?? []);
  const statementIds = new Set((ctx.job.checkpoint.statementIds as string[] | undefined) ?? []);
  const results: { source: string; documentId: string; statements: number; created: number; updated: number; unchanged: number }[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'govnav-ingest-job-'));
  try {
    for (let i = 0; i < p.inputs.length; i++) {
      ctx.progress({ done: done.size, total: p.inputs.length, message: `ingest ${p.inputs[i]!.source}` });
      if (done.has(i)) continue;
      if (ctx.signal.aborted) throw new Error('stopped before every document was ingested (cancelled or shutting down)');
      const input = p.inputs[i]!;
      let path = input.source;
      if (input.base64 !== undefined) {
        path = join(dir, `${i}-${basename(input.source)}`);
        writeFileSync(path, Buffer.from(input.base64, 'base64'));
      }
      const prepared = await prepare(path, p.options);
      const r = await db.transaction(async (tx) => {
        const res = await writePrepared(tx, prepared, {});
        done.add(i);
        for (const id of res.statementIds) statementIds.add(id);
        await ctx.saveCheckpoint(tx, { done: [...done], statementIds: [...statementIds] });
        return res;
      });
      results.push({ source: input.source, documentId: r.documentId, statements: r.statements, created: r.created, updated: r.updated, unchanged: r.unchanged });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  ctx.progress({ done: p.inputs.length, total: p.inputs.length, message: 'documents written' });
  const post: Record<string, unknown> = {};
  const ids = [...statementIds];
  if (ids.length && (p.classify || p.link)) {
    const { classifyIngested, linkIngested } = await import('../../ingest/post.ts');
    if (p.link) post.link = await linkIngested(ctx.store, ids);
    if (p.classify) post.classify = await classifyIngested(ctx.store, ids);
  }
  return { documents: results, statements: ids.length, ...post };
}
