import { parseArgs } from 'node:util';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { diffPlans, planStack } from './plan.ts';
import { renderDiff, renderPlan } from './render.ts';

const USAGE = `Usage:
  npm run plan -- --stack <stack> [--stack <stack>...] [--json]   what each stack would have, with key settings
  npm run plan -- --diff <from> <to> [--json]                      what differs between two stacks
Runs the real Pulumi program under mocks: no cloud account, no credentials, no state.`;

/** The offline plan command; returns the exit code. */
export async function main(argv: string[], out: (text: string) => void = console.log): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { stack: { type: 'string', multiple: true }, diff: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) return out(USAGE), 0;
  const root = findRepoRoot();
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

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
