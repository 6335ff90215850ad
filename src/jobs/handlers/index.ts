// The work behind each job kind.
import type { JobHandler, JobKind } from '../types.ts';
import { classifyJob } from './classify.ts';
import { ingestJob } from './ingest.ts';
import { topicsLinkJob } from './topics.ts';
import { releaseJob } from './release.ts';

const HANDLERS: Record<JobKind, JobHandler> = {
  classify: classifyJob,
  ingest: ingestJob,
  'topics-link': topicsLinkJob,
  release: releaseJob,
};

export function handlerFor(kind: string): JobHandler {
  const h = HANDLERS[kind as JobKind];
  if (!h) throw new Error(`Unknown job kind "${kind}". Known: ${Object.keys(HANDLERS).join(', ')}`);
  return h;
}
