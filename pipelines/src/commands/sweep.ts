import type { PipelineContext } from '../context.ts';
import { PREVIEW_STACK } from '../stacks/chain.ts';
import { destroyEnvCommand } from './destroy-env.ts';

export interface SweepOptions {
  /** Time to live of a clone since its last update, in hours. */
  ttlHours: number;
  /** Open pull request numbers; a pr-<n> clone whose PR is not among them is destroyed. */
  openPullRequests?: number[];
  dryRun?: boolean;
}

export interface SweepDecision {
  stack: string;
  action: 'destroy' | 'keep';
  reason: string;
}

/** Destroys clones whose pull request is closed or whose time to live has passed. */
export async function sweepCommand(ctx: PipelineContext, opts: SweepOptions): Promise<SweepDecision[]> {
  const now = ctx.now().getTime();
  const decisions: SweepDecision[] = [];
  for (const s of await ctx.pulumi.stackNames()) {
    if (ctx.chain.includes(s.name) || !PREVIEW_STACK.test(s.name)) continue;
    const pr = /^pr-(\d+)$/.exec(s.name)?.[1];
    const updated = s.lastUpdate ? Date.parse(s.lastUpdate) : NaN;
    const ageHours = Number.isNaN(updated) ? Number.POSITIVE_INFINITY : (now - updated) / 3_600_000;
    let d: SweepDecision;
    if (pr && opts.openPullRequests && !opts.openPullRequests.includes(Number(pr))) {
      d = { stack: s.name, action: 'destroy', reason: `pull request #${pr} is closed` };
    } else if (ageHours > opts.ttlHours) {
      d = { stack: s.name, action: 'destroy', reason: Number.isFinite(ageHours) ? `last updated ${ageHours.toFixed(1)} h ago, past its ${opts.ttlHours} h time to live` : 'never updated' };
    } else {
      d = { stack: s.name, action: 'keep', reason: pr ? `pull request #${pr} open, ${ageHours.toFixed(1)} h old` : `${ageHours.toFixed(1)} h old` };
    }
    decisions.push(d);
    ctx.log(`sweep: ${d.stack}: ${d.action} (${d.reason})`);
    if (d.action === 'destroy' && !opts.dryRun) await destroyEnvCommand(ctx, { stack: d.stack });
  }
  return decisions;
}

/** Open pull requests from the GitHub API (GITHUB_TOKEN, GITHUB_REPOSITORY), for the scheduled sweep. */
export async function openPullRequestsFromGithub(env: NodeJS.ProcessEnv = process.env): Promise<number[]> {
  const repo = env.GITHUB_REPOSITORY;
  const token = env.GITHUB_TOKEN;
  if (!repo || !token) throw new Error('--open-prs github needs GITHUB_REPOSITORY and GITHUB_TOKEN in the environment');
  const numbers: number[] = [];
  for (let page = 1; ; page++) {
    const res = await fetch(`${env.GITHUB_API_URL ?? 'https://api.github.com'}/repos/${repo}/pulls?state=open&per_page=100&page=${page}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json' },
    });
    if (!res.ok) throw new Error(`GitHub API: listing open pull requests of ${repo} answered ${res.status}`);
    const batch = (await res.json()) as { number: number }[];
    numbers.push(...batch.map((p) => p.number));
    if (batch.length < 100) return numbers;
  }
}
