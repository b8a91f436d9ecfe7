import pg from 'pg';
import { sampleDbWaits, type DbWait } from './db-waits.ts';
import { OrderLoad, type PostResult } from './load.ts';
import { loadAverage, watchProcesses, type ProcUsage } from './proc.ts';
import { completionRate, percentiles, round, type Percentiles } from './stats.ts';
import type { Target } from './targets.ts';
import type { SagaTracker } from './tracker.ts';

export interface RateResult {
  offeredPerSec: number;
  durationS: number;
  sent: number;
  dropped: number;
  accepted: number;
  /** Answers other than 201, and requests that got no answer. */
  failed: number;
  acceptedPerSec: number;
  completed: number;
  unfinished: number;
  completedPerSec: number;
  outcomes: Record<string, number>;
  endToEndMs: Percentiles;
  postMs: Percentiles;
  /** Database commits of the target's databases per completed saga (pg_stat_database.xact_commit). */
  commitsPerSaga: number | null;
  /** CPU the target's own processes spent per completed saga (ms): less bent by a loaded machine than the rates. */
  cpuMsPerSaga: number | null;
  processes: ProcUsage[];
  loadAverage: number[];
  /** What the target's database backends waited on while busy (pg_stat_activity samples). */
  dbWaits: DbWait[];
  /** This rate was more than the target could keep up with. */
  saturated: boolean;
}

export interface StepSettings {
  rates: number[];
  durationS: number;
  drainS: number;
  warmupS: number;
  skus: number;
  connections: number;
  maxInFlight: number;
  keepGoing: boolean;
  superuserUrl: string;
}

/** The order the i-th request places: one unit of one of `skus` stock rows, a deliverable address. */
export const orderBody = (skus: number) => (i: number) => ({ items: [{ sku: `bench-${i % skus}`, quantity: 1 }], address: `${i} Bench Street` });

async function commits(superuserUrl: string, databases: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    // Each backend reports its counts at most once a second; ask for a fresh snapshot.
    const { rows } = await client.query<{ n: string }>('SELECT coalesce(sum(xact_commit), 0) AS n FROM pg_stat_database WHERE datname = ANY($1)', [databases]);
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** Waits until no order of the step is open, or the drain time is up. */
async function drain(tracker: SagaTracker, step: number, drainS: number): Promise<void> {
  const deadline = Date.now() + drainS * 1000;
  while (tracker.unfinished(step) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Offers each rate in turn for durationS (after an unrecorded warm-up at the lowest rate), lets
 * the step's sagas finish (at most drainS), and records what was accepted and completed, latencies,
 * each process's CPU and memory, and commits per saga. A rate the target cannot keep up with
 * (open sagas after the drain, dropped requests, or completions well under the accepted rate) is
 * saturated; after the second one the higher rates are skipped (one shows the knee of the curve,
 * more only pile up a backlog), unless keepGoing.
 */
export async function runRates(target: Target, tracker: SagaTracker, s: StepSettings, log: (line: string) => void): Promise<RateResult[]> {
  const load = new OrderLoad(target.urls, { connections: s.connections, maxInFlight: s.maxInFlight });
  const body = orderBody(s.skus);
  let n = 0;
  const onResult = (step: number) => (r: PostResult) => {
    const id = r.body?.id;
    if (r.status !== 201 || !id) return;
    tracker.accepted(id, r.sentAt, step);
    if (target.finalInResponse) tracker.final(id, { outcome: r.body!.status as 'CONFIRMED', at: r.sentAt + r.latencyMs });
  };
  const results: RateResult[] = [];
  let saturatedSteps = 0;
  try {
    if (s.warmupS > 0) {
      await load.run(s.rates[0]!, s.warmupS * 1000, (i) => body(n + i), onResult(-1));
      n += s.rates[0]! * s.warmupS;
      await drain(tracker, -1, s.drainS);
    }
    for (const [step, rate] of s.rates.entries()) {
      const watch = watchProcesses(target.pids);
      const watchStart = Date.now();
      const waits = sampleDbWaits(s.superuserUrl, target.databases);
      const commitsBefore = await commits(s.superuserUrl, target.databases);
      const start = Date.now();
      const ran = await load.run(rate, s.durationS * 1000, (i) => body(n + i), onResult(step));
      n += ran.sent + ran.dropped;
      await drain(tracker, step, s.drainS);
      const processes = watch.stop();
      const watchedMs = Date.now() - watchStart;
      const dbWaits = await waits.stop();
      await new Promise((r) => setTimeout(r, 1_100)); // let backends flush their commit counts
      const committed = (await commits(s.superuserUrl, target.databases)) - commitsBefore;
      const done = tracker.completions.get(step) ?? [];
      const accepted = ran.results.filter((r) => r.status === 201).length;
      const unfinished = tracker.unfinished(step);
      const completedPerSec = completionRate(start, s.durationS * 1000, done.map((c) => c.at));
      const acceptedPerSec = round(accepted / s.durationS, 1);
      const saturated = unfinished > 0 || ran.dropped > 0 || completedPerSec < 0.9 * acceptedPerSec || accepted < 0.9 * ran.sent;
      const outcomes: Record<string, number> = {};
      for (const c of done) outcomes[c.outcome] = (outcomes[c.outcome] ?? 0) + 1;
      const r: RateResult = {
        offeredPerSec: rate,
        durationS: s.durationS,
        sent: ran.sent,
        dropped: ran.dropped,
        accepted,
        failed: ran.sent - accepted,
        acceptedPerSec,
        completed: done.length,
        unfinished,
        completedPerSec,
        outcomes,
        endToEndMs: percentiles(done.map((c) => c.latencyMs)),
        postMs: percentiles(ran.results.map((x) => x.latencyMs)),
        commitsPerSaga: done.length > 0 ? round(committed / done.length, 2) : null,
        cpuMsPerSaga: done.length > 0 ? round(cpuMs(processes, watchedMs, target.pids) / done.length, 2) : null,
        processes,
        dbWaits,
        loadAverage: loadAverage(),
        saturated,
      };
      results.push(r);
      log(
        `  ${target.name} @ ${rate}/s: accepted ${r.acceptedPerSec}/s, completed ${r.completedPerSec}/s, e2e p50/p99 ${r.endToEndMs.p50}/${r.endToEndMs.p99} ms, ` +
          `POST p99 ${r.postMs.p99} ms, unfinished ${unfinished}, dropped ${ran.dropped}, load ${r.loadAverage[0]}${saturated ? ' (saturated)' : ''}`,
      );
      if (saturated) saturatedSteps++;
      if (saturatedSteps >= 2 && !s.keepGoing) break;
    }
  } finally {
    await load.close();
  }
  return results;
}

/** CPU time (ms) the target's processes (not the machine's total) used while watched. */
function cpuMs(processes: { name: string; cpuPercent: number }[], watchedMs: number, pids: ReadonlyMap<string, number>): number {
  return processes.filter((p) => pids.has(p.name)).reduce((sum, p) => sum + (p.cpuPercent / 100) * watchedMs, 0);
}
