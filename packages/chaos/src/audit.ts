import type { TestSystem } from '@msa/system-tests';
import { databaseUrl, withAdmin } from './database.ts';
import { disagreement, duplicatedEvents, EFFECT_EVENTS, FINAL, stockDrift, type OrderStatus } from './consistency.ts';
import { INITIAL_STOCK, PLENTY, SCARCE, type Attempt } from './load.ts';
import { readWholeTopic } from './topics.ts';

interface OrderRow {
  id: string;
  status: OrderStatus;
  created_at: Date;
  final_at: Date | null;
  timed_out: boolean;
}

/** What each service's own database holds, read as the superuser. */
export interface Snapshot {
  orders: OrderRow[];
  reservations: Map<string, { status: string; items: { sku: string; quantity: number }[] }>;
  deliveries: Map<string, string>;
  stock: Map<string, number>;
}

export async function snapshot(system: TestSystem): Promise<Snapshot> {
  const url = (service: string) => databaseUrl(system.servers.postgres.url, system.databases.get(service)!.name);
  const orders = await withAdmin(url('order'), async (c) =>
    (
      await c.query<OrderRow>(
        `SELECT o.id, o.status, o.created_at,
                (SELECT min(h.at) FROM order_history h WHERE h.order_id = o.id AND h.status IN ('CONFIRMED', 'REJECTED', 'CANCELLED')) AS final_at,
                EXISTS (SELECT 1 FROM order_history h WHERE h.order_id = o.id AND h.event = 'SagaTimedOut') AS timed_out
           FROM orders o`,
      )
    ).rows,
  );
  const { reservations, stock } = await withAdmin(url('inventory'), async (c) => {
    const r = await c.query<{ order_id: string; status: string; items: { sku: string; quantity: number }[] }>('SELECT order_id, status, items FROM reservations');
    const s = await c.query<{ sku: string; available: number }>('SELECT sku, available FROM stock WHERE sku = ANY($1)', [[...PLENTY, SCARCE]]);
    return { reservations: new Map(r.rows.map((x) => [x.order_id, x])), stock: new Map(s.rows.map((x) => [x.sku, x.available])) };
  });
  const deliveries = await withAdmin(url('delivery'), async (c) => {
    const r = await c.query<{ order_id: string; status: string }>('SELECT order_id, status FROM deliveries');
    return new Map(r.rows.map((x) => [x.order_id, x.status]));
  });
  return { orders, reservations, deliveries, stock };
}

export interface Verdict {
  accepted: number;
  /** Accepted by the API, but missing or not final. */
  lost: { orderId: string; problem: string }[];
  /** Final, but the services disagree about it (any order in the order database, accepted or not). */
  inconsistent: { orderId: string; problem: string }[];
  /** Orders in the database whose POST got no 201 (the answer was lost); they must end well too. */
  unacknowledged: number;
  outcomes: Record<string, number>;
  cancelledByDeadline: number;
  stockDrift: Record<string, number>;
  timeToFinalMs: { max: number; p50: number; p99: number };
}

/** Applies the agreement rules to a snapshot. */
export function judge(attempts: Attempt[], snap: Snapshot): Verdict {
  const accepted = attempts.filter((a) => a.orderId);
  const byId = new Map(snap.orders.map((o) => [o.id, o]));
  const lost: Verdict['lost'] = [];
  for (const a of accepted) {
    const o = byId.get(a.orderId!);
    if (!o) lost.push({ orderId: a.orderId!, problem: 'accepted (201) but not in the order database' });
    else if (!FINAL.has(o.status)) lost.push({ orderId: o.id, problem: describe(o.status, snap, o.id) });
  }
  const inconsistent: Verdict['inconsistent'] = [];
  const outcomes: Record<string, number> = {};
  for (const o of snap.orders) {
    outcomes[o.status] = (outcomes[o.status] ?? 0) + 1;
    if (!FINAL.has(o.status)) continue;
    const problem = disagreement({ id: o.id, status: o.status, reservation: snap.reservations.get(o.id)?.status, delivery: snap.deliveries.get(o.id) });
    if (problem) inconsistent.push({ orderId: o.id, problem });
  }
  const acceptedIds = new Set(accepted.map((a) => a.orderId));
  const times = snap.orders.filter((o) => o.final_at).map((o) => o.final_at!.getTime() - o.created_at.getTime()).sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0;
  return {
    accepted: accepted.length,
    lost,
    inconsistent,
    unacknowledged: snap.orders.filter((o) => !acceptedIds.has(o.id)).length,
    outcomes,
    cancelledByDeadline: snap.orders.filter((o) => o.timed_out).length,
    stockDrift: stockDrift(INITIAL_STOCK, new Map([...snap.stock].filter(([sku]) => sku !== SCARCE)), [...snap.reservations.values()]),
    timeToFinalMs: { max: times.at(-1) ?? 0, p50: pct(0.5), p99: pct(0.99) },
  };
}

function describe(status: string, snap: Snapshot, id: string): string {
  return `still ${status} (reservation ${snap.reservations.get(id)?.status ?? 'none'}, delivery ${snap.deliveries.get(id) ?? 'none'})`;
}

export function settled(v: Verdict): boolean {
  return v.lost.length === 0 && v.inconsistent.length === 0 && Object.keys(v.stockDrift).length === 0;
}

export interface EventAudit {
  duplicated: { orderId: string; type: string; ids: number }[];
  /** Dead letters the run planted (poison): they must be there, and nothing else may. */
  poisonDeadLettered: number;
  unexpectedDeadLetters: { dlq: string; key: string; reason: string }[];
  missingPoison: string[];
}

/** Reads every event topic for effects announced twice, and every dead-letter topic for what it holds. */
export async function auditTopics(system: TestSystem, poison: { dlq: string; key: string }[]): Promise<EventAudit> {
  const brokers = system.servers.kafka.brokers;
  const events = [];
  for (const topic of ['order.events', 'inventory.events', 'delivery.events']) {
    for (const m of await readWholeTopic(brokers, `${system.prefix}${topic}`)) {
      try {
        const e = JSON.parse(m.value) as { id: string; type: string; key: string };
        events.push({ id: e.id, type: e.type, key: e.key });
      } catch {
        // the planted poison: not an event
      }
    }
  }
  const unexpected: EventAudit['unexpectedDeadLetters'] = [];
  const found = new Set<string>();
  for (const s of system.catalog.services) {
    const dlq = s.deadLetterTopic;
    for (const m of await readWholeTopic(brokers, `${system.prefix}${dlq}`)) {
      if (poison.some((p) => p.dlq === dlq && p.key === m.key)) found.add(`${dlq} ${m.key}`);
      else unexpected.push({ dlq, key: m.key, reason: m.headers['dlq-reason'] ?? '(no reason header)' });
    }
  }
  return {
    duplicated: duplicatedEvents(events, EFFECT_EVENTS),
    poisonDeadLettered: found.size,
    unexpectedDeadLetters: unexpected,
    missingPoison: poison.filter((p) => !found.has(`${p.dlq} ${p.key}`)).map((p) => `${p.dlq} ${p.key}`),
  };
}
