import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { bearer } from '@msa/service-kit/dev-issuer';
import { testOperatorToken } from './http.ts';

const run = promisify(execFile);

/** The suite's budget: test cases per operation and a fixed seed, so a run is repeatable and under a minute per service. */
export const SUITE_BUDGET = { maxExamples: 30, seed: 20261130 } as const;

export interface FuzzOptions {
  maxExamples: number;
  /** Omitted: schemathesis draws one, and the report says which. */
  seed?: number;
  /** Where the JSON report and the console output go. */
  outDir: string;
  /** The bearer token sent with every request; default the tests' operator (services TestSystem starts trust it).
   *  schemathesis' ignored_auth check still sends some without it, and expects 401. */
  token?: string;
}

export interface FuzzReport {
  service: string;
  exitCode: number;
  /** As a string: schemathesis draws 128-bit seeds, beyond a JavaScript number's exact range. */
  seed: string;
  seconds: number;
  operations: { total: number; tested: number };
  phases: Record<string, string>;
  testCases: number;
  failures: unknown[];
  errors: unknown[];
  /** Where schemathesis' own account of the run is, with a reproduction command for each finding. */
  log: string;
}

/** The schemathesis installed by tools/schemathesis/setup.sh (hash-pinned), and the suite's settings for it. */
export function schemathesisPaths(root: string): { bin: string; config: string } {
  return { bin: path.join(root, '.tools', 'schemathesis', 'bin', 'schemathesis'), config: path.join(root, 'tools', 'schemathesis', 'schemathesis.toml') };
}

/**
 * Runs schemathesis against one running service's OpenAPI document with every check and every
 * phase (examples, coverage, fuzzing, stateful), and reads its JSON report.
 */
export async function fuzzService(root: string, service: string, openapiUrl: string, opts: FuzzOptions): Promise<FuzzReport> {
  const { bin, config } = schemathesisPaths(root);
  if (!existsSync(bin)) throw new Error(`schemathesis is not installed at ${bin}: run bash tools/schemathesis/setup.sh (npm test's setup does)`);
  mkdirSync(opts.outDir, { recursive: true });
  const reportFile = path.join(opts.outDir, `schemathesis-${service}.json`);
  const log = path.join(opts.outDir, `schemathesis-${service}.txt`);
  const args = [
    '--config-file', config,
    'run', openapiUrl,
    '--checks', 'all',
    '--phases', 'examples,coverage,fuzzing,stateful',
    '--max-examples', String(opts.maxExamples),
    ...(opts.seed === undefined ? [] : ['--seed', String(opts.seed)]),
    '--request-timeout', '10',
    '--header', `Authorization: ${bearer(opts.token ?? (await testOperatorToken()))}`,
    '--report', 'json', '--report-json-path', reportFile,
  ];
  // A finding exits 1; the report says what it was, so the exit code alone is not the verdict.
  const out = await run(bin, args, { cwd: opts.outDir, env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', HOME: opts.outDir }, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string; stderr?: string; code?: number }) => ({ stdout: error.stdout ?? '', stderr: `${error.stderr ?? ''}\nexit ${error.code}` }),
  );
  writeFileSync(log, `${out.stdout}\n${out.stderr}`);
  const text = readFileSync(reportFile, 'utf8');
  const r = JSON.parse(text) as {
    exit_code: number;
    running_time: number;
    operations: { total: number; tested: number };
    phases: Record<string, { status: string }>;
    test_cases: { generated: number };
    failures: unknown[];
    errors: unknown[];
  };
  return {
    service,
    exitCode: r.exit_code,
    seed: /"seed":\s*(\d+)/.exec(text)?.[1] ?? 'unknown',
    seconds: Math.round(r.running_time * 10) / 10,
    operations: { total: r.operations.total, tested: r.operations.tested },
    phases: Object.fromEntries(Object.entries(r.phases).map(([k, v]) => [k, v.status])),
    testCases: r.test_cases.generated,
    failures: r.failures,
    errors: r.errors,
    log,
  };
}

/** One line of figures per service, as the README quotes them. */
export function fuzzSummary(r: FuzzReport): string {
  return `${r.service}: operations covered ${r.operations.tested}/${r.operations.total}, test cases ${r.testCases}, failures ${r.failures.length}, errors ${r.errors.length}, seed ${r.seed}, ${r.seconds} s`;
}
