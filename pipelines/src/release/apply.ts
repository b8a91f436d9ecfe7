import type { PipelineContext } from '../context.ts';
import { upWaitingForLock } from '@msa/stack-driver';
import type { DeploymentRecord } from '../records/deployments.ts';
import { endpointOf, smokeTest, type SmokeResult } from '../smoke/smoke.ts';
import { readStackOutputs } from '../stacks/running.ts';
import type { Release, Releases } from '../stacks/release.ts';
import { withStackLock } from './lock.ts';
import { materializeReleases, releaseStore } from './state.ts';

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
  /** The release-state commit that records this outcome (branch deployments/<stack>). */
  stateCommit?: string;
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
 * Sets releases in a stack, runs `pulumi up`, smoke-tests each changed service, and records the
 * result as one commit of the stack's release state. All of it holds the stack's release lock, and
 * the state is read only once the lock is held: `up` runs what the stack runs now (including what
 * a deploy that finished a second ago released) with only this deploy's services changed. On any
 * failure it puts the previous releases back, runs `pulumi up` again, and says so: a stack is never
 * left on a release that failed.
 */
export async function applyReleases(ctx: PipelineContext, stack: string, changes: ReleaseChange[], opts: ApplyOptions): Promise<ApplyOutcome> {
  const catalog = ctx.catalog();
  for (const c of changes) catalog.byName(c.service); // unknown services stop here, before any change
  const store = releaseStore(ctx);
  const what = changes.map((c) => `${c.service} ${c.release.version}`).join(', ');
  const owner = `${opts.kind} ${what} (${process.env.GITHUB_RUN_ID ? `run ${process.env.GITHUB_RUN_ID}` : `pid ${process.pid}`})`;
  const lock = {
    owner,
    timeoutMs: ctx.lockTimeoutMs,
    onWaiting: (holder: string, waitedMs: number) => ctx.log(`${stack}: waiting for the release lock (${holder}); waited ${Math.round(waitedMs / 1000)} s`),
  };
  return withStackLock(store, stack, lock, async () => {
    const state = await store.read(stack);
    const previous: Record<string, Release | undefined> = {};
    const releases: Releases = { ...state.releases };
    for (const c of changes) {
      previous[c.service] = state.releases[c.service];
      releases[c.service] = c.release;
    }
    materializeReleases(ctx.root, stack, releases);
    ctx.log(`${stack}: releasing ${what} (${changes.map((c) => c.release.image).join(', ')})`);

    const records: DeploymentRecord[] = [];
    const record = (c: ReleaseChange, result: DeploymentRecord['result'], detail: string) =>
      records.push({ at: ctx.now().toISOString(), stack, service: c.service, release: c.release, kind: opts.kind, result, ...(opts.from ? { from: opts.from } : {}), detail });

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
      const saved = await store.update(stack, `release(${stack}): ${what}`, (s) => {
        for (const c of changes) s.releases[c.service] = c.release;
        s.records.push(...records);
      });
      ctx.log(`${stack}: ${what} deployed and passed its smoke test (release state ${saved.commit!.slice(0, 10)} on ${store.remote ?? 'this repository'}'s deployments/${stack})`);
      return { stack, changes, previous, smoke, stateCommit: saved.commit! };
    }

    // Roll back: the previous releases go back onto the stack; the others stay as the state says.
    ctx.log(`${stack}: ${what} failed: ${failure}`);
    const restored: Releases = { ...state.releases };
    materializeReleases(ctx.root, stack, restored);
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
    await store.update(stack, `rollback(${stack}): ${what} failed; ${rollbackNote}`, (s) => {
      for (const c of changes) {
        if (previous[c.service]) s.releases[c.service] = previous[c.service]!;
        else delete s.releases[c.service];
      }
      s.records.push(...records);
    });
    throw new DeployFailedError(`Deploying ${what} to ${stack} failed: ${failure}. ${capitalize(rollbackNote)}.`, { stack, changes, previous, smoke });
  });
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
