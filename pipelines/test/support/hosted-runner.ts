import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Job, Step } from './workflows.ts';

/**
 * Runs a workflow job's steps the way GitHub's hosted runner does: each `run:` step in `bash -eo pipefail` from the
 * workspace, with only the runner's environment (a clean HOME, the system PATH), the step's `env:`, and what earlier
 * steps appended to $GITHUB_ENV and $GITHUB_PATH. Local composite actions (`./.github/actions/*`) are expanded and
 * their steps run the same way. Marketplace actions that download something are replaced by a local stand-in
 * (`standIns`), any other is reported as skipped: nothing else is provided.
 */
export interface RunnerSandbox {
  home: string;
  workspace: string;
  toolCache: string;
  temp: string;
}

export interface StepResult {
  name: string;
  status: 'ran' | 'skipped' | 'stand-in';
  exitCode?: number;
  output?: string;
}

export type StandIn = (step: Step, env: Record<string, string>) => void;

const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class HostedRunner {
  readonly env: Record<string, string>;
  private paths: string[] = [];
  readonly results: StepResult[] = [];

  readonly box: RunnerSandbox;
  readonly context: { inputs: Record<string, string>; vars: Record<string, string>; github: Record<string, string> };
  readonly standIns: Record<string, StandIn>;

  constructor(box: RunnerSandbox, context: HostedRunner['context'], standIns: Record<string, StandIn>, extraEnv: Record<string, string> = {}) {
    this.box = box;
    this.context = context;
    this.standIns = standIns;
    for (const d of Object.values(box)) mkdirSync(d, { recursive: true });
    this.env = {
      HOME: box.home, PATH: SYSTEM_PATH, CI: 'true', GITHUB_ACTIONS: 'true', RUNNER_OS: 'Linux', RUNNER_TOOL_CACHE: box.toolCache, RUNNER_TEMP: box.temp,
      GITHUB_WORKSPACE: box.workspace, GITHUB_ENV: path.join(box.temp, 'github_env'), GITHUB_PATH: path.join(box.temp, 'github_path'),
      GITHUB_OUTPUT: path.join(box.temp, 'github_output'), GITHUB_REPOSITORY: context.github.repository ?? 'example-org/msa',
      // The runner image has no system-wide git config with an identity either.
      GIT_CONFIG_NOSYSTEM: '1', LANG: 'C.UTF-8', ...extraEnv,
    };
    for (const f of ['GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_OUTPUT']) writeFileSync(this.env[f]!, '');
  }

  /** `${{ inputs.x }}`, `${{ vars.X }}`, `${{ github.x }}` as the runner expands them. */
  expand(value: string): string {
    return value.replace(/\$\{\{\s*(inputs|vars|github)\.([\w-]+)\s*\}\}/g, (_, ctx: 'inputs' | 'vars' | 'github', key: string) => this.context[ctx][key] ?? '');
  }

  /** The `if:` forms the project's workflows use: `inputs.x == '…'` / `!=`, and `always()`. */
  condition(expr: string | undefined, inputs: Record<string, string>): boolean {
    if (expr === undefined) return true;
    const m = /^\s*inputs\.([\w-]+)\s*(==|!=)\s*'([^']*)'\s*$/.exec(expr);
    if (!m) throw new Error(`hosted runner: no evaluator for if: ${expr}`);
    const equal = (inputs[m[1]!] ?? '') === m[3];
    return m[2] === '==' ? equal : !equal;
  }

  async runJob(job: Job, root: string): Promise<StepResult[]> {
    for (const step of job.steps ?? []) {
      if (!(await this.runStep(step, this.context.inputs, root))) break;
    }
    return this.results;
  }

  /** Returns false when the step failed (the job stops there, as on GitHub). */
  private async runStep(step: Step, inputs: Record<string, string>, root: string): Promise<boolean> {
    const name = step.run?.split('\n')[0] ?? step.uses ?? '?';
    if (!this.condition(step.if, inputs)) {
      this.results.push({ name, status: 'skipped' });
      return true;
    }
    if (step.uses?.startsWith('./')) return this.runComposite(step, root);
    if (step.uses) {
      const action = step.uses.split('@')[0]!;
      const standIn = this.standIns[action];
      if (standIn) standIn(step, this.currentEnv());
      this.results.push({ name, status: standIn ? 'stand-in' : 'skipped' });
      this.absorbFiles();
      return true;
    }
    const env = { ...this.currentEnv(), ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, this.expand(String(v))])) };
    // Asynchronous, so stand-in servers in this process keep answering while the step runs.
    const r = await new Promise<{ code: number; output: string }>((resolve, reject) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], { cwd: this.box.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c));
      child.stderr.on('data', (c: Buffer) => (output += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, output }));
    });
    this.results.push({ name, status: 'ran', exitCode: r.code, output: r.output });
    this.absorbFiles();
    return r.code === 0;
  }

  private async runComposite(step: Step, root: string): Promise<boolean> {
    const file = path.join(this.box.workspace, step.uses!, 'action.yml');
    const action = parse(readFileSync(file, 'utf8')) as { inputs?: Record<string, { default?: string }>; runs: { steps: Step[] } };
    const inputs = Object.fromEntries(Object.entries(action.inputs ?? {}).map(([k, v]) => [k, String((step.with as Record<string, unknown> | undefined)?.[k] ?? v.default ?? '')]));
    for (const s of action.runs.steps) if (!(await this.runStep(s, inputs, root))) return false;
    return true;
  }

  private currentEnv(): Record<string, string> {
    return { ...this.env, PATH: [...this.paths, this.env.PATH].join(':') };
  }

  /** What a step appended to $GITHUB_ENV and $GITHUB_PATH reaches the steps after it. */
  private absorbFiles(): void {
    for (const line of readFileSync(this.env.GITHUB_ENV!, 'utf8').split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) this.env[line.slice(0, i)] = line.slice(i + 1);
    }
    this.paths = readFileSync(this.env.GITHUB_PATH!, 'utf8').split('\n').filter(Boolean).reverse();
  }

  /** actions/setup-node's stand-in: the project's own Node 24 (from the npm registry) on the PATH, as setup-node does. */
  static setupNodeStandIn(nodeBinary: string, box: RunnerSandbox): StandIn {
    return (_step, env) => {
      const dir = path.join(box.toolCache, 'node', 'bin');
      mkdirSync(dir, { recursive: true });
      if (!existsSync(path.join(dir, 'node'))) symlinkSync(nodeBinary, path.join(dir, 'node'));
      appendFileSync(env.GITHUB_PATH!, `${dir}\n`);
    };
  }
}
