import { appendFileSync } from 'node:fs';
import type { PipelineContext } from '../context.ts';
import { tail } from '@msa/stack-driver';
import { materializeReleases, releaseStore } from '../release/state.ts';

export interface PreviewOptions {
  stack: string;
  /** Pull request to comment the summary on (needs GITHUB_TOKEN and GITHUB_REPOSITORY). */
  commentOn?: number;
}

/** `pulumi preview` for a stack a change touches, summarised for a pull request. Changes nothing. */
export async function previewCommand(ctx: PipelineContext, opts: PreviewOptions, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  // The stack's releases are its release state (branch deployments/<stack>), not main's copy of its config.
  materializeReleases(ctx.root, opts.stack, (await releaseStore(ctx).read(opts.stack)).releases);
  const r = await ctx.pulumi.preview(opts.stack);
  const changes = /Resources:[\s\S]*$/m.exec(r.stdout)?.[0]?.trim() ?? tail(r, 15);
  const summary = `### pulumi preview: \`${opts.stack}\` ${r.exitCode === 0 ? '✅' : '❌'}\n\n\`\`\`\n${changes}\n\`\`\`\n`;
  ctx.log(summary);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, summary);
  if (opts.commentOn !== undefined) await commentOnPullRequest(opts.commentOn, summary, env);
  if (r.exitCode !== 0) throw new Error(`pulumi preview of ${opts.stack} failed:\n${tail(r)}`);
  return summary;
}

async function commentOnPullRequest(pr: number, body: string, env: NodeJS.ProcessEnv): Promise<void> {
  const repo = env.GITHUB_REPOSITORY;
  const token = env.GITHUB_TOKEN;
  if (!repo || !token) throw new Error('Commenting on a pull request needs GITHUB_REPOSITORY and GITHUB_TOKEN');
  const res = await fetch(`${env.GITHUB_API_URL ?? 'https://api.github.com'}/repos/${repo}/issues/${pr}/comments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'content-type': 'application/json' },
    body: JSON.stringify({ body }),
  });
  if (!res.ok) throw new Error(`GitHub API: commenting on #${pr} answered ${res.status}`);
}
