// A release job: writes the bundle on the machine of the worker that runs it (give an output
// directory that worker can write to). A release version is never reused, so a retry after a
// killed attempt that had already recorded the release reports it instead of failing.
import type { JobContext } from '../types.ts';

export interface ReleaseJobParams {
  version: string;
  outDir: string;
  baseUrl?: string;
}

export async function releaseJob(ctx: JobContext): Promise<unknown> {
  const { makeRelease, listReleases } = await import('../../release/index.ts');
  const p = ctx.job.params as unknown as ReleaseJobParams;
  if (ctx.attempt > 1) {
    const made = (await listReleases(ctx.store)).find((r) => r.version === p.version);
    if (made) return { version: p.version, path: made.path, note: 'recorded by an earlier attempt' };
  }
  const res = await makeRelease(ctx.store, {
    version: p.version,
    outDir: p.outDir,
    baseUrl: p.baseUrl,
    onProgress: (stage, n) => ctx.progress({ done: n, message: `release ${p.version}: ${stage}` }),
  });
  return { version: res.manifest.version, dir: res.dir, counts: res.manifest.counts };
}
