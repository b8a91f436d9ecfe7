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
  /** Commit the release state (config + deployment log) after each change. */
  commit: boolean;
  /** Push those commits (rebasing onto what others pushed meanwhile). */
  push: boolean;
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
    now: () => new Date(),
  };
}
