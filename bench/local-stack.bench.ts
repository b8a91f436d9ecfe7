/**
 * The local stack with the tools already built: cold `up` of a fresh stack until every service is
 * ready, `up` after changing one service's version, clone to a healthy smoke-tested copy, and
 * `destroy` (source and clone); median/min/max of RUNS rounds on a throw-away project and state.
 * The first-time setup cost (building the Pulumi CLI) is measured separately: warm every run;
 * `--cold-setup` also builds it as on a fresh machine (empty Go module and build caches, so it
 * includes downloading the modules from the Go module proxy); `--setup-only` measures just the
 * setup and updates firstTimeSetup in an existing results file.
 * Needs the local servers (`npm run servers -- start`) and the CLI (`npm run pulumi:setup`).
 * Run: npm run bench:local [-- --runs 3] [-- --cold-setup]  → bench/results/local-stack.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cloneLocalStack, destroyLocalClone } from '@msa/stack-driver';
import { pulumi, repoRoot } from '@msa/stack-driver';
import { destroyStack, upStack } from '@msa/stack-driver';
import { scratchProject } from '../infra/test/local/support.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, 'cold-setup': { type: 'boolean', default: false }, 'setup-only': { type: 'boolean', default: false } },
});
const RUNS = Number(values.runs);
const TARGETS = { coldUp: 60, changeOneService: 15, clone: 60, destroy: 20 };

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await work();
  return (performance.now() - start) / 1000;
}

const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return { median: round(sorted[Math.floor(sorted.length / 2)] ?? NaN), min: round(sorted[0] ?? NaN), max: round(sorted.at(-1) ?? NaN), runs: xs.map(round) };
};

function setupSeconds(cold: boolean): number {
  const env = { ...process.env };
  const caches: string[] = [];
  if (cold) {
    // Fresh module and build caches: what a new machine pays (downloads included).
    for (const [name, prefix] of [['GOMODCACHE', 'go-mod-cold-'], ['GOCACHE', 'go-build-cold-']] as const) {
      const dir = mkdtempSync(path.join(tmpdir(), prefix));
      caches.push(dir);
      env[name] = dir;
    }
    env.GOFLAGS = `${env.GOFLAGS ?? ''} -modcacherw`.trim();
    // Into a folder of its own: the CLI in .tools/pulumi/bin stays usable meanwhile.
    const bin = mkdtempSync(path.join(tmpdir(), 'pulumi-bin-cold-'));
    caches.push(bin);
    env.MSA_PULUMI_BIN = bin;
  }
  const start = performance.now();
  execFileSync('bash', [path.join(repoRoot, 'tools', 'pulumi', cold ? 'build.sh' : 'setup.sh')], { env, stdio: 'inherit' });
  const seconds = (performance.now() - start) / 1000;
  for (const dir of caches) rmSync(dir, { recursive: true, force: true });
  return Math.round(seconds * 10) / 10;
}

const resultsFile = path.join(import.meta.dirname, 'results', 'local-stack.json');
const setupWarm = setupSeconds(false);
const setupCold = values['cold-setup'] ? setupSeconds(true) : undefined;
// A cold build takes minutes: a run without --cold-setup keeps the last measured figure.
const previousSetup = existsSync(resultsFile)
  ? ((JSON.parse(readFileSync(resultsFile, 'utf8')) as { firstTimeSetup?: { pulumiSetupColdSeconds?: number | null; note?: string } }).firstTimeSetup ?? {})
  : {};
const firstTimeSetup = {
  pulumiSetupWarmSeconds: setupWarm,
  pulumiSetupColdSeconds: setupCold ?? previousSetup.pulumiSetupColdSeconds ?? null,
  note:
    setupCold === undefined
      ? (previousSetup.note ?? 'cold setup not measured yet (use --cold-setup)')
      : `cold = empty Go module and build caches (module downloads included), ${cpus().length} cores, measured ${new Date().toISOString()}`,
};
if (values['setup-only']) {
  const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(resultsFile, `${JSON.stringify({ ...previous, firstTimeSetup }, null, 2)}\n`);
  console.log('first-time setup:', firstTimeSetup);
  process.exit(0);
}

const coldUp: number[] = [];
const changeOne: number[] = [];
const clone: number[] = [];
const destroy: number[] = [];
const destroyClone: number[] = [];

for (let run = 0; run < RUNS; run++) {
  const project = await scratchProject('bench');
  const cloneName = `${project.stack}-pr-1`;
  try {
    await pulumi(['stack', 'init', project.stack, '--non-interactive'], project.run);
    coldUp.push(await timed(() => upStack(project.stack, project.run)));
    for (const [key, value] of Object.entries({ version: `1.0.${run}`, image: 'local:delivery', commit: 'be0c4e5' })) {
      await pulumi(['config', 'set', '--path', `msa:releases.delivery.${key}`, value, '--stack', project.stack], project.run);
    }
    changeOne.push(await timed(() => upStack(project.stack, project.run)));
    clone.push(await timed(() => cloneLocalStack({ source: project.stack, target: cloneName, root: project.root, env: project.run.env })));
    destroyClone.push(await timed(() => destroyLocalClone(cloneName, { root: project.root, env: project.run.env })));
    destroy.push(await timed(() => destroyStack(project.stack, project.run)));
  } finally {
    await destroyLocalClone(cloneName, { root: project.root, env: project.run.env }).catch(() => {});
    await destroyStack(project.stack, project.run).catch(() => {});
    project.cleanup();
  }
}

const result = {
  when: new Date().toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' },
  services: 3,
  runs: RUNS,
  seconds: {
    coldUp: stats(coldUp),
    changeOneService: stats(changeOne),
    clone: stats(clone),
    destroy: stats(destroy),
    destroyClone: stats(destroyClone),
  },
  targets: TARGETS,
  withinTargets: {
    coldUp: stats(coldUp).median < TARGETS.coldUp,
    changeOneService: stats(changeOne).median < TARGETS.changeOneService,
    clone: stats(clone).median < TARGETS.clone,
    destroy: stats(destroy).median < TARGETS.destroy,
  },
  ratios: {
    changeOneServiceToColdUp: Math.round((stats(changeOne).median / stats(coldUp).median) * 100) / 100,
    cloneToColdUp: Math.round((stats(clone).median / stats(coldUp).median) * 100) / 100,
    destroyToColdUp: Math.round((stats(destroy).median / stats(coldUp).median) * 100) / 100,
  },
  firstTimeSetup,
};

console.log(`local stack, ${RUNS} rounds (seconds):`);
console.table(Object.fromEntries(Object.entries(result.seconds).map(([k, v]) => [k, { median: v.median, min: v.min, max: v.max, target: (TARGETS as Record<string, number>)[k] ?? '' }])));
console.log('ratios (same run):', result.ratios);
console.log('first-time setup:', result.firstTimeSetup);
mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
