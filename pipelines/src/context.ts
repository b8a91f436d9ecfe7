import { loadCatalog, type Catalog } from '@msa/catalog';
import { Pulumi } from '@msa/stack-driver';
import { PROMOTION_CHAIN, type Chain } from './stacks/chain.ts';

/** What every command needs: where the repository is, the chain, how to reach Pulumi, how to talk. */
export interface PipelineContext {
  root: string;
  chain: Chain;
  pulumi: Pulumi;
  catalog(): Catalog;
  log(line: string): void;
  /** How long a smoke test may wait for a service to come up. */
  smokeTimeoutMs: number;
  /** How long a deploy waits for another update's lock on the stack. */
  lockTimeoutMs: number;
  /** Kept for old callers: release state is always committed, to its own branch (release/store.ts). */
  commit: boolean;
  /** Release state is read from and written to the remote `stateRemote` (origin unless named). */
  push: boolean;
  /** The remote holding release state (branches deployments/<stack>); undefined: this repository's own refs. */
  stateRemote: string | undefined;
  now(): Date;
}

export interface ContextOptions {
  root: string;
  chain?: Chain;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  smokeTimeoutMs?: number;
  lockTimeoutMs?: number;
  commit?: boolean;
  push?: boolean;
  stateRemote?: string;
}

export function createContext(opts: ContextOptions): PipelineContext {
  let catalog: Catalog | undefined;
  return {
    root: opts.root,
    chain: opts.chain ?? PROMOTION_CHAIN,
    pulumi: new Pulumi({ root: opts.root, ...(opts.env ? { env: opts.env } : {}) }),
    catalog: () => (catalog ??= loadCatalog(opts.root)),
    log: opts.log ?? ((line) => process.stdout.write(line + '\n')),
    smokeTimeoutMs: opts.smokeTimeoutMs ?? 60_000,
    lockTimeoutMs: opts.lockTimeoutMs ?? 30 * 60_000,
    commit: opts.commit ?? false,
    push: opts.push ?? false,
    stateRemote: opts.stateRemote ?? (opts.push ? 'origin' : undefined),
    now: () => new Date(),
  };
}
