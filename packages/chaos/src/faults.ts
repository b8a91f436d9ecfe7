/**
 * The faults a run injects, as a plan read (and printed) before it starts. Kills come at fixed times
 * throughout; the longer faults form a chain, each starting a few seconds after the previous one
 * ended, so each is felt on its own (on a loaded machine a broker restart alone can take 40 s).
 */
export type ChainStep =
  | { kind: 'refuse-database'; service: string; forMs: number }
  | { kind: 'restart-kafka' }
  | { kind: 'restart-postgres' }
  | { kind: 'restart-redis' }
  | { kind: 'poison' }
  | { kind: 'retire-one-replica-each' };

export interface FaultPlan {
  /** A random service process is SIGKILLed this often while the load runs (0: never). */
  killEveryMs: number;
  /** Waited for before the first chained fault. */
  chainStartMs: number;
  /** Pause between one chained fault's end and the next one's start. */
  gapMs: number;
  chain: ChainStep[];
}

export interface ChaosPlanOptions {
  killEveryMs: number;
  outageMs: number;
  services: string[];
  /** Some service keeps its store in Redis: the run restarts Redis too. */
  redis?: boolean;
}

/**
 * The chaos scenario: a SIGKILL of a random service process every killEveryMs for the whole load; and,
 * one after another, each service's database refused for outageMs with the broker restart, the
 * poison, the PostgreSQL restart and (when a service is on Redis) the Redis restart in between.
 */
export function chaosPlan(o: ChaosPlanOptions): FaultPlan {
  const refuse = (service: string): ChainStep => ({ kind: 'refuse-database', service, forMs: o.outageMs });
  const [first, second, ...rest] = o.services;
  const chain: ChainStep[] = [
    ...(first ? [refuse(first)] : []),
    { kind: 'restart-kafka' },
    { kind: 'poison' },
    ...(second ? [refuse(second)] : []),
    { kind: 'restart-postgres' },
    ...(o.redis ? [{ kind: 'restart-redis' } as const] : []),
    ...rest.map(refuse),
  ];
  return { killEveryMs: o.killEveryMs, chainStartMs: 3_000, gapMs: 3_000, chain };
}

/** The scale-out scenario: under steady load, one replica of every service is killed a third of the way in and stays down. */
export function scaleOutPlan(durationMs: number): FaultPlan {
  return { killEveryMs: 0, chainStartMs: Math.round(durationMs / 3) - 1_000, gapMs: 1_000, chain: [{ kind: 'poison' }, { kind: 'retire-one-replica-each' }] };
}

export function describeStep(s: ChainStep | { kind: 'kill-random' }): string {
  switch (s.kind) {
    case 'refuse-database':
      return `refuse ${s.service}'s database for ${s.forMs / 1000} s`;
    case 'kill-random':
      return 'SIGKILL a random service process';
    case 'retire-one-replica-each':
      return 'SIGKILL one replica of each service (not restarted)';
    default:
      return s.kind;
  }
}
