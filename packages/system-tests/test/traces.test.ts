import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectionSettings, loadConfig, startJaeger, stopJaeger, type ServersConfig } from '@msa/local-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '@msa/service-kit/dev-issuer';
import { eventually, freePort, orderReaches, readTrace, request, TestSystem, testOperatorToken, type StoredSpan } from '../src/index.ts';

// A trace store of this test's own (free ports, its own folder): other environments' spans stay out of it.
let store: ServersConfig;
let system: TestSystem;
let queryUrl: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'msa-traces-'));
  const [otlp, query, grpc] = [await freePort(), await freePort(), await freePort()];
  store = loadConfig({ ...process.env, MSA_LOCAL_DIR: dir, MSA_JAEGER_OTLP_PORT: String(otlp), MSA_JAEGER_QUERY_PORT: String(query), MSA_JAEGER_GRPC_PORT: String(grpc) });
  await startJaeger(store, () => {});
  const { otlpEndpoint, queryUrl: url } = connectionSettings(store).tracing!;
  queryUrl = url;
  system = await TestSystem.start({ otlpEndpoint });
}, 180_000);

afterAll(async () => {
  await system?.close();
  if (store) {
    await stopJaeger(store, () => {});
    rmSync(store.localDir, { recursive: true, force: true });
  }
});

/** The span in which `service` handled the order's event of `type` from `topic`. */
const processed = (spans: StoredSpan[], service: string, topic: string, type: string, orderId: string) =>
  spans.find((s) => s.service === service && s.operation === `${topic} process` && s.tags['msa.event.type'] === type && s.tags['msa.event.key'] === orderId);

describe('one order is one trace across the saga', () => {
  it("continues the caller's traceparent through order, the outbox, Kafka, inventory, delivery and back to order", async () => {
    await request('PUT', `${system.url('inventory')}/stock/fig`, { available: 5 });
    const traceId = randomBytes(16).toString('hex');
    const res = await fetch(`${system.url('order')}/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: bearer(await testOperatorToken()),
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({ items: [{ sku: 'fig', quantity: 2 }], address: '1 Main Street' }),
    });
    expect(res.status).toBe(201);
    const orderId = ((await res.json()) as { id: string }).id;
    await orderReaches(system.url('order'), orderId, 'CONFIRMED');

    // Spans leave each service in batches (every few seconds): wait for the saga's last step to arrive.
    const spans = await eventually(
      `trace ${traceId} to reach the order service's handling of DeliveryScheduled`,
      async () => {
        const found = await readTrace(queryUrl, traceId);
        return processed(found, 'order', 'delivery.events', 'DeliveryScheduled', orderId) ? found : undefined;
      },
      45_000,
    );

    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(['order', 'inventory', 'delivery']));
    const placed = spans.find((s) => s.service === 'order' && s.operation === 'POST /orders');
    expect(placed?.tags['http.response.status_code']).toBe(201);
    // The synchronous fee quote carried the trace too: delivery's request span hangs under order's.
    expect(spans.find((s) => s.service === 'delivery' && s.operation === 'GET /quotes')?.parentId).toBe(placed?.spanId);
    // Each hop hangs under the one before: request -> publish -> process -> publish -> process ...
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const chain = (span: StoredSpan | undefined): string[] => {
      const names: string[] = [];
      for (let s = span; s; s = s.parentId ? byId.get(s.parentId) : undefined) names.unshift(`${s.service}: ${s.operation}`);
      return names;
    };
    expect(chain(processed(spans, 'order', 'delivery.events', 'DeliveryScheduled', orderId))).toEqual([
      'order: POST /orders',
      'order: order.events publish',
      'inventory: order.events process',
      'inventory: inventory.events publish',
      'delivery: inventory.events process',
      'delivery: delivery.events publish',
      'order: delivery.events process',
    ]);
    expect(processed(spans, 'inventory', 'order.events', 'OrderPlaced', orderId)?.tags['msa.outcome']).toBe('processed');
  });
});
