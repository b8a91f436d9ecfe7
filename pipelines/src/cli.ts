#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { createContext, type PipelineContext } from './context.ts';
import { affectedCommand } from './commands/affected.ts';
import { buildCommand } from './commands/build.ts';
import { cloneEnvCommand } from './commands/clone-env.ts';
import { deployCommand } from './commands/deploy.ts';
import { destroyEnvCommand } from './commands/destroy-env.ts';
import { materializeCommand } from './commands/materialize.ts';
import { previewCommand } from './commands/preview.ts';
import { promoteCommand } from './commands/promote.ts';
import { rehearseCommand } from './commands/rehearse.ts';
import { rollbackCommand } from './commands/rollback.ts';
import { statusCommand } from './commands/status.ts';
import { openPullRequestsFromGithub, sweepCommand } from './commands/sweep.ts';
import { smokeCommand } from './commands/smoke.ts';
import { stageTestCommand } from './commands/stage-test.ts';
import { syncCodeowners } from './codeowners/codeowners.ts';
import { driftCommand } from './commands/drift.ts';
import { eventsCompatCommand } from './commands/events-compat.ts';
import { commentBody, githubApiFromEnv, upsertPullRequestComment } from './output/pr-comment.ts';
import { pluginLines, providerPlugins } from './setup/plugins.ts';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`"${v}" is not a whole number`);
  return n;
};

export function buildProgram(): Command {
  const program = new Command('pipeline')
    .description('The pipeline: what changed, build once, deploy and promote each service dev → test → staging → prod on its own.')
    .option('--root <dir>', 'repository root (default: found from the working directory)')
    .option('--commit-state', 'kept for old workflows: release state is always committed, to the branch deployments/<stack>')
    .option('--push', 'read and write release state (branches deployments/<stack>) on the remote: --state-remote, or origin')
    .option('--state-remote <remote>', 'the remote holding release state (default: origin with --push, else this repository)')
    .option('--smoke-timeout <seconds>', 'how long a smoke test waits for a service', int, 60)
    .option('--lock-timeout <seconds>', "how long a deploy waits for another update's stack lock", int, 1800)
    .showHelpAfterError();

  const ctx = (): PipelineContext => {
    const o = program.opts<{ root?: string; commitState?: boolean; push?: boolean; stateRemote?: string; smokeTimeout: number; lockTimeout: number }>();
    return createContext({
      root: o.root ?? findRepoRoot(),
      ...(o.stateRemote ? { stateRemote: o.stateRemote } : {}),
      commit: Boolean(o.commitState || o.push),
      push: Boolean(o.push),
      smokeTimeoutMs: o.smokeTimeout * 1000,
      lockTimeoutMs: o.lockTimeout * 1000,
    });
  };

  program
    .command('affected')
    .description('the services a change touches, each with its reasons (table, or JSON with a workflow matrix)')
    .requiredOption('--base <ref>', 'compare from the merge base of this ref and HEAD')
    .option('--head <ref>', 'the change', 'HEAD')
    .option('--json', 'print JSON (services, reasons, stacks, matrix)')
    .option('--github-output [file]', 'also write services/matrix/stacks to $GITHUB_OUTPUT')
    .action(async (o: { base: string; head: string; json?: boolean; githubOutput?: string | boolean }) => {
      const githubOutput = o.githubOutput === true ? process.env.GITHUB_OUTPUT : o.githubOutput || undefined;
      if (o.githubOutput === true && !githubOutput) throw new Error('--github-output without a file needs $GITHUB_OUTPUT');
      await affectedCommand({ root: ctx().root, base: o.base, head: o.head, ...(o.json ? { json: true } : {}), ...(githubOutput ? { githubOutput } : {}) });
    });

  program
    .command('events-compat')
    .description("fail on an event schema change (base's committed schemas → the working tree) that can break a consumer in any language")
    .requiredOption('--base <ref>', 'compare from the merge base of this ref and HEAD')
    .action(async (o: { base: string }) => {
      const { breaks } = await eventsCompatCommand({ root: ctx().root, base: o.base });
      if (breaks.length > 0) process.exitCode = 1;
    });

  program
    .command('build <service>')
    .description('typecheck, test, pack the bundle (digest), build the image when an engine exists; write the build record')
    .option('--repository <prefix>', 'image repository prefix (default $MSA_IMAGE_REPOSITORY or local/msa)')
    .option('--push-image', 'push the image when one was built')
    .option('--start-servers', 'start the local PostgreSQL and Kafka before the tests (a fresh CI runner)')
    .action(async (service: string, o: { repository?: string; pushImage?: boolean; startServers?: boolean }) => {
      await buildCommand(ctx(), {
        service,
        ...(o.repository ? { repository: o.repository } : {}),
        push: Boolean(o.pushImage),
        startServers: Boolean(o.startServers),
      });
    });

  program
    .command('deploy <service>')
    .description("set the service's release in the stack config, pulumi up (waiting for the lock), smoke test, roll back on failure")
    .requiredOption('--env <stack>', 'the stack: the first stage or a clone')
    .option('--build-commit <sha>', 'deploy the build of this commit (default HEAD)')
    .action(async (service: string, o: { env: string; buildCommit?: string }) => {
      await deployCommand(ctx(), { service, env: o.env, ...(o.buildCommit ? { commit: o.buildCommit } : {}) });
    });

  program
    .command('smoke [service]')
    // The name it had before; workflows written against it keep working.
    .alias('verify')
    .description("the smoke test against the running service(s) on its own; records the result for promote")
    .requiredOption('--env <stack>', 'the stack')
    .option('--all', 'every service released in the stack (smoke-tests the set together, for promote --all)')
    .action(async (service: string | undefined, o: { env: string; all?: boolean }) => {
      if (!service && !o.all) throw new Error('smoke: name a service or pass --all');
      await smokeCommand(ctx(), { env: o.env, ...(service ? { service } : {}), all: Boolean(o.all) });
    });

  program
    .command('stage-test')
    .description("the stage's behaviour tests: the three saga paths through the public API of the stack's services, timed; recorded for promote. They speak as a customer: a local stack's dev issuer signs their token; for a cloud stack set MSA_STAGE_TEST_TOKEN")
    .requiredOption('--env <stack>', 'the stack')
    .option('--path-timeout <seconds>', 'how long one saga path may take to end', int, 60)
    .action(async (o: { env: string; pathTimeout: number }) => {
      await stageTestCommand(ctx(), { env: o.env, timeoutMs: o.pathTimeout * 1000 });
    });

  program
    .command('promote [service]')
    .description('move the exact artifact that passed in --from into the next stage --to')
    .requiredOption('--from <stack>', 'the stage it passed in')
    .requiredOption('--to <stack>', 'the next stage')
    .option('--all', 'promote every service whose release passed in --from')
    .option('--build-commit <sha>', "pin to this run's build (its build record): refuse unless --from runs exactly that artifact")
    .action(async (service: string | undefined, o: { from: string; to: string; all?: boolean; buildCommit?: string }) => {
      await promoteCommand(ctx(), { ...(service ? { service } : {}), all: Boolean(o.all), from: o.from, to: o.to, ...(o.buildCommit ? { buildCommit: o.buildCommit } : {}) });
    });

  program
    .command('rollback <service>')
    .description('put back a release that passed in the stack before')
    .requiredOption('--env <stack>', 'the stack')
    .option('--to <version-or-commit>', 'which earlier release (default: the one before the current)')
    .action(async (service: string, o: { env: string; to?: string }) => {
      await rollbackCommand(ctx(), { service, env: o.env, ...(o.to ? { to: o.to } : {}) });
    });

  program
    .command('clone-env')
    .description('copy a stack (config and releases) under a preview name and bring it up')
    .requiredOption('--from <stack>', 'the stack to copy')
    .requiredOption('--to <name>', 'pr-<n>, preview-<name> or rehearsal-<name>')
    .option('--target <target>', 'override msa:target (e.g. local)')
    .option('--no-up', 'only write the config')
    .action(async (o: { from: string; to: string; target?: string; up: boolean }) => {
      await cloneEnvCommand(ctx(), { from: o.from, to: o.to, up: o.up, ...(o.target ? { target: o.target } : {}) });
    });

  program
    .command('materialize')
    .description("write a stack's release state (branch deployments/<stack>) into Pulumi.<stack>.yaml, to rebuild it as it was")
    .requiredOption('--env <stack>', 'the stack')
    .option('--at <state-commit>', 'a commit of deployments/<stack> (default: its newest)')
    .action(async (o: { env: string; at?: string }) => {
      await materializeCommand(ctx(), { env: o.env, ...(o.at ? { at: o.at } : {}) });
    });

  program
    .command('destroy-env <stack>')
    .description("destroy a clone's resources and remove its stack")
    .action(async (stack: string) => {
      await destroyEnvCommand(ctx(), { stack });
    });

  program
    .command('sweep')
    .description('destroy clones whose pull request is closed or whose time to live has passed')
    .option('--ttl <hours>', 'time to live since the last update', int, 72)
    .option('--open-prs <list>', '"github" to ask the GitHub API, or a comma-separated list of open PR numbers')
    .option('--dry-run', 'say what would be destroyed')
    .action(async (o: { ttl: number; openPrs?: string; dryRun?: boolean }) => {
      const open =
        o.openPrs === undefined ? undefined : o.openPrs === 'github' ? await openPullRequestsFromGithub() : o.openPrs.split(',').filter(Boolean).map(int);
      await sweepCommand(ctx(), { ttlHours: o.ttl, ...(open ? { openPullRequests: open } : {}), dryRun: Boolean(o.dryRun) });
    });

  program
    .command('preview')
    .description('pulumi preview of a stack, summarised (and written to a file for the pull request comment)')
    .requiredOption('--stack <stack>', 'the stack')
    .option('--summary-file <file>', 'also write the summary (Markdown) to this file')
    .action(async (o: { stack: string; summaryFile?: string }) => {
      await previewCommand(ctx(), { stack: o.stack, ...(o.summaryFile ? { summaryFile: o.summaryFile } : {}) });
    });

  program
    .command('comment-pr <number>')
    .description("put the summaries in a folder into the pipeline's one comment on a pull request, edited in place")
    .requiredOption('--from <dir>', 'folder of Markdown summaries (the preview jobs\' artifacts)')
    .action(async (pr: string, o: { from: string }) => {
      const n = int(pr);
      const r = await upsertPullRequestComment(githubApiFromEnv(process.env), n, commentBody(o.from, n));
      process.stdout.write(`#${n}: comment ${r.id} ${r.action}\n`);
    });

  program
    .command('drift')
    .description('pulumi refresh --preview-only: resources changed outside Pulumi (exit 3 when a stack drifted)')
    .requiredOption('--stack <stack>', 'the stack')
    .action(async (o: { stack: string }) => {
      await driftCommand(ctx(), { stack: o.stack });
    });

  program
    .command('status')
    .description('every environment by every service: version, when, which commit, and drift from git')
    .option('--stack <stack...>', 'only these stacks')
    .option('--json', 'print JSON')
    .option('--fail-on-drift', 'exit non-zero when a stack differs from git')
    .action(async (o: { stack?: string[]; json?: boolean; failOnDrift?: boolean }) => {
      await statusCommand(ctx(), { ...(o.stack ? { stacks: o.stack } : {}), json: Boolean(o.json), failOnDrift: Boolean(o.failOnDrift) });
    });

  program
    .command('rehearse <service>')
    .description('the whole chain on this machine with local clones standing in for every stage; prints lead times')
    .option('--source <stack>', 'the stack each stand-in is cloned from', 'local')
    .option('--keep', 'keep the stand-in stacks')
    .action(async (service: string, o: { source: string; keep?: boolean }) => {
      await rehearseCommand(ctx(), { service, source: o.source, keep: Boolean(o.keep) });
    });

  program
    .command('codeowners')
    .description('write .github/CODEOWNERS from the catalog (each service folder to its team); --check only compares')
    .option('--check', 'fail when the file differs from the catalog instead of writing it')
    .action((o: { check?: boolean }) => {
      const root = ctx().root;
      const r = syncCodeowners(root, loadCatalog(root), { check: Boolean(o.check) });
      process.stdout.write(`${r.file}: ${r.changed ? 'written' : 'up to date'}\n`);
    });

  program
    .command('pulumi-plugins')
    .description("the provider plugins the lockfile's @pulumi/* packages need, one `<name> <version> [<server>]` a line")
    .action(() => {
      const lines = pluginLines(providerPlugins(ctx().root));
      process.stdout.write(lines ? `${lines}\n` : '');
    });

  return program;
}

if (import.meta.main) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((e: Error) => {
      process.stderr.write(`pipeline: ${e.message}\n`);
      process.exitCode = e.name === 'DriftError' ? 3 : 1;
    });
}
