import path from 'node:path';

/** The repository root: this module lives in <root>/infra/src/targets/local. */
export const repoRoot = path.resolve(import.meta.dirname, '../../../..');

/** Where a local stack keeps its supervisors' specs, state and logs (git-ignored). */
export const stackRuntimeDir = (stack: string, root = repoRoot) => path.join(root, '.local', 'stacks', stack);

/** Where a local stack's development token issuer keeps its private key (0600) and public JWKS. */
export const issuerDir = (stack: string, root = repoRoot) => path.join(stackRuntimeDir(stack, root), 'issuer');
