/**
 * affected on synthetic repositories of 50/100/200/400 services: the time of a one-service change,
 * and the work it does (git calls, files read, paths checked), which must not grow with the
 * repository; plus changes of 1/10/50 services in the 200-service repo, which grow with the change.
 * Run: npm run bench:affected  → prints a table and writes bench/results/affected.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { computeAffected } from '../pipelines/src/affected/affected.ts';

const RUNS = 11;

function write(root: string, rel: string, text: string): void {
  const file = path.join(root, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function git(root: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
}

function syntheticRepo(services: number): string {
  const root = mkdtempSync(path.join(tmpdir(), `affected-bench-${services}-`));
  git(root, 'init', '--quiet', '--initial-branch=main');
  git(root, 'config', 'user.email', 'bench@example.invalid');
  git(root, 'config', 'user.name', 'bench');
  write(root, 'package.json', JSON.stringify({ name: 'bench', private: true, workspaces: ['packages/*', 'apps/*'] }));
  for (const pkg of ['kit', 'events', 'telemetry']) {
    write(root, `packages/${pkg}/package.json`, JSON.stringify({ name: `@msa/${pkg}`, version: '1.0.0' }));
    write(root, `packages/${pkg}/src/index.ts`, 'export {};\n');
  }
  for (let i = 0; i < services; i++) {
    const name = `svc-${String(i).padStart(4, '0')}`;
    write(root, `apps/${name}/service.yaml`, `name: ${name}\nteam: t${i % 7}\ndescription: synthetic ${name}\nport: ${10000 + i}\ndatabase:\n  name: ${name.replace('-', '_')}\nscaling:\n  minReplicas: 1\n  maxReplicas: 3\n`);
    write(root, `apps/${name}/package.json`, JSON.stringify({ name: `@msa/${name}`, version: '1.0.0', dependencies: { '@msa/kit': '1.0.0' } }));
    for (const f of ['main', 'service', 'domain', 'handler']) write(root, `apps/${name}/src/${f}.ts`, `export const ${f} = '${name}';\n`);
  }
  git(root, 'add', '-A');
  git(root, 'commit', '--quiet', '-m', 'base');
  return root;
}

function change(root: string, services: number[]): string {
  const base = git(root, 'rev-parse', 'HEAD');
  for (const i of services) write(root, `apps/svc-${String(i).padStart(4, '0')}/src/domain.ts`, `export const domain = ${Date.now()};\n`);
  git(root, 'add', '-A');
  git(root, 'commit', '--quiet', '-m', `change ${services.length}`);
  return base;
}

interface Point {
  services: number;
  changedServices: number;
  medianMs: number;
  selected: number;
  work: { gitCalls: number; filesRead: number; pathsChecked: number; dirsListed: number };
  setupMs?: number;
}

async function measure(root: string, base: string): Promise<Omit<Point, 'services' | 'changedServices'>> {
  const times: number[] = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    last = await computeAffected({ root, base });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { medianMs: +times[Math.floor(times.length / 2)]!.toFixed(1), selected: last!.services.length, work: last!.work };
}

const bySize: Point[] = [];
for (const size of [50, 100, 200, 400]) {
  const t = performance.now();
  const root = syntheticRepo(size);
  const setupMs = performance.now() - t;
  const base = change(root, [Math.floor(size / 2)]);
  const m = await measure(root, base);
  bySize.push({ services: size, changedServices: 1, ...m, setupMs: Math.round(setupMs) });
  rmSync(root, { recursive: true, force: true });
}

const byChange: Point[] = [];
{
  const root = syntheticRepo(200);
  for (const k of [1, 10, 50, 200]) {
    const base = change(root, Array.from({ length: k }, (_, i) => Math.floor((i * 200) / k)));
    byChange.push({ services: 200, changedServices: k, ...(await measure(root, base)) });
  }
  rmSync(root, { recursive: true, force: true });
}

const at = (n: number) => bySize.find((r) => r.services === n)!;
const workOf = (r: Point) => r.work.gitCalls + r.work.filesRead + r.work.pathsChecked + r.work.dirsListed;
const result = {
  name: 'affected',
  runsPerPoint: RUNS,
  node: process.version,
  budgetMs: 2000,
  oneServiceChange: bySize,
  growingChange: byChange,
  ratios: {
    time400over50: +(at(400).medianMs / at(50).medianMs).toFixed(2),
    work400over50: +(workOf(at(400)) / workOf(at(50))).toFixed(2),
    time200ChangedOver1Changed: +(byChange.at(-1)!.medianMs / byChange[0]!.medianMs).toFixed(2),
  },
  withinBudget: at(200).medianMs < 2000,
};

console.log('affected, one-service change, by repository size (median of', RUNS, 'runs):');
console.table(bySize.map((r) => ({ services: r.services, selected: r.selected, 'median ms': r.medianMs, 'git calls': r.work.gitCalls, 'files read': r.work.filesRead, 'paths checked': r.work.pathsChecked, 'dirs listed': r.work.dirsListed })));
console.log('affected in a 200-service repository, by size of the change:');
console.table(byChange.map((r) => ({ changed: r.changedServices, selected: r.selected, 'median ms': r.medianMs, 'files read': r.work.filesRead, 'paths checked': r.work.pathsChecked })));
console.log('ratios (same run):', result.ratios, '| 200 services under 2 s:', result.withinBudget);
mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(path.join(import.meta.dirname, 'results/affected.json'), JSON.stringify(result, null, 2) + '\n');
if (!result.withinBudget) process.exitCode = 1;
