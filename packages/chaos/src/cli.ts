#!/usr/bin/env node
// npm run chaos [-- --scenario scale-out --duration 90 --rate 5 ...]: see --help.
import path from 'node:path';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { buildService } from '@msa/service-kit/build';
import { Command, InvalidArgumentError, Option } from 'commander';
import { reportText, writeResults } from './report.ts';
import { runChaos } from './run.ts';

const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`);
  return n;
};

const program = new Command('chaos')
  .description(
    'Places orders at a steady rate against every service run as real processes on a private PostgreSQL and Kafka (loopback only), ' +
      'while killing processes, refusing databases and restarting the servers; then proves every accepted order ended well, once.',
  )
  .addOption(new Option('--scenario <name>', 'chaos: all faults; scale-out: two replicas each, one of each killed').choices(['chaos', 'scale-out']).default('chaos'))
  .option('--duration <s>', 'seconds of load at least (it goes on until the last fault has ended)', positive('--duration'), 90)
  .option('--rate <n>', 'orders per second', positive('--rate'), 5)
  .option('--kill-every <s>', 'seconds between SIGKILLs of a random service process (chaos)', positive('--kill-every'), 5)
  .option('--outage <s>', 'seconds each database refuses connections (chaos)', positive('--outage'), 20)
  .option('--settle <s>', 'seconds allowed after the faults for every order to end and agree (more than the saga timeout)', positive('--settle'), 240)
  .option('--replicas <n>', 'processes per service (default: 1 for chaos, 2 for scale-out)', positive('--replicas'))
  .option('--saga-timeout <duration>', "the services' ORDER_SAGA_TIMEOUT: longer than any one fault, so a cancellation by it means a saga was stuck", '2m')
  .option('--seed <n>', 'seed for the random choices (which process to kill, what to order)', positive('--seed'), Date.now() % 1_000_000)
  .action(async (o) => {
    // The run starts each service's built bundle, as every launcher does: build what the tree holds now.
    const root = findRepoRoot(import.meta.dirname);
    for (const s of loadCatalog(root).services) await buildService(path.join(root, 'apps', s.name));
    const result = await runChaos({
      scenario: o.scenario,
      durationMs: o.duration * 1000,
      ratePerSecond: o.rate,
      killEveryMs: o.killEvery * 1000,
      outageMs: o.outage * 1000,
      settleMs: o.settle * 1000,
      replicas: o.replicas ?? (o.scenario === 'scale-out' ? 2 : 1),
      seed: o.seed,
      sagaTimeout: o.sagaTimeout,
      echo: (line) => console.log(line),
    });
    console.log(`\n${reportText(result)}`);
    console.log(`\nresults: ${writeResults(root, result)}`);
    process.exitCode = result.ok ? 0 : 1;
  });

await program.parseAsync();
