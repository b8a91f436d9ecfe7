// `npm run down [-- --stack <name>]`: destroys a local stack's services, databases and topics.
// The shared servers keep running (`npm run servers -- stop` stops them).
import { parseArgs } from 'node:util';
import { destroyStack } from '../local-stack.ts';

const { values } = parseArgs({ options: { stack: { type: 'string', default: 'local' } } });
const stack = values.stack ?? 'local';
await destroyStack(stack, { stream: true });
console.log(`\nStack ${stack} destroyed: no process, database, topic or runtime file of it is left.`);
