import type { PipelineContext } from '../context.ts';
import { StackConfig, upWaitingForLock } from '@msa/stack-driver';
import { appendDeployment, type DeploymentRecord } from '../records/deployments.ts';
import { endpointOf, smokeTest, type SmokeResult } from '../smoke/smoke.ts';
import { readStackOutputs } from '../stacks/running.ts';
import type { Release } from '../stacks/release.ts';
import { saveReleaseState } from './state.ts';

export interface ReleaseChange {
  service: string;
  release: Release;
}

export interface ApplyOptions {
  kind: DeploymentRecord['kind'];
  from?: string;
}

export interface ApplyOutcome {
  stack: string;
  changes: ReleaseChange[];
  previous: Record<string, Release | undefined>;
  smoke: Record<string, SmokeResult>;
}

export class DeployFailedError extends Error {
  readonly outcome: Partial<ApplyOutcome>;
  constructor(message: string, outcome: Partial<ApplyOutcome>) {
    super(message);
    this.name = 'DeployFailedError';
    this.outcome = outcome;
  }
}

/**
 * Sets releases in a stack's config, runs `pulumi up` (waiting for the stack's lock), smoke-tests
 * each changed service, and records the result. On any failure it puts the previous releases
 * back, runs `pulumi up` again, and says so: a stack is never left on a release that failed.
 */
export async function applyReleases(ctx: PipelineContext, stack: string, changes: ReleaseChange[], opts: ApplyOptions): Promise<ApplyOutcome> {
  const config = StackConfig.load(ctx.root, stack);
  const catalog = ctx.catalog();
  const previous: Record<string, Release | undefined> = {};
  for (const c of changes) {
    catalog.byName(c.service); // unknown services stop here, before any change
    previous[c.service] = config.release(c.service);
    config.setRelease(c.service, c.release);
  }
  config.save();
  const what = changes.map((c) => `${c.service} ${c.release.version}`).join(', ');
  ctx.log(`${stack}: releasing ${what} (${changes.map((c) => c.release.image).join(', ')})`);

  const record = (c: ReleaseChange, result: DeploymentRecord['result'], detail: string, kind = opts.kind) =>
    appendDeployment(ctx.root, {
      at: ctx.now().toISOString(),
      stack,
      service: c.service,
      release: c.release,
      kind,
      result,
      ...(opts.from ? { from: opts.from } : {}),
      detail,
    });

  let failure: string | undefined;
  const smoke: Record<string, SmokeResult> = {};
  try {
    await ensureUp(ctx, stack);
    const outputs = await readStackOutputs(ctx, stack);
    for (const c of changes) {
      const result = await smokeTest(catalog.byName(c.service), endpointOf(outputs, c.service), ctx.smokeTimeoutMs);
      smoke[c.service] = result;
      if (!result.ok) failure = result.detail;
    }
  } catch (e) {
    failure = (e as Error).message;
  }

  if (failure === undefined) {
    for (const c of changes) record(c, 'passed', smoke[c.service]!.detail);
    ctx.log(`${stack}: ${what} deployed and passed its smoke test`);
    await saveReleaseState(ctx, stack, `release(${stack}): ${what}`);
    return { stack, changes, previous, smoke };
  }

  // Roll back: the previous releases go back into the config and onto the stack.
  ctx.log(`${stack}: ${what} failed: ${failure}`);
  for (const c of changes) config.setRelease(c.service, previous[c.service]);
  config.save();
  const back = changes.map((c) => `${c.service} ${previous[c.service]?.version ?? '(none)'}`).join(', ');
  let rollbackNote: string;
  try {
    await ensureUp(ctx, stack);
    const outputs = await readStackOutputs(ctx, stack);
    const checks = await Promise.all(
      changes
        .filter((c) => previous[c.service])
        .map((c) => smokeTest(catalog.byName(c.service), endpointOf(outputs, c.service), ctx.smokeTimeoutMs)),
    );
    const bad = checks.find((r) => !r.ok);
    rollbackNote = bad ? `rolled back to ${back}, but the smoke test still fails: ${bad.detail}` : `rolled back to ${back}`;
  } catch (e) {
    rollbackNote = `rolling back to ${back} failed too: ${(e as Error).message}`;
  }
  for (const c of changes) record(c, 'rolled-back', `${failure}; ${rollbackNote}`);
  ctx.log(`${stack}: ${rollbackNote}`);
  await saveReleaseState(ctx, stack, `rollback(${stack}): ${what} failed; ${rollbackNote}`);
  throw new DeployFailedError(`Deploying ${what} to ${stack} failed: ${failure}. ${capitalize(rollbackNote)}.`, { stack, changes, previous, smoke });
}

async function ensureUp(ctx: PipelineContext, stack: string): Promise<void> {
  await ctx.pulumi.ensureStack(stack);
  await upWaitingForLock(ctx.pulumi, stack, {
    timeoutMs: ctx.lockTimeoutMs,
    onWaiting: ({ waitedMs, holder }) => ctx.log(`${stack}: waiting for the stack's lock (${holder}); waited ${Math.round(waitedMs / 1000)} s`),
  });
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
