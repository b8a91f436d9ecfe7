import { sendRaw, type TestSystem } from '@msa/system-tests';
import { allowConnections, refuseConnections } from './database.ts';
import { describeStep, type ChainStep, type FaultPlan } from './faults.ts';
import type { PrivateServers } from './servers.ts';
import type { Supervisor } from './supervisor.ts';
import { sleep, type Timeline } from './timeline.ts';

export interface Injected {
  /** The dead letters the planted poison must produce: one per consumer of each event topic. */
  poison: { dlq: string; key: string }[];
  /** When one replica of each service was killed for good (scale-out), ms since epoch. */
  retiredAt?: number;
}

/** Carries out a fault plan against the running system, noting each step on the timeline. */
export class FaultInjector {
  readonly injected: Injected = { poison: [] };

  readonly system: TestSystem;
  readonly servers: PrivateServers;
  readonly supervisor: Supervisor;
  readonly timeline: Timeline;
  readonly random: () => number;
  #kills?: NodeJS.Timeout;
  #killed = new Map<string, number>();

  constructor(system: TestSystem, servers: PrivateServers, supervisor: Supervisor, timeline: Timeline, random: () => number) {
    this.system = system;
    this.servers = servers;
    this.supervisor = supervisor;
    this.timeline = timeline;
    this.random = random;
  }

  /** Starts the kills and runs the chain; resolves when the chain has ended. The kills go on until stopKills. */
  async run(plan: FaultPlan): Promise<void> {
    if (plan.killEveryMs > 0) this.#kills = setInterval(() => this.#killRandom(), plan.killEveryMs);
    await sleep(plan.chainStartMs);
    for (const [i, step] of plan.chain.entries()) {
      if (i > 0) await sleep(plan.gapMs);
      await this.#step(step).catch((error: unknown) => this.timeline.note(`fault "${describeStep(step)}" failed: ${String(error)}`));
    }
  }

  /** No more kills once the load ends: the settle phase sees the system as its supervisor keeps it. */
  stopKills(): void {
    clearInterval(this.#kills);
  }

  /** Each kill takes a random process of the services killed least so far: every service is killed early on. */
  #killRandom(): void {
    const running = this.supervisor.replicas.filter((r) => r.running && r.wanted);
    const fewest = Math.min(...running.map((r) => this.#killed.get(r.spec.service) ?? 0));
    const candidates = running.filter((r) => (this.#killed.get(r.spec.service) ?? 0) === fewest);
    const victim = candidates[Math.floor(this.random() * candidates.length)];
    if (!victim) return this.timeline.note('SIGKILL: no process running to kill');
    this.#killed.set(victim.spec.service, fewest + 1);
    this.timeline.note(`SIGKILL ${victim.name} (pid ${victim.proc?.child.pid})`);
    victim.kill();
  }

  async #step(step: ChainStep): Promise<void> {
    const { system, servers, timeline } = this;
    switch (step.kind) {
      case 'refuse-database': {
        const db = system.databases.get(step.service)!.name;
        timeline.note(`${step.service}'s database refuses connections (ALLOW_CONNECTIONS false, backends terminated)`);
        await refuseConnections(system.servers.postgres.url, db);
        await sleep(step.forMs);
        await allowConnections(system.servers.postgres.url, db);
        return timeline.note(`${step.service}'s database accepts connections again`);
      }
      case 'restart-kafka':
        timeline.note('Kafka broker: restarting (SIGTERM, then start)');
        await servers.restartKafka();
        return timeline.note('Kafka broker: answering again');
      case 'restart-postgres':
        timeline.note('PostgreSQL: restarting (fast shutdown, then start)');
        await servers.restartPostgres();
        return timeline.note('PostgreSQL: accepting connections again');
      case 'restart-redis':
        timeline.note('Redis: restarting (SIGTERM, then start)');
        await servers.restartRedis();
        return timeline.note('Redis: answering again');
      case 'poison':
        for (const topic of ['order.events', 'inventory.events', 'delivery.events']) {
          const key = `chaos-poison-${topic}`;
          await untilItWorks(60_000, () => sendRaw(system.servers.kafka.brokers, `${system.prefix}${topic}`, [{ key, value: '{not json' }]));
          for (const s of system.catalog.services.filter((x) => x.topics.consumes.includes(topic))) this.injected.poison.push({ dlq: s.deadLetterTopic, key });
        }
        return timeline.note(`planted 3 poison messages (not JSON), one per event topic: ${this.injected.poison.length} dead letters expected`);
      case 'retire-one-replica-each':
        this.injected.retiredAt = Date.now();
        for (const s of system.catalog.services) {
          const victim = this.supervisor.replicas.find((r) => r.spec.service === s.name && r.wanted)!;
          timeline.note(`SIGKILL ${victim.name} (pid ${victim.proc?.child.pid}); it stays down`);
          victim.kill(true);
        }
    }
  }
}

/** Retries fn (a client call that may meet a restarting server) until it works or the time is up. */
async function untilItWorks(forMs: number, fn: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + forMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(1_000);
    }
  }
}
