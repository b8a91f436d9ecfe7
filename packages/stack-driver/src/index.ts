// The one stack driver: Pulumi.<stack>.yaml read and written in place, the Pulumi CLI run (and its
// lock waited for), local stacks brought up, cloned and destroyed. Infra stays a pure program.
export { exec, execOrThrow, type ExecOptions, type ExecResult } from './exec.ts';
export { Pulumi, PulumiError, pulumiCommand, STACK_LOCKED, tail, TOOLS_ROOT, type PulumiOptions } from './pulumi.ts';
export { upWaitingForLock, type LockWaitOptions } from './lock.ts';
export { StackConfig, parseReleases } from './stack-file.ts';
export { pulumi, stackOutputs, repoRoot, PulumiCommandError, type PulumiRunOptions } from './pulumi-cli.ts';
export { destroyStack, ensureStack, formatUrls, localOutputs, refreshStack, stackExists, upStack, waitHealthy, type LocalStackOutputs } from './local-stack.ts';
export { cloneLocalStack, cloneNames, destroyLocalClone, freePortOffset, readLocalStackFile, smokeTest as smokeTestClone, type CloneOptions, type CloneReport } from './local-clone.ts';
