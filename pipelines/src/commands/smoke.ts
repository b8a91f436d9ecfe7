import type { PipelineContext } from '../context.ts';
import type { DeploymentRecord } from '../records/deployments.ts';
import { releaseStore } from '../release/state.ts';
import { endpointOf, smokeTest, type SmokeResult } from '../smoke/smoke.ts';
import { readStackOutputs } from '../stacks/running.ts';

export interface SmokeOptions {
  env: string;
  /** One service, or with `all` every service released in the stack (the set then counts as smoke-tested together). */
  service?: string;
  all?: boolean;
}

/**
 * The smoke test on its own, after a deploy or before a promotion: each service answers its health
 * paths in the stack; every result is recorded, so promote can tell what passed together.
 */
export async function smokeCommand(ctx: PipelineContext, opts: SmokeOptions): Promise<Record<string, SmokeResult>> {
  const store = releaseStore(ctx);
  const { releases } = await store.read(opts.env);
  const names = opts.all ? Object.keys(releases).sort() : [ctx.catalog().byName(opts.service ?? '').name];
  if (names.length === 0) throw new Error(`${opts.env} has no releases; nothing to smoke-test`);
  const outputs = await readStackOutputs(ctx, opts.env);
  const results: Record<string, SmokeResult> = {};
  const records: DeploymentRecord[] = [];
  for (const name of names) {
    const release = releases[name];
    if (!release) throw new Error(`${name} has no release in ${opts.env}; nothing to smoke-test`);
    const result = await smokeTest(ctx.catalog().byName(name), endpointOf(outputs, name), ctx.smokeTimeoutMs);
    results[name] = result;
    records.push({
      at: ctx.now().toISOString(),
      stack: opts.env,
      service: name,
      release,
      kind: 'smoke',
      result: result.ok ? 'passed' : 'failed',
      detail: result.detail,
    });
    ctx.log(`${opts.env}: ${name} ${release.version} ${result.ok ? 'passed its smoke test' : 'failed its smoke test'}: ${result.detail}`);
  }
  const failed = names.filter((n) => !results[n]!.ok);
  await store.update(opts.env, `smoke(${opts.env}): ${names.join(', ')} ${failed.length ? `failed: ${failed.join(', ')}` : 'passed'}`, (s) => {
    s.records.push(...records);
  });
  if (failed.length > 0) {
    throw new Error(failed.map((n) => `Smoke test of ${n} ${releases[n]!.version} in ${opts.env} failed: ${results[n]!.detail}`).join('\n'));
  }
  return results;
}
