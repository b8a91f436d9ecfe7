import { parseArgs } from 'node:util';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { captureStack, settle } from './capture.ts';
import { diffPlans, planStack } from './plan.ts';
import { renderDiff, renderPlan } from './render.ts';

const USAGE = `Usage:
  npm run plan -- --stack <stack> [--stack <stack>...] [--json]   what each stack would have, with key settings
  npm run plan -- --diff <from> <to> [--json]                      what differs between two stacks
  npm run plan -- --outputs <stack>                                the stack's outputs as JSON, as \`pulumi stack output --json\` prints them
Runs the real Pulumi program under mocks: no cloud account, no credentials, no state.`;

/** The offline plan command; returns the exit code. */
export async function main(argv: string[], out: (text: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { stack: { type: 'string', multiple: true }, diff: { type: 'boolean' }, outputs: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) return out(USAGE), 0;
  const root = findRepoRoot();
  if (values.outputs) return out(JSON.stringify(await stackOutputs(values.outputs, root), null, 2)), 0;
  const catalog = loadCatalog(root);
  if (values.diff) {
    const [from, to] = positionals;
    if (!from || !to || positionals.length !== 2) throw new Error(`--diff takes two stacks, e.g. --diff staging prod\n\n${USAGE}`);
    const d = diffPlans(await planStack(from, root, catalog), await planStack(to, root, catalog));
    out(values.json ? JSON.stringify(d, null, 2) : renderDiff(d));
    return 0;
  }
  const stacks = [...(values.stack ?? []), ...positionals];
  if (!stacks.length) throw new Error(`name a stack with --stack\n\n${USAGE}`);
  for (const stack of stacks) {
    const plan = await planStack(stack, root, catalog);
    out(values.json ? JSON.stringify(plan, null, 2) : renderPlan(plan));
  }
  return 0;
}

/** The outputs the real program exports for a stack, resolved (secrets shown) as the CLI prints them. */
async function stackOutputs(stack: string, root: string): Promise<unknown> {
  const capture = await captureStack(stack, { root });
  if (capture.error) throw capture.error;
  return JSON.parse(JSON.stringify(await settle(capture.outputs)));
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
