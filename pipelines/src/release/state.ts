import { Git } from '../git/git.ts';
import type { PipelineContext } from '../context.ts';
import { DEPLOYMENTS_DIR } from '../records/deployments.ts';
import { stackFileName } from '@msa/catalog';

/** Commits (and pushes, when asked) a stack's release state: its config and its deployment log. */
export async function saveReleaseState(ctx: PipelineContext, stack: string, message: string): Promise<void> {
  if (!ctx.commit) return;
  const git = new Git(ctx.root);
  const paths = [stackFileName(stack), `${DEPLOYMENTS_DIR}/${stack}.jsonl`, `${DEPLOYMENTS_DIR}/.gitattributes`];
  if (await git.commitPaths(paths, message)) ctx.log(`committed release state of ${stack}: ${message}`);
  if (ctx.push) await git.pushWithRebase();
}
