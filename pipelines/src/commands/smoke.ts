import type { PipelineContext } from '../context.ts';
import { appendDeployment } from '../records/deployments.ts';
import { saveReleaseState } from '../release/state.ts';
import { endpointOf, smokeTest, type SmokeResult } from '../smoke/smoke.ts';
import { StackConfig } from '@msa/stack-driver';
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
  const config = StackConfig.load(ctx.root, opts.env);
  const names = opts.all ? Object.keys(config.releases()).sort() : [ctx.catalog().byName(opts.service ?? '').name];
  if (names.length === 0) throw new Error(`${opts.env} has no releases; nothing to smoke-test`);
  const outputs = await readStackOutputs(ctx, opts.env);
  const results: Record<string, SmokeResult> = {};
  for (const name of names) {
    const release = config.release(name);
    if (!release) throw new Error(`${name} has no release in ${opts.env}; nothing to smoke-test`);
    const result = await smokeTest(ctx.catalog().byName(name), endpointOf(outputs, name), ctx.smokeTimeoutMs);
    results[name] = result;
    appendDeployment(ctx.root, {
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
  await saveReleaseState(ctx, opts.env, `smoke(${opts.env}): ${names.join(', ')} ${failed.length ? `failed: ${failed.join(', ')}` : 'passed'}`);
  if (failed.length > 0) {
    throw new Error(failed.map((n) => `Smoke test of ${n} ${config.release(n)!.version} in ${opts.env} failed: ${results[n]!.detail}`).join('\n'));
  }
  return results;
}
