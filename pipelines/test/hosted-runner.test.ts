import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot } from '@msa/catalog';
import { TOOLS_ROOT } from '@msa/stack-driver';
import { providerPlugins } from '../src/setup/plugins.ts';
import { HostedRunner, type RunnerSandbox } from './support/hosted-runner.ts';
import { loadWorkflows } from './support/workflows.ts';

const root = findRepoRoot(import.meta.dirname);
const PULUMI_VERSION = /github\.com\/pulumi\/pulumi\/pkg\/v3 v([\d.]+)/.exec(execFileSync('cat', [path.join(root, 'tools/pulumi/go.mod')], { encoding: 'utf8' }))![1]!;
const NETWORK_TRUST = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'CURL_CA_BUNDLE', 'GIT_SSL_CAINFO', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY', 'https_proxy', 'http_proxy', 'no_proxy'];
const sha256 = (file: string) => execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]!;

/**
 * The download sites the setup steps reach (get.pulumi.com for the CLI and its SHA-256 list, the plugin servers),
 * stood in by a local HTTP server: the CLI is the one this machine builds from the Go module proxy at the pinned
 * version (the same release), each plugin a stand-in executable under the name and version Pulumi asks for.
 */
async function downloadStandIn(dir: string): Promise<{ server: Server; url: string }> {
  mkdirSync(dir, { recursive: true });
  const stage = path.join(dir, 'stage', 'pulumi');
  mkdirSync(stage, { recursive: true });
  const bin = path.join(TOOLS_ROOT, '.tools/pulumi/bin');
  for (const f of readdirSync(bin)) symlinkSync(path.join(bin, f), path.join(stage, f));
  const tarball = `pulumi-v${PULUMI_VERSION}-linux-x64.tar.gz`;
  execFileSync('tar', ['-ch', '-I', 'gzip -1', '-f', path.join(dir, tarball), '-C', path.dirname(stage), 'pulumi']);
  writeFileSync(path.join(dir, `pulumi-${PULUMI_VERSION}-checksums.txt`), `${'0'.repeat(64)}  pulumi-v${PULUMI_VERSION}-darwin-arm64.tar.gz\n${sha256(path.join(dir, tarball))}  ${tarball}\n`);
  for (const p of providerPlugins(root)) {
    const pdir = path.join(dir, 'plugins', p.name);
    mkdirSync(pdir, { recursive: true });
    writeFileSync(path.join(pdir, `pulumi-resource-${p.name}`), '#!/bin/sh\necho "stand-in provider plugin" >&2\nexit 1\n', { mode: 0o755 });
    execFileSync('tar', ['-czf', path.join(dir, `pulumi-resource-${p.name}-v${p.version}-linux-amd64.tar.gz`), '-C', pdir, '.']);
  }
  const server = createServer((req, res) => {
    const file = path.join(dir, decodeURIComponent(new URL(req.url!, 'http://x').pathname).replace(/^\/+/, ''));
    if (!file.startsWith(dir) || !existsSync(file) || !file.endsWith('.gz') && !file.endsWith('.txt')) return void res.writeHead(404).end();
    // Pulumi's plugin download checks the length it was promised, as from a real release server.
    res.writeHead(200, { 'content-length': statSync(file).size, 'content-type': 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe("a release job's steps on a hosted runner: clean HOME, no git identity, no Pulumi but what the job installs", () => {
  const base = mkdtempSync(path.join(tmpdir(), 'msa-runner-'));
  const box: RunnerSandbox = { home: path.join(base, 'home'), workspace: path.join(base, 'work'), toolCache: path.join(base, 'tools'), temp: path.join(base, 'temp') };
  let site: { server: Server; url: string };
  let runner: HostedRunner;

  beforeAll(async () => {
    site = await downloadStandIn(path.join(base, 'site'));
    const job = loadWorkflows(root).find((w) => w.file === 'release-stage.yml')!.jobs.release!;
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    runner = new HostedRunner(
      box,
      {
        inputs: { service: 'order', stage: 'test', from: 'dev' },
        vars: { PULUMI_BACKEND_URL: `file://${path.join(base, 'state')}`, AWS_REGION: 'eu-central-1', AWS_DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/msa-deploy-test' },
        github: { sha: head, ref_name: 'main', token: 'no-token-here', repository: 'example-org/msa' },
      },
      {
        // Stand-ins for the two marketplace actions that fetch something: the repository and Node.
        'actions/checkout': () => execFileSync('git', ['clone', '--quiet', root, box.workspace]),
        'actions/setup-node': HostedRunner.setupNodeStandIn(process.execPath, box), // the Node 24 running this test
      },
      {
        MSA_PULUMI_DOWNLOAD_BASE: site.url, MSA_PULUMI_PLUGIN_SERVER: site.url,
        // npm ci reaches the real npm registry; the machine's package cache only saves re-downloading the same tarballs.
        npm_config_cache: execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim(), npm_config_prefer_offline: 'true',
        // The machine's network trust (its TLS-inspecting proxy's CA), as a runner has its own.
        ...Object.fromEntries(NETWORK_TRUST.filter((k) => process.env[k]).map((k) => [k, process.env[k]!])),
      },
    );
    await runner.runJob(job, root);
  }, 900_000);
  afterAll(() => {
    site?.server.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('runs the setup steps as written, to the end', () => {
    const ran = runner.results.filter((r) => r.status === 'ran');
    for (const r of ran.slice(0, 2)) expect(r.exitCode, `${r.name}\n${r.output}`).toBe(0);
    expect(ran.map((r) => r.name).slice(0, 2)).toEqual(['bash tools/ci/install-deps.sh', 'bash tools/ci/install-pulumi.sh']);
    expect(runner.results.filter((r) => r.status === 'skipped').map((r) => r.name)).toEqual(['actions/download-artifact@d3f86a106a0bac45b974a628896c90dbdf5c8093', 'aws-actions/configure-aws-credentials@e3dd6a429d7300a6a4c196c26e071d42e0343502', 'npm run pipeline -- --push deploy "$SERVICE" --env "$STAGE" --build-commit "$COMMIT"']);
  });

  it('installs the pinned official CLI and every provider plugin the lockfile needs, and points the pipeline at that CLI', () => {
    const cli = runner.env.MSA_PULUMI_BIN!;
    expect(cli).toBe(path.join(box.toolCache, `pulumi-${PULUMI_VERSION}`, 'pulumi'));
    const env = { ...runner.env, PATH: `${path.dirname(cli)}:${runner.env.PATH}` };
    expect(execFileSync('pulumi', ['version'], { env, encoding: 'utf8' }).trim()).toBe(`v${PULUMI_VERSION}`);
    const installed = (JSON.parse(execFileSync(cli, ['plugin', 'ls', '--json'], { env, encoding: 'utf8' })) as { name: string; version: string; kind: string }[])
      .filter((p) => p.kind === 'resource').map((p) => `${p.name}@${p.version}`).sort();
    expect(installed).toEqual(providerPlugins(root).map((p) => `${p.name}@${p.version}`).sort());
    // The local wrapper's repository-local PULUMI_HOME was never made: the runner used the installed CLI.
    expect(existsSync(path.join(box.workspace, '.tools'))).toBe(false);
    expect(runner.env.PULUMI_HOME).toBe(path.join(box.home, '.pulumi'));
    expect(readdirSync(path.join(box.home, '.pulumi', 'plugins')).filter((d) => !d.endsWith('.lock')).sort()).toEqual(providerPlugins(root).map((p) => `resource-${p.name}-v${p.version}`).sort());
  });

  it("runs the job's pipeline step on that runner, without a git identity, into the pipeline's own release checks", () => {
    const step = runner.results.find((r) => r.name.startsWith('npm run pipeline -- --push promote'))!;
    expect(step.status).toBe('ran');
    for (const hosted of [/Pulumi CLI is not available/, /unable to auto-detect email|Please tell me who you are/, /PULUMI_CONFIG_PASSPHRASE|passphrase/i, /no resource plugin|could not find plugin/i, /ERR_UNKNOWN_FILE_EXTENSION|Cannot find module/]) {
      expect(step.output, String(hosted)).not.toMatch(hosted);
    }
    expect(existsSync(path.join(box.home, '.gitconfig'))).toBe(false);
    // Node, the dependencies and the CLI resolve; the step stops at its first release check: a fresh repository has no
    // passing dev release to promote (the cloud steps after it need an AWS account).
    // (Today: "Promotion refused: order … never passed in dev". Any refusal must be the pipeline's own message.)
    expect(step.exitCode).not.toBe(0);
    expect(step.output).toMatch(/^pipeline: \S.*(dev|build|release)/m);
    expect(step.output).not.toMatch(/\n\s+at .+\(.*\.ts:\d+:\d+\)/);
  });

  it('refuses a CLI whose checksum does not match the published list', () => {
    const bad = path.join(base, 'bad-site');
    mkdirSync(bad, { recursive: true });
    const tarball = `pulumi-v${PULUMI_VERSION}-linux-x64.tar.gz`;
    writeFileSync(path.join(bad, tarball), 'not the release');
    writeFileSync(path.join(bad, `pulumi-${PULUMI_VERSION}-checksums.txt`), `${'1'.repeat(64)}  ${tarball}\n`);
    const r = spawnSync('bash', [path.join(box.workspace, 'tools/ci/install-pulumi.sh')], {
      env: { ...runner.env, MSA_PULUMI_DOWNLOAD_BASE: `file://${bad}`, MSA_PULUMI_INSTALL_DIR: path.join(base, 'bad-cli'), GITHUB_PATH: '', GITHUB_ENV: '' }, encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${tarball} does not match its published SHA-256`);
    expect(existsSync(path.join(base, 'bad-cli', 'pulumi'))).toBe(false);
  });
});
