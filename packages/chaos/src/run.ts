import { freePort, request, TestSystem } from '@msa/system-tests';
import { auditTopics, judge, settled, snapshot, type EventAudit, type Verdict } from './audit.ts';
import { Balancer } from './balancer.ts';
import { auditReadModels, type ReadModelAudit } from './journeys.ts';
import { chaosPlan, describeStep, scaleOutPlan } from './faults.ts';
import { FaultInjector } from './inject.ts';
import { INITIAL_STOCK, placeOrders, PLENTY, SCARCE, type Attempt } from './load.ts';
import { PrivateServers } from './servers.ts';
import { Supervisor } from './supervisor.ts';
import { recovery, type Recovery } from './throughput.ts';
import { seededRandom, sleep, Timeline, type TimelineEntry } from './timeline.ts';
import { hasDatabase } from '@msa/catalog';

/** How long after the run settled a read model may take to hold every final order's journey. */
const READ_MODEL_BOUND_MS = 60_000;

export interface ChaosOptions {
  scenario: 'chaos' | 'scale-out';
  durationMs: number;
  ratePerSecond: number;
  killEveryMs: number;
  outageMs: number;
  settleMs: number;
  replicas: number;
  seed: number;
  /** The services' ORDER_SAGA_TIMEOUT: the bound on a saga the run relies on to end every order. */
  sagaTimeout: string;
  echo?: (line: string) => void;
}

export interface ChaosResult {
  options: Omit<ChaosOptions, 'echo'>;
  ok: boolean;
  failures: string[];
  placed: number;
  refused: Record<string, number>;
  verdict: Verdict;
  events: EventAudit;
  /** Each read model (order journeys) against the orders' own histories, read after the run settled. */
  readModel: ReadModelAudit;
  /** Seconds from the end of the load and the faults until every order was final and agreed on. */
  settledAfterS: number | null;
  restarts: Record<string, number>;
  killToReadyMs: { max: number; mean: number; count: number };
  recovery?: Recovery;
  timeline: TimelineEntry[];
  logDir: string;
}

/**
 * Starts private servers and every service as supervised replicas behind balancers; runs the scenario; audits.
 * One function on purpose: it is the run's script, read top to bottom in the order things happen.
 */
export async function runChaos(opts: ChaosOptions): Promise<ChaosResult> {
  const echo = opts.echo ?? (() => undefined);
  const timeline = new Timeline(echo);
  const random = seededRandom(opts.seed);
  timeline.note(`starting private PostgreSQL, Kafka and Redis`);
  const servers = await PrivateServers.start();
  timeline.note(`servers up: postgres ${servers.settings.postgres.port}, kafka ${servers.settings.kafka.bootstrap}, redis ${servers.settings.redis.port}`);
  const system = await TestSystem.start({
    only: [],
    servers: servers.settings,
    env: { order: { ORDER_SAGA_TIMEOUT: opts.sagaTimeout, ORDER_SAGA_SWEEP_INTERVAL: '1s' } },
  });
  const supervisor = new Supervisor(system.root, system.logDir, timeline);
  const balancers: Balancer[] = [];
  try {
    await startFleet(system, supervisor, opts.replicas, balancers);
    timeline.note(`${supervisor.replicas.length} service processes ready (logs in ${system.logDir})`);

    const plan =
      opts.scenario === 'chaos'
        ? chaosPlan({
            killEveryMs: opts.killEveryMs,
            outageMs: opts.outageMs,
            services: system.catalog.services.filter(hasDatabase).map((s) => s.name),
            redis: system.catalog.services.some((s) => s.store.engine === 'redis'),
          })
        : scaleOutPlan(opts.durationMs);
    const injector = new FaultInjector(system, servers, supervisor, timeline, random);
    const start = Date.now();
    timeline.note(
      `load: ${opts.ratePerSecond} orders/s for ${opts.durationMs / 1000} s or until the last fault ends; ` +
        `${plan.killEveryMs ? `a SIGKILL every ${plan.killEveryMs / 1000} s; ` : ''}${plan.chain.map(describeStep).join(' → ')} (seed ${opts.seed})`,
    );
    let faultsDone = false;
    const faults = injector.run(plan).finally(() => (faultsDone = true));
    // Every fault must be felt under load: the load lasts the duration, and longer if the faults do.
    const attempts = await placeOrders({
      url: system.url('order'),
      ratePerSecond: opts.ratePerSecond,
      until: () => faultsDone && Date.now() - start >= opts.durationMs,
      random,
    });
    injector.stopKills();
    const { poison, retiredAt: killAt = 0 } = injector.injected;
    const loadEnd = Date.now();
    timeline.note(`load ended: ${attempts.length} orders placed, ${attempts.filter((a) => a.orderId).length} accepted`);
    await faults;
    timeline.note('faults ended');
    const quiet = Date.now();
    const notReady = await supervisor.allReady(opts.settleMs);
    if (notReady.length > 0) timeline.note(`still not ready: ${notReady.join(', ')}`);

    // Settle: every accepted order final and agreed on by the three services, or the settle time is up.
    const verdict = await settle(system, attempts, quiet + opts.settleMs);
    const settledAfterS = settled(verdict) ? Math.round((Date.now() - quiet) / 100) / 10 : null;
    timeline.note(settledAfterS === null ? `NOT settled after ${opts.settleMs / 1000} s` : `settled: all final and agreed on, ${settledAfterS} s after the faults`);
    await confirmThroughApi(system, attempts, verdict);
    const events = await auditTopics(system, poison);
    const readModel = await auditReadModels(system, READ_MODEL_BOUND_MS);
    timeline.note(
      `read models (${readModel.services.join(', ') || 'none'}): ${readModel.finalOrders} final orders; ${readModel.lost.length} journeys lacking steps, ${readModel.duplicated.length} with steps twice` +
        (readModel.matchedAfterS === null ? '' : `; all matched ${readModel.matchedAfterS} s after the audit began`),
    );
    timeline.note('audit done');

    const finished = (await snapshot(system)).orders.filter((o) => o.final_at).map((o) => o.final_at!.getTime());
    const result: ChaosResult = {
      options: { ...opts, echo: undefined } as Omit<ChaosOptions, 'echo'>,
      ok: false,
      failures: [],
      placed: attempts.length,
      refused: refusals(attempts),
      verdict,
      events,
      readModel,
      settledAfterS,
      restarts: Object.fromEntries(supervisor.replicas.map((r) => [r.name, r.restarts])),
      killToReadyMs: summarise(supervisor.readyTimes.map((x) => x.killToReadyMs)),
      recovery: opts.scenario === 'scale-out' && killAt > 0 ? recovery(finished, start, killAt, loadEnd) : undefined,
      timeline: timeline.entries,
      logDir: system.logDir,
    };
    delete (result.options as { echo?: unknown }).echo;
    result.failures = failuresOf(result);
    result.ok = result.failures.length === 0;
    return result;
  } finally {
    await supervisor.stopAll();
    await Promise.all(balancers.map((b) => b.close()));
    await servers.stop();
  }
}

/** Every replica of every service as a supervised process, a balancer per service on its catalog port, and the run's stock. */
async function startFleet(system: TestSystem, supervisor: Supervisor, replicas: number, balancers: Balancer[]): Promise<void> {
  for (const s of system.catalog.services) {
    const ports = [];
    for (let i = 0; i < replicas; i++) {
      const port = await freePort();
      ports.push(port);
      const env = system.envFor(s.name, { PORT: String(port) });
      supervisor.add({ service: s.name, index: i, port, env, readinessUrl: `http://127.0.0.1:${port}${s.http.readiness}` });
    }
    const balancer = new Balancer(ports);
    await balancer.listen(system.ports.get(s.name)!);
    balancers.push(balancer);
  }
  for (const r of supervisor.replicas) supervisor.start(r);
  const slow = await supervisor.allReady(180_000);
  if (slow.length > 0) throw new Error(`replicas not ready after 180 s: ${slow.join(', ')}; logs in ${system.logDir}`);
  for (const sku of PLENTY) await request('PUT', `${system.url('inventory')}/stock/${sku}`, { available: INITIAL_STOCK });
  await request('PUT', `${system.url('inventory')}/stock/${SCARCE}`, { available: 0 });
}

/** Audits every 3 s until all is final and agreed on, or the deadline passes; returns the last verdict. */
async function settle(system: TestSystem, attempts: Attempt[], deadline: number): Promise<Verdict> {
  let verdict = judge(attempts, await snapshot(system));
  while (!settled(verdict) && Date.now() < deadline) {
    await sleep(3_000);
    verdict = judge(attempts, await snapshot(system));
  }
  return verdict;
}

/** The public API must say the same as the database: every accepted order reads final. */
async function confirmThroughApi(system: TestSystem, attempts: Attempt[], verdict: Verdict): Promise<void> {
  const known = new Set(verdict.lost.map((l) => l.orderId));
  for (const a of attempts.filter((x) => x.orderId && !known.has(x.orderId))) {
    const r = await request('GET', `${system.url('order')}/orders/${a.orderId}`).catch((e: unknown) => ({ status: 0, json: { status: String(e) } }));
    if (r.status !== 200 || !['CONFIRMED', 'REJECTED', 'CANCELLED'].includes(r.json.status)) {
      verdict.lost.push({ orderId: a.orderId!, problem: `GET /orders/${a.orderId} answered ${r.status} ${r.json?.status ?? ''}` });
    }
  }
}

function refusals(attempts: Attempt[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of attempts.filter((x) => !x.orderId)) {
    const why = a.status !== undefined ? `HTTP ${a.status}` : (a.error ?? 'no answer');
    out[why] = (out[why] ?? 0) + 1;
  }
  return out;
}

function summarise(ms: number[]) {
  return { max: ms.length ? Math.max(...ms) : 0, mean: ms.length ? Math.round(ms.reduce((a, b) => a + b, 0) / ms.length) : 0, count: ms.length };
}

/** What makes the run fail: anything lost, disagreed on, applied twice, or dead-lettered for a passing fault. */
export function failuresOf(r: Pick<ChaosResult, 'verdict' | 'events' | 'readModel' | 'settledAfterS'>): string[] {
  const f: string[] = [];
  if (r.verdict.lost.length > 0) f.push(`${r.verdict.lost.length} accepted orders lost (not final)`);
  if (r.verdict.inconsistent.length > 0) f.push(`${r.verdict.inconsistent.length} final orders the services disagree on`);
  const drift = Object.entries(r.verdict.stockDrift);
  if (drift.length > 0) f.push(`stock drift (units taken and not held by a reservation): ${drift.map(([s, n]) => `${s} ${n}`).join(', ')}`);
  if (r.events.duplicated.length > 0) f.push(`${r.events.duplicated.length} effects announced twice`);
  if (r.events.unexpectedDeadLetters.length > 0) f.push(`${r.events.unexpectedDeadLetters.length} dead letters that are not permanent failures`);
  if (r.events.missingPoison.length > 0) f.push(`poison not dead-lettered: ${r.events.missingPoison.join(', ')}`);
  if (r.readModel.services.length === 0) f.push('no read model of order journeys to audit');
  if (r.readModel.lost.length > 0) f.push(`${r.readModel.lost.length} journeys lacking steps in a read model (lost)`);
  if (r.readModel.duplicated.length > 0) f.push(`${r.readModel.duplicated.length} journeys with steps twice (or foreign) in a read model`);
  if (r.settledAfterS === null) f.push('did not settle within the settle time');
  return f;
}
