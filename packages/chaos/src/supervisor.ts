import { spawnService, type ServiceProcess } from '@msa/system-tests';
import type { Timeline } from './timeline.ts';

export interface ReplicaSpec {
  service: string;
  index: number;
  port: number;
  env: Record<string, string>;
  readinessUrl: string;
}

/** One replica: a process the supervisor restarts whenever it exits, until it is told to stop. */
export class Replica {
  readonly spec: ReplicaSpec;
  proc?: ServiceProcess;
  restarts = 0;
  /** False once the replica is retired (scale-out) or the run ends: then an exit is not restarted. */
  wanted = true;
  #killedAt?: number;

  constructor(spec: ReplicaSpec) {
    this.spec = spec;
  }

  get name(): string {
    return `${this.spec.service}#${this.spec.index}`;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.child.exitCode === null && this.proc.child.signalCode === null;
  }

  /** SIGKILL, as a crash or an OOM kill would; the supervisor brings it back unless it is retired. */
  kill(retire = false): void {
    if (retire) this.wanted = false;
    this.#killedAt = Date.now();
    this.proc?.child.kill('SIGKILL');
  }

  /** Milliseconds from the last kill until the replacement answered ready (undefined until then). */
  takeKillToReady(readyAt: number): number | undefined {
    if (this.#killedAt === undefined) return undefined;
    const ms = readyAt - this.#killedAt;
    this.#killedAt = undefined;
    return ms;
  }
}

/**
 * Runs every replica as a real process and restarts one that exits, after a short pause, the way
 * a container runtime or systemd would. Exits it did not cause are on the timeline: they are crashes.
 */
export class Supervisor {
  readonly replicas: Replica[] = [];
  readonly readyTimes: { replica: string; killToReadyMs: number }[] = [];
  #root: string;
  #logDir: string;
  #timeline: Timeline;
  #restartDelayMs: number;

  constructor(root: string, logDir: string, timeline: Timeline, restartDelayMs = 500) {
    this.#root = root;
    this.#logDir = logDir;
    this.#timeline = timeline;
    this.#restartDelayMs = restartDelayMs;
  }

  add(spec: ReplicaSpec): Replica {
    const replica = new Replica(spec);
    this.replicas.push(replica);
    return replica;
  }

  start(replica: Replica): void {
    const { service, env } = replica.spec;
    const proc = spawnService(this.#root, service, env, this.#logDir);
    replica.proc = proc;
    void this.#watchReady(replica, proc);
    void proc.exited.then((code) => {
      if (!replica.wanted) return;
      const signal = proc.child.signalCode;
      if (signal !== 'SIGKILL') this.#timeline.note(`${replica.name} exited by itself (code ${code}, signal ${signal}): restarting`);
      replica.restarts++;
      setTimeout(() => replica.wanted && this.start(replica), this.#restartDelayMs);
    });
  }

  /** Polls readiness, to measure how long a killed replica's replacement takes to serve. */
  async #watchReady(replica: Replica, proc: ServiceProcess): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && replica.proc === proc && proc.child.exitCode === null && proc.child.signalCode === null) {
      try {
        const res = await fetch(replica.spec.readinessUrl, { signal: AbortSignal.timeout(1_000) });
        if (res.ok) {
          const ms = replica.takeKillToReady(Date.now());
          if (ms !== undefined) this.readyTimes.push({ replica: replica.name, killToReadyMs: ms });
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Waits until every wanted replica answers ready. */
  async allReady(timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let notReady: string[] = [];
    while (Date.now() < deadline) {
      notReady = [];
      for (const r of this.replicas.filter((x) => x.wanted)) {
        const ok = await fetch(r.spec.readinessUrl, { signal: AbortSignal.timeout(1_000) }).then((x) => x.ok, () => false);
        if (!ok) notReady.push(r.name);
      }
      if (notReady.length === 0) return [];
      await new Promise((r) => setTimeout(r, 500));
    }
    return notReady;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.replicas.map(async (r) => {
        r.wanted = false;
        if (!r.running) return;
        r.proc!.child.kill('SIGCONT');
        r.proc!.child.kill('SIGTERM');
        const timer = setTimeout(() => r.proc!.child.kill('SIGKILL'), 10_000);
        await r.proc!.exited;
        clearTimeout(timer);
      }),
    );
  }
}
