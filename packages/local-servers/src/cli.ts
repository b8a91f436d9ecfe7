#!/usr/bin/env node
// The local servers command: `npm run servers -- install|start|stop|status [--json]`.
import { Command } from 'commander';
import { ConfigError, connectionSettings, loadConfig } from './config.ts';
import { PrerequisiteError, ServerStartError } from './errors.ts';
import { settingsText, statusTable } from './report.ts';
import { monitoringSettings, startMonitoring, stopMonitoring } from './monitoring/servers.ts';
import { installServers, monitoringStatus, serverStatus, startServers, stopServers } from './servers.ts';

const log = (line: string) => console.log(line);

const program = new Command('servers')
  .description('Real PostgreSQL, a single-node Kafka (KRaft) and a trace store (Jaeger) for local work: data under $MSA_LOCAL_DIR (default .local/).')
  .showHelpAfterError();

program
  .command('install')
  .description("install what is missing: PostgreSQL from Debian's packages, the Kafka broker's jars from Maven Central")
  .action(async () => {
    await installServers({ config: loadConfig(), log });
  });

program
  .command('start')
  .description('install if needed, then start both servers detached and wait until they are ready')
  .option('--json', 'print the connection settings as JSON')
  .option('--monitoring', "also start Prometheus (the committed alert rules, scrape targets from each local stack's file) and Alertmanager")
  .action(async (options: { json?: boolean; monitoring?: boolean }) => {
    const config = loadConfig();
    const quiet = options.json ? () => {} : log;
    const settings = await startServers({ config, log: quiet });
    if (options.monitoring) await startMonitoring(monitoringSettings(config), quiet);
    console.log(options.json ? JSON.stringify(settings, null, 2) : settingsText(settings, options.monitoring ? config : undefined));
  });

program
  .command('stop')
  .description('stop every server, Prometheus and Alertmanager included (safe when they are not running)')
  .action(async () => {
    const config = loadConfig();
    await stopMonitoring(monitoringSettings(config), log);
    await stopServers({ config, log });
  });

program
  .command('status')
  .description('show whether each server runs, its pid and port')
  .option('--json', 'print as JSON')
  .action((options: { json?: boolean }) => {
    const config = loadConfig();
    const statuses = [...serverStatus(config), ...monitoringStatus(config)];
    if (options.json) console.log(JSON.stringify({ servers: statuses, connection: connectionSettings(config) }, null, 2));
    else console.log(statusTable(statuses));
  });

try {
  await program.parseAsync();
} catch (error) {
  // Expected failures get their message only; anything else keeps its stack for a bug report.
  const known = error instanceof ConfigError || error instanceof PrerequisiteError || error instanceof ServerStartError;
  console.error(known ? `error: ${(error as Error).message}` : error);
  process.exitCode = 1;
}
