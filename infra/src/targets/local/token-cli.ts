// npm run token -- --sub alice [--role operator] [--stack local] [--ttl 3600]
// Prints a bearer token the local stack's services accept: signed by that stack's dev issuer.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DevIssuer } from '@msa/service-kit/dev-issuer';
import { issuerDir, stackRuntimeDir } from './paths.ts';

const usage = 'usage: npm run token -- --sub <customer> [--role operator]... [--stack local] [--ttl <seconds>]';

function main(): void {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      role: { type: 'string', multiple: true, default: [] },
      stack: { type: 'string', default: 'local' },
      ttl: { type: 'string', default: '3600' },
    },
    strict: true,
  });
  if (!values.sub) throw new Error(`--sub is required (the customer the token speaks for)\n${usage}`);
  const ttlSeconds = Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 86_400) throw new Error(`--ttl: whole seconds from 1 to 86400, not "${values.ttl}"`);
  // Only a stack that has been brought up has an issuer its services trust.
  if (!existsSync(stackRuntimeDir(values.stack))) throw new Error(`--stack: no local stack "${values.stack}" on this machine (npm run up creates "local")`);
  const issuer = DevIssuer.open(issuerDir(values.stack), values.stack);
  void issuer.mint({ sub: values.sub, roles: values.role, ttlSeconds }).then((token) => console.log(token));
}

try {
  main();
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
