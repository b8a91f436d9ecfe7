import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { launchSpec } from '@msa/service-kit/launch';

/** A port that was free a moment ago, for a service that must know its neighbours' URLs up front. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  name: string;
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * Starts the service's built bundle exactly as the local stack and the container do (launchSpec);
 * `fromSource` runs a Node.js service's src/main.ts under Node's type stripping instead, for
 * comparison only (a service of another runtime has no such form: it runs its build).
 */
export function spawnService(root: string, name: string, env: Record<string, string>, logDir: string, fromSource = false): ServiceProcess {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(path.join(logDir, `${name}.log`), { flags: 'a' });
  const dir = path.join(root, 'apps', name);
  const spec = fromSource && existsSync(path.join(dir, 'src', 'main.ts')) ? { command: process.execPath, args: [path.join(dir, 'src', 'main.ts')], env: {}, cwd: dir } : launchSpec(dir);
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { PATH: process.env.PATH ?? '', ...spec.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A test run that ends early (a timeout, an interrupt) must not leave services behind.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  void exited.then(() => process.off('exit', reap));
  return { name, url: `http://127.0.0.1:${env.PORT}`, child, exited };
}

/** Polls a URL until it answers 200 (and its JSON body passes `accept`, when given), or fails with the last answer. */
export async function waitForOk(url: string, timeoutMs = 60_000, accept?: (body: any) => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      const text = await res.text();
      if (res.ok && (!accept || accept(JSON.parse(text)))) return;
      last = `${res.status} ${text}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become ready in ${timeoutMs} ms: ${last}`);
}
