/**
 * The offline plan of the four cloud stacks (dev, test, staging, prod) from a warm start, and the infra mock
 * test suite, on this machine. Targets from issue 3: all four plans under 15 s, the suite under 60 s.
 * Run: npm run bench:infra  → prints the figures and writes bench/results/infra-plan.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLOUD_STACKS, findRepoRoot, loadCatalog } from '../packages/catalog/src/index.ts';
import { planStack } from '../infra/offline-plan/plan.ts';

const STACKS = CLOUD_STACKS;
const RUNS = 5;
const root = findRepoRoot();
const catalog = loadCatalog(root);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (ms: number) => Math.round(ms * 10) / 10;

async function planAll(): Promise<{ totalMs: number; perStack: Record<string, number>; resources: number }> {
  const perStack: Record<string, number> = {};
  let resources = 0;
  const start = performance.now();
  for (const stack of STACKS) {
    const t = performance.now();
    resources += (await planStack(stack, root, catalog)).rows.length;
    perStack[stack] = performance.now() - t;
  }
  return { totalMs: performance.now() - start, perStack, resources };
}

// Other work on the machine slows every figure: the load average is recorded beside them.
const loadBefore = os.loadavg()[0]!;
const cold = await planAll(); // first run in this process: module loading and JIT included
const warm: Awaited<ReturnType<typeof planAll>>[] = [];
for (let i = 0; i < RUNS; i++) warm.push(await planAll());
const warmMedian = median(warm.map((w) => w.totalMs));

const suiteStart = performance.now();
execFileSync(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'infra/test', '--exclude', 'infra/test/local/**'], {
  cwd: root,
  stdio: 'ignore',
});
const suiteMs = performance.now() - suiteStart;

const result = {
  name: 'infra-plan',
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadAverage1m: { before: round(loadBefore), after: round(os.loadavg()[0]!) } },
  stacks: STACKS,
  resourcesPlanned: cold.resources,
  planAllStacks: {
    coldMs: round(cold.totalMs),
    warmMedianMs: round(warmMedian),
    warmRunsMs: warm.map((w) => round(w.totalMs)),
    warmPerStackMedianMs: Object.fromEntries(STACKS.map((s) => [s, round(median(warm.map((w) => w.perStack[s]!)))])),
    targetMs: 15_000,
    shareOfTarget: round(warmMedian / 15_000),
  },
  infraMockSuite: { command: 'vitest run infra/test --exclude infra/test/local/**', wallMs: round(suiteMs), targetMs: 60_000, shareOfTarget: round(suiteMs / 60_000) },
};

console.log(`plan of ${STACKS.join(', ')} (${cold.resources} resources): cold ${result.planAllStacks.coldMs} ms, warm median ${result.planAllStacks.warmMedianMs} ms over ${RUNS} runs (target 15000 ms)`);
console.log(`  warm per stack (median): ${Object.entries(result.planAllStacks.warmPerStackMedianMs).map(([s, ms]) => `${s} ${ms} ms`).join(', ')}`);
console.log(`infra mock suite: ${result.infraMockSuite.wallMs} ms wall (target 60000 ms)`);
console.log(`machine: ${result.machine.cpus} cores, 1-minute load average ${result.machine.loadAverage1m.before} before, ${result.machine.loadAverage1m.after} after`);
mkdirSync(path.join(root, 'bench/results'), { recursive: true });
writeFileSync(path.join(root, 'bench/results/infra-plan.json'), `${JSON.stringify(result, null, 2)}\n`);
