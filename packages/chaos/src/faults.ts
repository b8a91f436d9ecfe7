/** The faults a run injects, as a plan of timed steps, so a run can be read (and replayed) before it starts. */
export type FaultStep =
  | { atMs: number; kind: 'kill-random' }
  | { atMs: number; kind: 'refuse-database'; service: string; forMs: number }
  | { atMs: number; kind: 'restart-kafka' }
  | { atMs: number; kind: 'restart-postgres' }
  | { atMs: number; kind: 'poison' }
  | { atMs: number; kind: 'retire-one-replica-each' };

export interface ChaosPlanOptions {
  durationMs: number;
  killEveryMs: number;
  outageMs: number;
  services: string[];
}

/**
 * The chaos scenario: a SIGKILL of a random service process every killEveryMs; each service's
 * database refused for outageMs in turn, spread over the run; the broker restarted once at a fifth
 * of the run and PostgreSQL once at half; poison messages planted at two fifths, among the faults.
 */
export function chaosPlan(o: ChaosPlanOptions): FaultStep[] {
  const steps: FaultStep[] = [];
  for (let at = o.killEveryMs; at < o.durationMs - o.killEveryMs / 2; at += o.killEveryMs) steps.push({ atMs: at, kind: 'kill-random' });
  const spread = o.services.length > 0 ? (o.durationMs * 0.9) / o.services.length : 0;
  o.services.forEach((service, i) => steps.push({ atMs: Math.round(o.durationMs * 0.05 + i * spread), kind: 'refuse-database', service, forMs: o.outageMs }));
  steps.push({ atMs: Math.round(o.durationMs * 0.2), kind: 'restart-kafka' });
  steps.push({ atMs: Math.round(o.durationMs * 0.5), kind: 'restart-postgres' });
  steps.push({ atMs: Math.round(o.durationMs * 0.4), kind: 'poison' });
  return steps.sort((a, b) => a.atMs - b.atMs);
}

/** The scale-out scenario: under steady load, one replica of every service is killed a third of the way in and stays down. */
export function scaleOutPlan(durationMs: number): FaultStep[] {
  return [
    { atMs: Math.round(durationMs * 0.3), kind: 'poison' },
    { atMs: Math.round(durationMs / 3), kind: 'retire-one-replica-each' },
  ];
}

export function describeStep(s: FaultStep): string {
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
