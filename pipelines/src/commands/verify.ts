import type { PipelineContext } from '../context.ts';
import { appendDeployment } from '../records/deployments.ts';
import { saveReleaseState } from '../release/state.ts';
import { endpointOf, smokeTest, type SmokeResult } from '../smoke/smoke.ts';
import { StackConfig } from '../stacks/config.ts';

/** The stage's tests after a deploy: the service answers in the stack; the result is recorded. */
export async function verifyCommand(ctx: PipelineContext, opts: { service: string; env: string }): Promise<SmokeResult> {
  const service = ctx.catalog().byName(opts.service);
  const release = StackConfig.load(ctx.root, opts.env).release(opts.service);
  if (!release) throw new Error(`${opts.service} has no release in ${opts.env}; nothing to verify`);
  const result = await smokeTest(service, endpointOf(await ctx.pulumi.outputs(opts.env), opts.service), ctx.smokeTimeoutMs);
  appendDeployment(ctx.root, {
    at: ctx.now().toISOString(),
    stack: opts.env,
    service: opts.service,
    release,
    kind: 'verify',
    result: result.ok ? 'passed' : 'failed',
    detail: result.detail,
  });
  await saveReleaseState(ctx, opts.env, `verify(${opts.env}): ${opts.service} ${release.version} ${result.ok ? 'passed' : 'failed'}`);
  if (!result.ok) throw new Error(`Verification of ${opts.service} ${release.version} in ${opts.env} failed: ${result.detail}`);
  ctx.log(`${opts.env}: ${opts.service} ${release.version} verified: ${result.detail}`);
  return result;
}
