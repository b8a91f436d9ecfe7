// `npm run up [-- --stack <name>]`: brings a local stack up and prints each service's URL.
// (tools/pulumi/up.sh runs first: npm deps, the Pulumi CLI, the local servers.)
import { parseArgs } from 'node:util';
import { formatUrls, localOutputs, upStack } from '../local-stack.ts';

const { values } = parseArgs({ options: { stack: { type: 'string', default: 'local' } } });
const stack = values.stack ?? 'local';
const started = Date.now();
try {
  await upStack(stack, { stream: true });
} catch (err) {
  console.error(`\nup failed for stack ${stack}: see the output above.`);
  process.exitCode = 1;
  throw err;
}
console.log(`\n${formatUrls(stack, await localOutputs(stack))}\n(${((Date.now() - started) / 1000).toFixed(1)}s)`);
