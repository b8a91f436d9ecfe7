import type { PipelineContext } from '../context.ts';
import { Git } from '../git/git.ts';
import { lastPassed } from '../records/deployments.ts';
import { renderTable } from '../output/table.ts';
import { listStacks } from '@msa/catalog';
import { releaseStore } from '../release/state.ts';
import { sameArtifact, type Release } from '../stacks/release.ts';
import { describeRunning, readStackOutputs, runningReleases, runsRelease, type Running } from '../stacks/running.ts';

export type DriftState = 'in-sync' | 'drifted' | 'not-deployed' | 'not-released' | 'unknown';

export interface ServiceStatus {
  service: string;
  /** What git (the stack's release state, branch deployments/<stack>) says the stack runs. */
  release: Release | null;
  /** When it last passed there, from the deployment log in git. */
  deployedAt: string | null;
  /** What the stack itself reports running (its outputs). */
  running: Running | null;
  state: DriftState;
  detail: string;
}

export interface StackStatus {
  stack: string;
  /** The release-state commit read (undefined: the stack has none yet; its config file's seed counts). */
  stateCommit?: string;
  reachable: boolean;
  detail: string;
  services: ServiceStatus[];
}

export interface StatusResult {
  /** Where release state was read: a remote, or this repository. */
  ref: string;
  /** The checked-out commit (the program and config the stacks are compared under). */
  commit: string;
  stacks: StackStatus[];
  drifted: { stack: string; service: string; detail: string }[];
}

export class DriftError extends Error {
  readonly result: StatusResult;
  constructor(result: StatusResult) {
    super(`Drift between git and the stacks:\n${result.drifted.map((d) => `  - ${d.stack}/${d.service}: ${d.detail}`).join('\n')}`);
    this.name = 'DriftError';
    this.result = result;
  }
}

/**
 * Every environment by every service: the release git says (each stack's release-state branch),
 * when it passed there, and whether the stack runs the same thing (drift). Read-only.
 */
export async function statusCommand(
  ctx: PipelineContext,
  opts: { stacks?: string[]; json?: boolean; failOnDrift?: boolean } = {},
): Promise<StatusResult> {
  const git = new Git(ctx.root);
  const store = releaseStore(ctx);
  const ref = `deployments/* on ${store.remote ?? 'this repository'}`;
  const commit = await git.revParse('HEAD');
  const services = ctx.catalog().services.map((s) => s.name);
  const stacks = opts.stacks ?? orderStacks(ctx.chain, listStacks(ctx.root));
  const result: StatusResult = { ref, commit, stacks: [], drifted: [] };

  for (const stack of stacks) {
    const { releases, records, commit: stateCommit } = await store.read(stack);
    let problem: string | undefined;
    const outputs = await readStackOutputs(ctx, stack).catch((e: Error) => void (problem = e.message));
    const running = runningReleases(outputs ?? undefined);
    const reachable = outputs !== undefined || problem !== undefined;
    const detail = problem ?? (!reachable ? 'stack not reachable or never updated' : 'ok');
    const rows: ServiceStatus[] = services.map((service) => {
      const release = releases[service] ?? null;
      const passed = lastPassed(records.filter((r) => release && sameArtifact(r.release, release)), service);
      const now = running?.[service] ?? null;
      let state: DriftState;
      let why: string;
      if (!reachable || running === undefined) {
        state = release ? 'unknown' : 'not-released';
        why = detail;
      } else if (!release && !now) {
        state = 'not-released';
        why = 'no release in git, nothing running';
      } else if (!release && now) {
        state = 'not-released';
        why = `no release in git; the stack runs its default ${describeRunning(now)}`;
      } else if (release && !now) {
        state = 'not-deployed';
        why = `git says ${release.version}, the stack runs nothing`;
      } else if (runsRelease(now ?? undefined, release ?? undefined)) {
        state = 'in-sync';
        why = 'the stack runs what git says';
      } else {
        state = 'drifted';
        why = `git says ${release ? `${release.version} (${release.image})` : 'nothing'}, the stack runs ${describeRunning(now!)}`;
      }
      if (state === 'drifted' || state === 'not-deployed') result.drifted.push({ stack, service, detail: why });
      return { service, release, deployedAt: passed?.at ?? null, running: now, state, detail: why };
    });
    result.stacks.push({ stack, ...(stateCommit ? { stateCommit } : {}), reachable, detail, services: rows });
  }

  if (opts.json) ctx.log(JSON.stringify(result, null, 2));
  else ctx.log(renderStatus(result));
  if (opts.failOnDrift) {
    // A stack that cannot be read is not "no drift": drift detection fails rather than pass blind.
    for (const st of result.stacks) {
      for (const sv of st.services) if (sv.state === 'unknown') result.drifted.push({ stack: st.stack, service: sv.service, detail: `cannot tell: ${sv.detail}` });
    }
    if (result.drifted.length > 0) throw new DriftError(result);
  }
  return result;
}

function orderStacks(chain: readonly string[], present: string[]): string[] {
  return [...chain.filter((s) => present.includes(s)), ...present.filter((s) => !chain.includes(s))];
}

export function renderStatus(result: StatusResult): string {
  const rows: string[][] = [];
  for (const s of result.stacks) {
    for (const r of s.services) {
      rows.push([
        s.stack,
        r.service,
        r.release?.version ?? '-',
        r.release?.commit.slice(0, 10) ?? '-',
        r.deployedAt ?? '-',
        r.state === 'in-sync' ? 'in sync' : `${r.state}: ${r.detail}`,
      ]);
    }
  }
  return `Release state: ${result.ref}, program at ${result.commit.slice(0, 10)}\n` + renderTable(['stack', 'service', 'version', 'commit', 'passed at', 'state'], rows);
}
