import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { connectionSettings } from '@msa/local-servers';
import type { BenchOptions } from './options.ts';
import { loadAverage } from './proc.ts';
import { round } from './stats.ts';
import { runRates } from './steps.ts';
import { startSaga } from './targets.ts';
import { SagaTracker } from './tracker.ts';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  service: string;
  /** Share of CPU samples (not idle) by where the code comes from. */
  byOrigin: { origin: string; percent: number }[];
  /** Functions with the most self time. */
  topFunctions: { fn: string; percent: number }[];
}

/** Where a frame's code comes from: a package, the project, Node's own, or V8 (GC, compiled code). */
export function originOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const own = /\/(apps\/[^/]+|packages\/[^/]+)\/src\/(.*)$/.exec(url);
  if (own) return `${own[1]}/${own[2]!.split('/')[0]}`;
  return url;
}

/** Self time by origin and by function over a .cpuprofile (after its first skipFirstMs), as percentages of the busy samples. */
export function summarise(service: string, profile: CpuProfile, skipFirstMs = 0, top = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const origins = new Map<string, number>();
  const fns = new Map<string, number>();
  let busy = 0;
  let elapsedUs = 0;
  for (const [i, id] of profile.samples.entries()) {
    elapsedUs += profile.timeDeltas[i] ?? 0;
    if (elapsedUs < skipFirstMs * 1000) continue; // start-up: compiling modules and schemas
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    busy++;
    const { functionName, url, lineNumber } = node.callFrame;
    const origin = originOf(url, functionName);
    origins.set(origin, (origins.get(origin) ?? 0) + 1);
    const fn = `${functionName || '(anonymous)'} ${origin}${url ? `:${lineNumber + 1}` : ''}`;
    fns.set(fn, (fns.get(fn) ?? 0) + 1);
  }
  const pct = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => ({ k, percent: round((v / Math.max(1, busy)) * 100, 1) }));
  return { service, byOrigin: pct(origins).map(({ k, percent }) => ({ origin: k, percent })), topFunctions: pct(fns).map(({ k, percent }) => ({ fn: k, percent })) };
}

async function commitsByDatabase(url: string, names: string[]): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string; xact_commit: string }>('SELECT datname, xact_commit FROM pg_stat_database WHERE datname = ANY($1)', [names]);
    return new Map(rows.map((r) => [r.datname, Number(r.xact_commit)]));
  } finally {
    await client.end();
  }
}

/**
 * One rate (the first of --rates) on the services run from source with --cpu-prof, so frames keep
 * their package paths; then each service's CPU by origin and its hottest functions, and commits
 * per saga by service database. Writes bench/results/saga-profile.json.
 */
export async function profileRun({ root, opts, log }: { root: string; opts: BenchOptions; log: (l: string) => void }): Promise<void> {
  const dir = path.join(root, '.local', 'bench', 'saga-profile');
  rmSync(dir, { recursive: true, force: true });
  const superuserUrl = connectionSettings().postgres.url;
  const tracker = new SagaTracker();
  const started = performance.now();
  const target = await startSaga({
    replicas: 1,
    skus: opts.skus,
    serviceEnv: opts.serviceEnv,
    fromSource: true,
    nodeOptions: (s) => `--cpu-prof --cpu-prof-dir=${path.join(dir, s)}`,
    onFinal: (id, f) => tracker.final(id, f),
  });
  // Every service was up by now: samples before this are start-up, not saga work.
  const startupMs = performance.now() - started;
  let rates;
  let commits: Record<string, number> = {};
  try {
    const before = await commitsByDatabase(superuserUrl, target.databases);
    rates = await runRates(target, tracker, { ...opts, rates: [opts.rates[0]!], warmupS: 0, keepGoing: true, superuserUrl }, log);
    await new Promise((r) => setTimeout(r, 1_100));
    const after = await commitsByDatabase(superuserUrl, target.databases);
    const sagas = Math.max(1, rates[0]?.completed ?? 1);
    commits = Object.fromEntries(target.databases.map((d) => [d.replace(/^t[0-9a-f]+_/, ''), round(((after.get(d) ?? 0) - (before.get(d) ?? 0)) / sagas, 2)]));
  } finally {
    await target.close();
  }
  const summaries = ['order', 'inventory', 'delivery'].map((s) => {
    const files = readdirSync(path.join(dir, s)).filter((f) => f.endsWith('.cpuprofile'));
    if (files.length === 0) throw new Error(`${s} wrote no CPU profile under ${dir}/${s}`);
    return summarise(s, JSON.parse(readFileSync(path.join(dir, s, files[0]!), 'utf8')) as CpuProfile, startupMs);
  });
  for (const s of summaries) {
    log(`\n${s.service}: ${s.byOrigin.map((o) => `${o.origin} ${o.percent}%`).join(', ')}`);
    for (const f of s.topFunctions.slice(0, 8)) log(`    ${f.percent}%  ${f.fn}`);
  }
  log(`\ncommits per saga by database: ${JSON.stringify(commits)}`);
  const out = path.resolve(root, opts.outDir, 'saga-profile.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ measuredAt: new Date().toISOString(), loadAverage: loadAverage(), rate: rates?.[0], commitsPerSagaByDatabase: commits, profiles: summaries }, null, 2) + '\n');
  log(`wrote ${path.relative(process.cwd(), out)} (raw profiles in ${path.relative(process.cwd(), dir)})`);
}
