import { request, type TestSystem } from '@msa/system-tests';
import { databaseUrl, withAdmin } from './database.ts';
import { sleep } from './timeline.ts';

/**
 * The read-model audit: every order that reached a final state has, in each service that keeps
 * order journeys (its OpenAPI document serves JOURNEY_PATH), a journey whose steps are the order's own
 * history: no step missing, none twice. Read back through that service's API, as an operator.
 */
export const JOURNEY_PATH = '/journeys/{orderId}';

type FinalStatus = 'CONFIRMED' | 'REJECTED' | 'CANCELLED';

/** The order's history records what it received; the outcome it announced is the event of its final status. */
const OUTCOME_EVENT: Record<FinalStatus, string> = { CONFIRMED: 'OrderConfirmed', REJECTED: 'OrderRejected', CANCELLED: 'OrderCancelled' };
/** History entries that are no event on a topic: the deadline sweep's note (it announces OrderCancelled). */
const NOT_EVENTS = new Set(['SagaTimedOut']);

export interface FinalOrder {
  id: string;
  status: FinalStatus;
  /** The order's history, oldest first (order_history.event). */
  history: string[];
}

export interface JourneyStep {
  eventId: string;
  type: string;
}

export interface JourneyProblems {
  /** Steps the history has and the journey lacks (the whole history when there is no journey). */
  missing: string[];
  /** Steps the journey holds more often than the history (or one event id twice). */
  twice: string[];
  /** Steps the journey holds that the order's history has no place for. */
  extra: string[];
}

/** The steps the order's journey must hold: its history's events and the outcome it announced. */
export function expectedSteps(o: FinalOrder): string[] {
  return [...o.history.filter((e) => !NOT_EVENTS.has(e)), OUTCOME_EVENT[o.status]];
}

/** Compares a journey's steps with the steps expected, as multisets (topics interleave, so not by position). */
export function journeyProblems(expected: string[], steps: JourneyStep[] | undefined): JourneyProblems {
  if (!steps) return { missing: [...expected], twice: [], extra: [] };
  const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const want = count(expected);
  const got = count(steps.map((s) => s.type));
  const out: JourneyProblems = { missing: [], twice: [], extra: [] };
  for (const [type, n] of want) for (let i = got.get(type) ?? 0; i < n; i++) out.missing.push(type);
  for (const [type, n] of got) {
    if (!want.has(type)) out.extra.push(type);
    else for (let i = want.get(type)!; i < n; i++) out.twice.push(type);
  }
  const ids = steps.map((s) => s.eventId);
  for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) out.twice.push(`event ${id}`);
  return out;
}

export interface ReadModelAudit {
  /** The services audited: those whose OpenAPI document serves JOURNEY_PATH. */
  services: string[];
  /** Final orders whose journeys were read, per service. */
  finalOrders: number;
  lost: { service: string; orderId: string; problem: string }[];
  duplicated: { service: string; orderId: string; problem: string }[];
  /** Seconds from the start of the audit until every journey matched (null: they never did within the bound). */
  matchedAfterS: number | null;
}

/** Every final order of the order service's own database, with its history. */
export async function finalOrders(system: TestSystem): Promise<FinalOrder[]> {
  const url = databaseUrl(system.servers.postgres.url, system.databases.get('order')!.name);
  return withAdmin(url, async (c) =>
    (
      await c.query<FinalOrder>(
        `SELECT o.id, o.status, array_agg(h.event ORDER BY h.seq) AS history
           FROM orders o JOIN order_history h ON h.order_id = o.id
          WHERE o.status IN ('CONFIRMED', 'REJECTED', 'CANCELLED')
          GROUP BY o.id, o.status`,
      )
    ).rows,
  );
}

/** The catalog services whose OpenAPI document serves order journeys. */
export async function journeyServices(system: TestSystem): Promise<string[]> {
  const out: string[] = [];
  for (const s of system.catalog.services) {
    const doc = await request('GET', `${system.url(s.name)}${s.http.openapi}`).catch(() => undefined);
    if (doc?.status === 200 && doc.json?.paths?.[JOURNEY_PATH]) out.push(s.name);
  }
  return out;
}

/** Reads every final order's journey from each read model until all match or boundMs passes (the read side's lag). */
export async function auditReadModels(system: TestSystem, boundMs: number): Promise<ReadModelAudit> {
  const start = Date.now();
  const services = await journeyServices(system);
  for (;;) {
    const orders = await finalOrders(system);
    const audit: ReadModelAudit = { services, finalOrders: orders.length, lost: [], duplicated: [], matchedAfterS: null };
    for (const service of services) {
      const problems: { o: FinalOrder; p: JourneyProblems }[] = [];
      // Eight reads at a time: quick, and gentle with a read side that may still be catching up.
      for (let i = 0; i < orders.length; i += 8) {
        problems.push(...(await Promise.all(orders.slice(i, i + 8).map(async (o) => ({ o, p: await problemsOf(system.url(service), o) })))));
      }
      for (const { o, p } of problems) {
        const about = (what: string, types: string[]) => ({ service, orderId: o.id, problem: `${o.status} journey ${what}: ${types.join(', ')}` });
        if (p.missing.length > 0) audit.lost.push(about('lacks', p.missing));
        if (p.twice.length > 0) audit.duplicated.push(about('holds twice', p.twice));
        if (p.extra.length > 0) audit.duplicated.push(about('holds steps not in the order history', p.extra));
      }
    }
    const clean = audit.lost.length === 0 && audit.duplicated.length === 0;
    if (clean) audit.matchedAfterS = Math.round((Date.now() - start) / 100) / 10;
    if (clean || Date.now() - start > boundMs) return audit;
    await sleep(3_000);
  }
}

/** The journey's problems; a journey the read model cannot answer for (yet) lacks every step. */
async function problemsOf(baseUrl: string, o: FinalOrder): Promise<JourneyProblems> {
  const res = await request('GET', `${baseUrl}/journeys/${o.id}`).catch((e: unknown) => ({ status: 0, json: { detail: String(e) } }));
  if (res.status === 200) return journeyProblems(expectedSteps(o), res.json.steps);
  const why = res.status === 404 ? undefined : `(GET answered ${res.status} ${res.json?.detail ?? ''})`;
  return { ...journeyProblems(expectedSteps(o), undefined), ...(why ? { missing: [why, ...expectedSteps(o)] } : {}) };
}
