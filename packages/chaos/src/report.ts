import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChaosResult } from './run.ts';

/** Effects applied twice: events announced twice, and stock units out of step with the reservations. */
export function duplicatedEffects(r: ChaosResult): number {
  return r.events.duplicated.length + Object.values(r.verdict.stockDrift).reduce((a, n) => a + Math.abs(n), 0);
}

/** The figures a reader wants first, then the timeline and each problem by order. */
export function reportText(r: ChaosResult): string {
  const v = r.verdict;
  const lines = [
    `chaos run (${r.options.scenario}): ${r.ok ? 'PASSED' : 'FAILED'}`,
    `  orders placed            ${r.placed} (${r.options.ratePerSecond}/s for ${r.options.durationMs / 1000} s, ${r.options.replicas} replica(s) per service, seed ${r.options.seed})`,
    `  accepted (201)           ${v.accepted}; not accepted: ${JSON.stringify(r.refused)}`,
    `  answer lost, order made  ${v.unacknowledged} (checked like the others)`,
    `  lost                     ${v.lost.length}`,
    `  services disagree        ${v.inconsistent.length}`,
    `  duplicated effects       ${duplicatedEffects(r)}`,
    `  outcomes                 ${JSON.stringify(v.outcomes)}; cancelled by the saga deadline (${r.options.sagaTimeout}): ${v.cancelledByDeadline}`,
    `  time to final            max ${(v.timeToFinalMs.max / 1000).toFixed(1)} s, p99 ${(v.timeToFinalMs.p99 / 1000).toFixed(1)} s, p50 ${(v.timeToFinalMs.p50 / 1000).toFixed(1)} s`,
    `  settled after faults     ${r.settledAfterS === null ? `not within ${r.options.settleMs / 1000} s` : `${r.settledAfterS} s`}`,
    `  read model (journeys)    ${r.readModel.lost.length} lost, ${r.readModel.duplicated.length} duplicated over ${r.readModel.finalOrders} final orders in ${r.readModel.services.join(', ') || 'no read model'}`,
    `  dead letters             ${r.events.poisonDeadLettered} planted poison found; ${r.events.unexpectedDeadLetters.length} others`,
    `  restarts                 ${JSON.stringify(r.restarts)}; kill to ready: max ${(r.killToReadyMs.max / 1000).toFixed(1)} s, mean ${(r.killToReadyMs.mean / 1000).toFixed(1)} s over ${r.killToReadyMs.count}`,
  ];
  if (r.recovery) {
    lines.push(
      `  throughput               ${r.recovery.baselinePerSecond} sagas/s before the kill, lowest ${r.recovery.lowestPerSecond}/s after; recovered ${r.recovery.recoveredAfterS} s after the kill`,
    );
  }
  lines.push('', 'timeline:', ...r.timeline.map((e) => `  ${e.t.toFixed(1).padStart(6)} s  ${e.what}`));
  const problems = [
    ...v.lost.map((p) => `lost ${p.orderId}: ${p.problem}`),
    ...v.inconsistent.map((p) => `disagree ${p.orderId}: ${p.problem}`),
    ...r.events.duplicated.map((d) => `twice ${d.orderId}: ${d.type} under ${d.ids} ids`),
    ...r.events.unexpectedDeadLetters.map((d) => `dead letter in ${d.dlq} (key ${d.key}): ${d.reason}`),
    ...[...r.readModel.lost, ...r.readModel.duplicated].map((j) => `read model ${j.service} ${j.orderId}: ${j.problem}`),
  ];
  if (problems.length > 0) lines.push('', `problems (${problems.length}, first 50):`, ...problems.slice(0, 50).map((p) => `  ${p}`));
  if (!r.ok) lines.push('', `failed: ${r.failures.join('; ')}`, `service logs: ${r.logDir}`);
  return lines.join('\n');
}

/** bench/results/chaos.json (or chaos-scale-out.json): the figures, without the per-order lists' full length. */
export function writeResults(root: string, r: ChaosResult): string {
  const file = path.join(root, 'bench', 'results', r.options.scenario === 'chaos' ? 'chaos.json' : 'chaos-scale-out.json');
  mkdirSync(path.dirname(file), { recursive: true });
  const v = r.verdict;
  const figures = {
    measuredAt: new Date().toISOString(),
    command: r.options.scenario === 'chaos' ? 'npm run chaos' : 'npm run chaos -- --scenario scale-out',
    ok: r.ok,
    failures: r.failures,
    options: r.options,
    placed: r.placed,
    accepted: v.accepted,
    notAccepted: r.refused,
    unacknowledgedButCreated: v.unacknowledged,
    lost: v.lost.length,
    servicesDisagree: v.inconsistent.length,
    duplicatedEffects: duplicatedEffects(r),
    outcomes: v.outcomes,
    cancelledBySagaDeadline: v.cancelledByDeadline,
    timeToFinalMs: v.timeToFinalMs,
    settledAfterS: r.settledAfterS,
    readModel: { services: r.readModel.services, finalOrders: r.readModel.finalOrders, lost: r.readModel.lost.length, duplicated: r.readModel.duplicated.length, matchedAfterS: r.readModel.matchedAfterS },
    deadLetters: { plantedPoisonFound: r.events.poisonDeadLettered, others: r.events.unexpectedDeadLetters.length },
    restarts: r.restarts,
    killToReadyMs: r.killToReadyMs,
    recovery: r.recovery,
    timeline: r.timeline,
    problems: {
      lost: v.lost.slice(0, 50),
      disagree: v.inconsistent.slice(0, 50),
      duplicated: r.events.duplicated.slice(0, 50),
      deadLetters: r.events.unexpectedDeadLetters.slice(0, 50),
      stockDrift: v.stockDrift,
      readModel: [...r.readModel.lost, ...r.readModel.duplicated].slice(0, 50),
    },
  };
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
  return file;
}
