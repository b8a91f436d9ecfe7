import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { artifactDigest } from '@msa/service-kit/artifact';
import { imageInput, serviceDockerfile } from '@msa/service-kit/dockerfile';
import { BUNDLE_ENTRY, LAUNCH_ENV, NODE_FLAGS } from '@msa/service-kit/launch';
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
  const catalog = loadCatalog(root);
  const nodeBin = path.join(root, 'node_modules', '.bin');
  /** The one Dockerfile, written for the service from the catalog (what `npm run dockerfile` prints). */
  const dockerfileOf = (name: string) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'dockerfile-')), 'Dockerfile');
    writeFileSync(file, serviceDockerfile(imageInput(root, catalog.byName(name))));
    return file;
  };
  const rehearse = (name: string) => rehearseDockerfile(dockerfileOf(name), root, { path: [nodeBin] });

  const byLanguage = (language: string) => catalog.services.filter((s) => s.runtime.language === language).map((s) => s.name);

  it.each(byLanguage('node'))('%s: builds from the Dockerfile into a runtime stage holding only the artifact that every launcher runs', (name) => {
    const image = rehearse(name);
    images.set(name, image);
    expect(image.user).toBe('node');
    expect(image.workdir).toBe('/app');
    // Port from the catalog; flags, environment and entry from launch.ts.
    expect(image.env).toMatchObject({ PORT: String(catalog.byName(name).port), ...LAUNCH_ENV });
    expect(image.cmd).toEqual(['node', ...NODE_FLAGS, BUNDLE_ENTRY]);
    const app = path.join(image.root, 'app');
    for (const f of ['dist/main.mjs', 'dist/native.wasm', 'dist/kit-migrations', 'migrations', 'service.yaml', 'package.json']) {
      expect(existsSync(path.join(app, f)), f).toBe(true);
    }
    expect(existsSync(path.join(app, 'node_modules'))).toBe(false);
    expect(existsSync(path.join(app, 'src'))).toBe(false);
    // The image's build is the same build: the same bytes as the bundle built in the service's folder.
    expect(artifactDigest(app).digest).toBe(artifactDigest(path.join(root, 'apps', name)).digest);
  }, 240_000);

  it.each(byLanguage('go'))('%s (Go): builds into a distroless runtime stage holding only its binary and catalog entry, run as non-root', (name) => {
    const image = rehearse(name);
    const runtime = catalog.byName(name).runtime;
    if (runtime.language !== 'go') throw new Error('unreachable');
    expect(image.user).toBe('nonroot');
    expect(image.cmd).toEqual([`/app/${runtime.launch[0]}`, ...runtime.launch.slice(1)]);
    expect(image.env).toMatchObject({ PORT: String(catalog.byName(name).port) });
    const app = path.join(image.root, 'app');
    expect(readdirSync(app).sort()).toEqual(['dist', 'service.yaml']);
    // The same bytes as the binary every other path builds (reproducible: -trimpath, no VCS stamp).
    expect(artifactDigest(app).digest).toBe(artifactDigest(path.join(root, 'apps', name)).digest);
  }, 240_000);

  it('order: the image starts with its CMD and becomes ready against the real servers', async () => {
    const image = images.get('order') ?? rehearse('order');
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
