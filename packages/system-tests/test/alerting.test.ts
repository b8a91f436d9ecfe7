import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, monitoringSettings, startMonitoring, stopMonitoring, type MonitoringSettings } from '@msa/local-servers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrapeTargetGroups } from '../../../infra/src/targets/local/scrape-targets.ts';
import { alertmanagerAlerts, envelope, eventually, freePort, prometheusAlerts, promQuery, sendRaw, setDatabaseAccepting, TestSystem } from '../src/index.ts';

// The committed rule file in a real Prometheus, scraping real services found through the targets
// file the local stack writes, sending to a real Alertmanager. Only the intervals are short (2 s).
let system: TestSystem;
let monitoring: MonitoringSettings;
const stack = () => `alerting-${system.id}`;
const prometheus = () => `http://127.0.0.1:${monitoring.prometheusPort}`;
const alertmanager = () => `http://127.0.0.1:${monitoring.alertmanagerPort}`;
const inventoryDb = () => system.databases.get('inventory')!.name;
const ALERT = 'KafkaConsumerLagGrowing';
const ofInventory = (alerts: { labels: Record<string, string>; state: string }[]) =>
  alerts.filter((a) => a.labels.service === 'inventory' && a.labels.topic === 'order.events');

/** Orders keep arriving on order.events, as the order service would send them, until stopped. */
function steadyOrders(perSecond: number): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const orderId = `alerting-${system.id}-${i}`;
      const placed = envelope('OrderPlaced', orderId, { orderId, items: [{ sku: 'alert-sku', quantity: 1 }], address: '1 Alert Road' });
      await sendRaw(system.servers.kafka.brokers, `${system.prefix}order.events`, [{ key: orderId, value: JSON.stringify(placed) }]);
      await new Promise((r) => setTimeout(r, 1_000 / perSecond));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

beforeAll(async () => {
  system = await TestSystem.start({ only: ['inventory'] });
  const dir = path.join(system.root, '.local', 'test-monitoring', system.id);
  monitoring = monitoringSettings(loadConfig(), {
    dir,
    targetsDir: path.join(dir, 'targets'),
    prometheusPort: await freePort(),
    alertmanagerPort: await freePort(),
    scrapeInterval: '2s',
    evaluationInterval: '2s',
  });
  // The very function the local stack's LocalFile resource writes its targets with.
  mkdirSync(monitoring.targetsDir, { recursive: true });
  const groups = scrapeTargetGroups(stack(), [{ service: 'inventory', url: system.url('inventory'), metricsPath: '/metrics' }]);
  writeFileSync(path.join(monitoring.targetsDir, `${stack()}.json`), JSON.stringify(groups));
  await startMonitoring(monitoring, () => {});
}, 180_000);

afterAll(async () => {
  if (system) await setDatabaseAccepting(system.servers.postgres.url, inventoryDb(), true).catch(() => undefined);
  if (monitoring) {
    await stopMonitoring(monitoring, () => {});
    rmSync(monitoring.dir, { recursive: true, force: true });
  }
  await system?.close();
});

describe('alerting on the real local Prometheus and Alertmanager', () => {
  it("scrapes the services listed in the stack's targets file, with the committed rules loaded", async () => {
    const up = await eventually('Prometheus to scrape inventory', async () => {
      const samples = await promQuery(prometheus(), `up{stack="${stack()}"}`);
      return samples.length === 1 && samples[0]!.value === 1 ? samples : undefined;
    });
    expect(up[0]!.labels.instance).toBe(new URL(system.url('inventory')).host);
    const lag = await eventually('the lag gauge in Prometheus', async () => {
      const s = await promQuery(prometheus(), `kafka_consumer_lag_messages{stack="${stack()}",topic="order.events"}`);
      return s.length > 0 ? s : undefined;
    });
    expect(lag.every((s) => s.labels.service === 'inventory')).toBe(true);
    const rules = await (await fetch(`${prometheus()}/api/v1/rules`)).json();
    expect(rules.data.groups.map((g: { file: string }) => g.file)).toContain(path.join(system.root, 'monitoring', 'alerts.rules.yml'));
  }, 60_000);

  it('fires KafkaConsumerLagGrowing within 50 s of inventory losing its database, and resolves once it is back', async () => {
    const stopOrders = steadyOrders(5);
    try {
      // Healthy under the same traffic: no lag alert.
      await new Promise((r) => setTimeout(r, 10_000));
      expect(ofInventory(await prometheusAlerts(prometheus(), ALERT))).toEqual([]);

      const outageStart = Date.now();
      await setDatabaseAccepting(system.servers.postgres.url, inventoryDb(), false);
      const firing = await eventually(
        `${ALERT} firing for inventory`,
        async () => {
          const alerts = ofInventory(await prometheusAlerts(prometheus(), ALERT)).filter((a) => a.state === 'firing');
          return alerts.length > 0 ? alerts : undefined;
        },
        50_000,
      );
      const firedAfterMs = Date.now() - outageStart;
      expect(firing[0]!.labels).toMatchObject({ severity: 'ticket', team: 'warehouse' });
      // Prometheus hands it to Alertmanager, which holds it for the UI and its receivers.
      const received = await eventually('Alertmanager to receive it', async () => {
        const alerts = ofInventory(await alertmanagerAlerts(alertmanager(), ALERT));
        return alerts.length > 0 ? alerts : undefined;
      }, 20_000);
      expect(received[0]!.state).toBe('active');

      // A real outage, not an instant: at least 20 s, at most a minute.
      await new Promise((r) => setTimeout(r, Math.max(0, 20_000 - (Date.now() - outageStart))));
      await setDatabaseAccepting(system.servers.postgres.url, inventoryDb(), true);
      const outageMs = Date.now() - outageStart;
      expect(outageMs).toBeLessThan(60_000);

      const resolvedAfter = Date.now();
      await eventually(
        `${ALERT} to resolve for inventory`,
        async () => ((ofInventory(await prometheusAlerts(prometheus(), ALERT)).length === 0 ? true : undefined)),
        60_000,
      );
      console.log(`alert fired ${Math.round(firedAfterMs / 1000)} s into a ${Math.round(outageMs / 1000)} s outage; resolved ${Math.round((Date.now() - resolvedAfter) / 1000)} s after it ended`);
    } finally {
      await stopOrders();
    }
  }, 240_000);
});
