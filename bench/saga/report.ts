import type { Hops } from './hops.ts';
import type { KafkaResult } from './kafka-perf.ts';
import type { PgbenchResult } from './pgbench.ts';
import { chart } from './plot.ts';
import type { SagaShape } from './saga-shape.ts';
import { ratio } from './stats.ts';
import type { RateResult } from './steps.ts';

export interface TargetRun {
  target: string;
  replicas: number | null;
  rates: RateResult[];
  /** A sample of the last rate's completed orders read back through GET /orders/:id: agreement and hop times. */
  hops?: Hops;
}

export interface SagaResults {
  measuredAt: string;
  node: string;
  mode: string;
  settings: Record<string, unknown>;
  machine: { cores: number; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  shape: SagaShape;
  limit: { postgres?: PgbenchResult; kafka?: KafkaResult; sagasPerSec?: number };
  runs: TargetRun[];
  ratios: Ratios;
}

export interface Ratios {
  /** Best completed sagas/s of each saga run over the limit's sagas/s. */
  sagaOverLimit: Record<string, number | null>;
  /** Best completed/s of each saga run over the monolith's best. */
  sagaOverMonolith: Record<string, number | null>;
  /** Per offered rate: saga completed/s and p99 over the monolith's at the same rate. */
  perRate: { offeredPerSec: number; target: string; completedRatio: number | null; p99Ratio: number | null }[];
}

export const best = (run: TargetRun | undefined) => (run && run.rates.length > 0 ? Math.max(...run.rates.map((r) => r.completedPerSec)) : undefined);

/** Ratios between runs of the same invocation: saga against the limit and against the monolith. */
export function ratios(runs: TargetRun[], limitPerSec: number | undefined): Ratios {
  const monolith = runs.find((r) => r.target === 'monolith');
  const sagas = runs.filter((r) => r.target !== 'monolith');
  const perRate: Ratios['perRate'] = [];
  for (const s of sagas) {
    for (const r of s.rates) {
      const m = monolith?.rates.find((x) => x.offeredPerSec === r.offeredPerSec);
      perRate.push({ offeredPerSec: r.offeredPerSec, target: s.target, completedRatio: ratio(r.completedPerSec, m?.completedPerSec), p99Ratio: ratio(r.endToEndMs.p99, m?.endToEndMs.p99) });
    }
  }
  return {
    sagaOverLimit: Object.fromEntries(sagas.map((s) => [s.target, ratio(best(s), limitPerSec)])),
    sagaOverMonolith: Object.fromEntries(sagas.map((s) => [s.target, ratio(best(s), best(monolith))])),
    perRate,
  };
}

/** A figure for the table: "–" where nothing was measured (no sample, or NaN from an empty histogram). */
const n = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : String(v));

const cpuCell = (r: RateResult) =>
  r.processes
    .filter((p) => !p.name.startsWith('machine'))
    .map((p) => `${p.name} ${p.cpuPercent}% ${p.rssMb} MB`)
    .join(', ');

export function markdown(res: SagaResults): string {
  const lines: string[] = [];
  lines.push(`# Saga throughput (${res.mode} mode, ${res.measuredAt})`, '');
  lines.push(`Machine: ${res.machine.cores} cores; load average ${res.machine.loadAverageAtStart.join(' / ')} at the start, ${res.machine.loadAverageAtEnd.join(' / ')} at the end (1/5/15 min). Shared machine: re-measure on a quiet one before quoting absolute figures.`, '');
  lines.push(`One saga = ${res.shape.transactions} database transactions, ${res.shape.produced} events produced, ${res.shape.consumed} deliveries to consumer groups.`, '');
  lines.push('| target | offered/s | accepted/s | completed/s | e2e p50 / p95 / p99 ms | POST p50 / p99 ms | commits/saga (when not saturated) | CPU ms/saga (its processes) | unfinished | machine CPU % | processes (CPU % of a core, RSS) | load 1 min |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const run of res.runs) {
    for (const r of run.rates) {
      const machine = r.processes.find((p) => p.name.startsWith('machine'))?.cpuPercent;
      lines.push(
        `| ${run.target} | ${r.offeredPerSec} | ${r.acceptedPerSec} | ${r.completedPerSec}${r.saturated ? ' (sat.)' : ''} | ${n(r.endToEndMs.p50)} / ${n(r.endToEndMs.p95)} / ${n(r.endToEndMs.p99)} | ${n(r.postMs.p50)} / ${n(r.postMs.p99)} | ${n(r.commitsPerSaga)} | ${n(r.cpuMsPerSaga)} | ${r.unfinished} | ${machine ?? '–'} | ${cpuCell(r)} | ${r.loadAverage[0]} |`,
      );
    }
  }
  lines.push('', "What the target's database backends waited on while busy (share of pg_stat_activity samples, each rate):", '');
  for (const run of res.runs) {
    for (const r of run.rates) lines.push(`- ${run.target} @ ${r.offeredPerSec}/s: ${r.dbWaits.map((w) => `${w.wait} ${w.percent}%`).join(', ')}`);
  }
  const hopRuns = res.runs.filter((r) => r.hops);
  if (hopRuns.length > 0) {
    lines.push('', "Where a saga's time goes (a sample of the last rate's orders, from GET /orders/:id; p50 / p99 ms):", '');
    lines.push('| target | sample (status agrees) | POST → order row | order row → StockReserved applied | order row → DeliveryScheduled applied (final) |', '|---|---|---|---|---|');
    for (const r of hopRuns) {
      const h = r.hops!;
      const pp = (p: { p50: number; p99: number }) => `${n(p.p50)} / ${n(p.p99)}`;
      lines.push(`| ${r.target} | ${h.sampled} (${h.agreed}) | ${pp(h.postToOrderRow)} | ${pp(h.orderRowToStockReserved)} | ${pp(h.orderRowToDeliveryScheduled)} |`);
    }
  }
  lines.push('', '## The limit, measured in the same run', '');
  const { postgres, kafka } = res.limit;
  if (postgres) lines.push(`- PostgreSQL: pgbench ${postgres.tps} TPS over the saga's ${postgres.transactionsPerSaga} transactions (${postgres.clients} clients, ${postgres.seconds} s) = ${postgres.sagasPerSec} sagas/s with a pg_notify per outbox row as the services sent before; without it, as they do now: ${postgres.withoutNotify.tps} TPS = **${postgres.withoutNotify.sagasPerSec} sagas/s**`);
  if (kafka) lines.push(`- Kafka: ${kafka.producedPerSec} records/s produced, ${kafka.consumedPerSec} consumed (${kafka.recordSize}-byte records) = **${kafka.sagasPerSec} sagas/s**`);
  lines.push(`- Limit: **${res.limit.sagasPerSec ?? '–'} sagas/s** (the lower of the two)`, '');
  lines.push('## Ratios (same run)', '');
  for (const [t, v] of Object.entries(res.ratios.sagaOverLimit)) lines.push(`- ${t}: best completed/s ÷ limit = **${v ?? '–'}**; ÷ monolith's best = **${res.ratios.sagaOverMonolith[t] ?? '–'}**`);
  const rows = res.ratios.perRate.filter((p) => p.completedRatio !== null || p.p99Ratio !== null);
  if (rows.length > 0) {
    lines.push('', '| target | offered/s | completed/s saga ÷ monolith | p99 saga ÷ monolith |', '|---|---|---|---|');
    for (const p of rows) lines.push(`| ${p.target} | ${p.offeredPerSec} | ${p.completedRatio ?? '–'} | ${p.p99Ratio ?? '–'} |`);
  }
  lines.push('');
  return lines.join('\n');
}

export function svg(res: SagaResults): string {
  const series = (pick: (r: RateResult) => number) => res.runs.map((run) => ({ name: run.target, points: run.rates.map((r) => [r.offeredPerSec, pick(r)] as [number, number]) }));
  return chart(
    [
      { title: 'Completed sagas per second', yLabel: 'completed / s', series: series((r) => r.completedPerSec), refs: res.limit.sagasPerSec ? [{ name: `limit ${res.limit.sagasPerSec}/s`, y: res.limit.sagasPerSec }] : [] },
      { title: 'End-to-end p99 (POST → final state)', yLabel: 'p99 ms', series: series((r) => r.endToEndMs.p99) },
    ],
    'offered orders / s',
    `bench:saga ${res.mode}, ${res.measuredAt}, load average at start ${res.machine.loadAverageAtStart.join('/')}`,
  );
}
