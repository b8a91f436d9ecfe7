import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { $ } from 'zx';
import { repoRoot, type ServersConfig } from '../config.ts';
import { PrerequisiteError } from '../errors.ts';
import type { Log } from '../system.ts';
import { daemonState, type DaemonSpec, startDaemon, stopDaemon } from './daemon.ts';

/** Where the local Prometheus and Alertmanager run, what they read, and how often Prometheus looks. */
export interface MonitoringSettings {
  /** Holds both servers' config, data, pid files and logs. */
  dir: string;
  prometheusPort: number;
  alertmanagerPort: number;
  /** File-based service discovery: every *.json here is a list of scrape target groups (one file per stack). */
  targetsDir: string;
  /** The committed rule file, the same one every environment loads. */
  rulesFile: string;
  scrapeInterval: string;
  evaluationInterval: string;
}

/** The local servers' monitoring settings: ports from config, everything under the local folder. */
export function monitoringSettings(config: ServersConfig, overrides: Partial<MonitoringSettings> = {}): MonitoringSettings {
  return {
    dir: path.join(config.localDir, 'servers', 'monitoring'),
    prometheusPort: config.monitoring.prometheusPort,
    alertmanagerPort: config.monitoring.alertmanagerPort,
    targetsDir: config.monitoring.targetsDir,
    rulesFile: path.join(repoRoot, 'monitoring', 'alerts.rules.yml'),
    scrapeInterval: '15s',
    evaluationInterval: '15s',
    ...overrides,
  };
}

const prometheusConfigFile = (s: MonitoringSettings) => path.join(s.dir, 'prometheus.yml');
const alertmanagerConfigFile = (s: MonitoringSettings) => path.join(s.dir, 'alertmanager.yml');

/** Prometheus's config (JSON is YAML): the rule file, the targets folder, and our Alertmanager. */
export function prometheusConfig(s: MonitoringSettings): object {
  return {
    global: { scrape_interval: s.scrapeInterval, evaluation_interval: s.evaluationInterval, scrape_timeout: s.scrapeInterval },
    rule_files: [s.rulesFile],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${s.alertmanagerPort}`] }] }] },
    scrape_configs: [
      // Prometheus watches the folder: a stack that deploys, scales or is destroyed rewrites its file.
      { job_name: 'services', file_sd_configs: [{ files: [path.join(s.targetsDir, '*.json')], refresh_interval: '30s' }] },
      { job_name: 'prometheus', static_configs: [{ targets: [`127.0.0.1:${s.prometheusPort}`] }] },
    ],
  };
}

/** Alertmanager keeps and groups alerts for the UI and API; locally it notifies no one (no receiver configs). */
export function alertmanagerConfig(): object {
  return {
    route: { receiver: 'local', group_by: ['alertname', 'service'], group_wait: '5s', group_interval: '30s', repeat_interval: '4h' },
    receivers: [{ name: 'local' }],
  };
}

export function prometheusSpec(s: MonitoringSettings): DaemonSpec {
  return {
    name: 'prometheus',
    bin: 'prometheus',
    args: [
      `--config.file=${prometheusConfigFile(s)}`,
      `--storage.tsdb.path=${path.join(s.dir, 'prometheus-data')}`,
      '--storage.tsdb.retention.time=2d',
      `--web.listen-address=127.0.0.1:${s.prometheusPort}`,
      '--web.enable-lifecycle',
    ],
    dir: s.dir,
    port: s.prometheusPort,
    portVariable: 'MSA_PROMETHEUS_PORT',
    marker: prometheusConfigFile(s),
    readyUrl: `http://127.0.0.1:${s.prometheusPort}/-/ready`,
  };
}

export function alertmanagerSpec(s: MonitoringSettings): DaemonSpec {
  return {
    name: 'alertmanager',
    bin: 'prometheus-alertmanager',
    args: [
      `--config.file=${alertmanagerConfigFile(s)}`,
      `--storage.path=${path.join(s.dir, 'alertmanager-data')}`,
      `--web.listen-address=127.0.0.1:${s.alertmanagerPort}`,
      // One instance: no gossip port to open.
      '--cluster.listen-address=',
    ],
    dir: s.dir,
    port: s.alertmanagerPort,
    portVariable: 'MSA_ALERTMANAGER_PORT',
    marker: alertmanagerConfigFile(s),
    readyUrl: `http://127.0.0.1:${s.alertmanagerPort}/-/ready`,
  };
}

/** Debian's prometheus and prometheus-alertmanager packages, through the same script setup runs. */
export async function installMonitoring(log: Log): Promise<void> {
  const script = path.join(repoRoot, 'tools', 'prometheus', 'install-servers.sh');
  const run = await $({ quiet: true, nothrow: true })`bash ${script}`;
  if (run.exitCode !== 0) throw new PrerequisiteError(run.stderr.trim() || `${script} failed`);
  log(run.stdout.trim());
}

/** Writes both configs and starts Alertmanager, then Prometheus (which sends to it); running ones are left as they are. */
export async function startMonitoring(s: MonitoringSettings, log: Log): Promise<void> {
  await installMonitoring(log);
  for (const dir of [s.dir, s.targetsDir]) mkdirSync(dir, { recursive: true });
  writeFileSync(prometheusConfigFile(s), `${JSON.stringify(prometheusConfig(s), null, 2)}\n`);
  writeFileSync(alertmanagerConfigFile(s), `${JSON.stringify(alertmanagerConfig(), null, 2)}\n`);
  await startDaemon(alertmanagerSpec(s), log);
  await startDaemon(prometheusSpec(s), log);
}

export async function stopMonitoring(s: MonitoringSettings, log: Log): Promise<void> {
  await stopDaemon(prometheusSpec(s), log);
  await stopDaemon(alertmanagerSpec(s), log);
}

export function monitoringState(s: MonitoringSettings) {
  return { prometheus: daemonState(prometheusSpec(s)), alertmanager: daemonState(alertmanagerSpec(s)) };
}
