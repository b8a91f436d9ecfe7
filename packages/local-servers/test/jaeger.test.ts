import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionSettings, loadConfig, type ServersConfig } from '../src/config.ts';
import { jaegerState, startJaeger, stopJaeger } from '../src/jaeger/server.ts';

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

// Its own folder and free ports: the machine's trace store (default ports) is left alone.
let config: ServersConfig;
beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'msa-jaeger-'));
  const [otlp, query, grpc] = [await freePort(), await freePort(), await freePort()];
  config = loadConfig({ MSA_LOCAL_DIR: dir, MSA_JAEGER_OTLP_PORT: String(otlp), MSA_JAEGER_QUERY_PORT: String(query), MSA_JAEGER_GRPC_PORT: String(grpc), MSA_TOOLS_DIR: process.env.MSA_TOOLS_DIR });
});
afterAll(async () => {
  await stopJaeger(config, () => {});
  rmSync(config.localDir, { recursive: true, force: true });
});

describe('the local trace store (Jaeger v2)', () => {
  it('starts detached on the configured loopback ports, takes OTLP over http and answers its query API', async () => {
    const lines: string[] = [];
    const started = await startJaeger(config, (line) => lines.push(line));
    expect(started.running).toBe(true);
    expect(jaegerState(config)).toMatchObject({ running: true, pid: started.pid, port: config.jaeger.queryPort });
    expect(readFileSync(config.jaeger.configFile, 'utf8')).toContain(`"endpoint": "127.0.0.1:${config.jaeger.otlpPort}"`);

    const { otlpEndpoint, queryUrl } = connectionSettings(config).tracing!;
    // An empty OTLP/JSON export is a valid request: the receiver takes it.
    const sent = await fetch(`${otlpEndpoint}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceSpans":[]}' });
    expect(sent.status).toBe(200);
    expect((await fetch(`${queryUrl}/api/services`)).status).toBe(200);

    // A second start finds it running and starts nothing.
    await startJaeger(config, (line) => lines.push(line));
    expect(lines.at(-1)).toMatch(/already running/);
  });

  it('stops, and then reports itself stopped', async () => {
    await stopJaeger(config, () => {});
    expect(jaegerState(config).running).toBe(false);
    await expect(fetch(`${connectionSettings(config).tracing!.queryUrl}/api/services`)).rejects.toThrow();
  });
});
