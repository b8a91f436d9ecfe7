import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { TestSystem, waitForOk } from '@msa/system-tests';
import { rehearseDockerfile, type RehearsedImage } from '../src/index.ts';

let system: TestSystem;
const images = new Map<string, RehearsedImage>();

beforeAll(async () => {
  system = await TestSystem.start({ only: [] });
}, 120_000);

afterAll(async () => {
  await system?.close();
});

describe('each service image, built and run without a Docker engine', () => {
  const root = findRepoRoot(import.meta.dirname);
  const services = loadCatalog(root).services.map((s) => s.name);
  const nodeBin = path.join(root, 'node_modules', '.bin');

  it.each(services)('%s: builds from its Dockerfile into a runtime stage with only the bundle', (name) => {
    const image = rehearseDockerfile(path.join(root, 'apps', name, 'Dockerfile'), root, { path: [nodeBin] });
    images.set(name, image);
    expect(image.user).toBe('node');
    expect(image.workdir).toBe('/app');
    const app = path.join(image.root, 'app');
    for (const f of ['dist/main.mjs', 'dist/native.wasm', 'dist/kit-migrations', 'migrations', 'service.yaml', 'package.json']) {
      expect(existsSync(path.join(app, f)), f).toBe(true);
    }
    expect(existsSync(path.join(app, 'node_modules'))).toBe(false);
    expect(existsSync(path.join(app, 'src'))).toBe(false);
  }, 240_000);

  it('order: the image starts with its CMD and becomes ready against the real servers', async () => {
    const image = images.get('order') ?? rehearseDockerfile(path.join(root, 'apps', 'order', 'Dockerfile'), root, { path: [nodeBin] });
    const [cmd, ...args] = image.cmd;
    expect(cmd).toBe('node');
    const child = spawn(path.join(nodeBin, 'node'), args, {
      cwd: path.join(image.root, image.workdir),
      env: { PATH: process.env.PATH, ...image.env, ...system.envFor('order'), HOST: '127.0.0.1' },
      stdio: 'ignore',
    });
    try {
      await waitForOk(`${system.url('order')}/readyz`);
      const res = await fetch(`${system.url('order')}/openapi.json`);
      expect((await res.json()).info.title).toBe('order');
    } finally {
      child.kill('SIGTERM');
      expect(await new Promise((r) => child.once('exit', r))).toBe(0);
    }
  }, 120_000);
});
