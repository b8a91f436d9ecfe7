import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PipelineContext } from '../context.ts';
import { tail } from '@msa/stack-driver';
import { materializeReleases, releaseStore } from '../release/state.ts';

export interface PreviewOptions {
  stack: string;
  /**
   * Write the summary to this file too: a pull request's preview job (branch code with a cloud role) holds no GitHub
   * write token, so the comment job (base code, no cloud role) posts the files (`pipeline comment-pr`).
   */
  summaryFile?: string;
}

/** `pulumi preview` for a stack a change touches, summarised. Changes nothing. */
export async function previewCommand(ctx: PipelineContext, opts: PreviewOptions, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  // The stack's releases are its release state (branch deployments/<stack>), not main's copy of its config.
  materializeReleases(ctx.root, opts.stack, (await releaseStore(ctx).read(opts.stack)).releases);
  const r = await ctx.pulumi.preview(opts.stack);
  const changes = /Resources:[\s\S]*$/m.exec(r.stdout)?.[0]?.trim() ?? tail(r, 15);
  const diff = /^Previewing update[\s\S]*?(?=^Resources:)/m.exec(r.stdout)?.[0]?.trim();
  const summary =
    `### pulumi preview: \`${opts.stack}\` ${r.exitCode === 0 ? '✅' : '❌'}\n\n\`\`\`\n${changes}\n\`\`\`\n` +
    (diff ? `\n<details><summary>diff</summary>\n\n\`\`\`diff\n${diff.slice(0, 50_000)}\n\`\`\`\n</details>\n` : '');
  ctx.log(summary);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, summary);
  if (opts.summaryFile) {
    mkdirSync(path.dirname(opts.summaryFile), { recursive: true });
    writeFileSync(opts.summaryFile, summary);
  }
  if (r.exitCode !== 0) throw new Error(`pulumi preview of ${opts.stack} failed:\n${tail(r)}`);
  return summary;
}
