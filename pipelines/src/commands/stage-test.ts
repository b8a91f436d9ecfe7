import type { PipelineContext } from '../context.ts';
import { renderTable } from '../output/table.ts';
import type { DeploymentRecord } from '../records/deployments.ts';
import { releaseStore } from '../release/state.ts';
import { endpointOf } from '../smoke/smoke.ts';
import type { ApiClient } from '../stage-test/client.ts';
import { stageTestHeaders } from '../stage-test/credentials.ts';
import { runSagaPaths, type PathResult } from '../stage-test/saga-paths.ts';
import { readStackOutputs } from '../stacks/running.ts';

export interface StageTestOptions {
  env: string;
  /** How long one saga path may take to end (default 60 s). */
  timeoutMs?: number;
  /** Headers for every API call (see stage-test/client.ts); default: a customer's token (stage-test/credentials.ts). */
  headers?: Record<string, string>;
}

export interface StageTestResult {
  stack: string;
  url: string;
  ms: number;
  paths: PathResult[];
}

/**
 * The stage's tests after a deploy or promotion: the black-box saga paths (stage-test/saga-paths.ts)
 * against the public service's endpoint that the stack exports. Timed, printed, and recorded in the
 * stack's log for every service it runs (they passed or failed together), so promote moves nothing
 * that failed them. Throws when a path fails.
 */
export async function stageTestCommand(ctx: PipelineContext, opts: StageTestOptions): Promise<StageTestResult> {
  const open = ctx.catalog().services.filter((s) => s.public);
  if (open.length !== 1) throw new Error(`The stage tests drive the one public service; the catalog marks ${open.length} (${open.map((s) => s.name).join(', ') || 'none'})`);
  const service = open[0]!;
  const outputs = await readStackOutputs(ctx, opts.env);
  const url = endpointOf(outputs, service.name);
  if (!url) throw new Error(`${opts.env} exports no endpoint for ${service.name} (stack output endpoints.${service.name}); has it been deployed?`);
  const client: ApiClient = { baseUrl: url, headers: opts.headers ?? (await stageTestHeaders(ctx.root, opts.env, outputs)) };
  const started = Date.now();
  const paths = await runSagaPaths(client, opts.timeoutMs ?? 60_000);
  const ms = Date.now() - started;
  const failed = paths.filter((p) => !p.ok);
  ctx.log(
    `${opts.env}: stage tests against ${url}: ${failed.length ? `${failed.length} of ${paths.length} failed` : 'all passed'} in ${(ms / 1000).toFixed(1)} s\n` +
      renderTable(['saga path', 'result', 'seconds', 'detail'], paths.map((p) => [p.path, p.ok ? 'passed' : 'FAILED', (p.ms / 1000).toFixed(2), p.detail])),
  );

  const store = releaseStore(ctx);
  const detail = `stage tests ${failed.length ? 'failed' : 'passed'} in ${ms} ms: ${paths.map((p) => `${p.path} ${p.ok ? 'ok' : `failed (${p.detail})`} ${p.ms} ms`).join('; ')}`;
  const { releases } = await store.read(opts.env);
  await store.update(opts.env, `test(${opts.env}): stage tests ${failed.length ? 'failed' : 'passed'}`, (s) => {
    for (const [name, release] of Object.entries(releases)) {
      // Only the releases the tests ran against: one that changed meanwhile was not tested here.
      if (s.releases[name]?.image !== release.image) continue;
      const record: DeploymentRecord = { at: ctx.now().toISOString(), stack: opts.env, service: name, release, kind: 'test', result: failed.length ? 'failed' : 'passed', detail };
      s.records.push(record);
    }
  });
  if (failed.length > 0) throw new Error(`Stage tests in ${opts.env} failed: ${failed.map((p) => `${p.path}: ${p.detail}`).join('; ')}`);
  return { stack: opts.env, url, ms, paths };
}
