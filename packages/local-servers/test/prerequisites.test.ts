import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { serverStatus, startServers } from '../src/servers.ts';

const cli = path.resolve(import.meta.dirname, '../src/cli.ts');

describe('a machine without the prerequisites', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'msa-prereq-test-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('install names each missing tool and what to install, and installs nothing', async () => {
    // A PATH with a shell and nothing else: no java, no mvn.
    const bin = path.join(scratch, 'bin');
    const tools = path.join(scratch, 'tools');
    mkdirSync(bin, { recursive: true });
    symlinkSync('/bin/bash', path.join(bin, 'bash'));
    const run = promisify(execFile)(process.execPath, [cli, 'install'], {
      env: { PATH: bin, MSA_TOOLS_DIR: tools, MSA_LOCAL_DIR: path.join(scratch, 'local') },
    });
    const failure = await run.then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('This machine lacks what the local servers need:');
    expect(failure?.stderr).toContain("Java: 'java' is not on PATH; the Kafka broker needs Java 17 or newer: apt-get install -y openjdk-17-jre-headless");
    expect(failure?.stderr).toContain("Maven (mvn): it fetches the Kafka broker's jars from Maven Central; install it: apt-get install -y maven");
    expect(existsSync(tools) ? readdirSync(tools) : []).toEqual([]);
  });

  it('a port held by another process stops start with the variable to change, before anything starts', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const localDir = path.join(scratch, 'busy');
    try {
      const config = loadConfig({ MSA_LOCAL_DIR: localDir, MSA_PG_PORT: String(port), MSA_KAFKA_PORT: '1025', MSA_KAFKA_CONTROLLER_PORT: '1026' });
      await expect(startServers({ config })).rejects.toThrow(`127.0.0.1:${port} is already in use by another process; stop it or set MSA_PG_PORT to a free port`);
      expect(serverStatus(config).some((s) => s.running)).toBe(false);
    } finally {
      holder.close();
    }
  });

  it('a bad setting stops the command with the variable named', async () => {
    const failure = await promisify(execFile)(process.execPath, [cli, 'status'], { env: { ...process.env, MSA_PG_PORT: 'twelve' } }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('MSA_PG_PORT="twelve": MSA_PG_PORT must be a port number');
  });
});
