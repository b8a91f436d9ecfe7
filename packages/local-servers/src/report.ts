import type { ConnectionSettings, ServersConfig } from './config.ts';
import type { ServerStatus } from './servers.ts';

const mb = (bytes: number | null) => (bytes === null ? '-' : `${Math.round(bytes / 1024 / 1024)} MB`);

/** A plain table, one row per server. */
export function statusTable(statuses: ServerStatus[]): string {
  const rows = [
    ['server', 'state', 'pid', 'port', 'rss', 'data'],
    ...statuses.map((s) => [s.name, s.running ? 'running' : 'stopped', s.pid === null ? '-' : String(s.pid), String(s.port), mb(s.rss), s.dataDir]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

/** `monitoring`: the config whose Prometheus and Alertmanager were started too, to show their addresses. */
export function settingsText(settings: ConnectionSettings, monitoring?: ServersConfig): string {
  const m = monitoring?.monitoring;
  return [
    'Connection settings:',
    `  PostgreSQL    host=${settings.postgres.host} port=${settings.postgres.port} user=${settings.postgres.user} (peer over the socket ${settings.postgres.socketDir}; services: SCRAM passwords over TCP)  ${settings.postgres.url}`,
    `  Kafka         bootstrap=${settings.kafka.bootstrap}`,
    `  Redis         host=${settings.redis.host} port=${settings.redis.port} (ACL users; services get their own)`,
    ...(settings.tracing ? [`  Traces        OTLP ${settings.tracing.otlpEndpoint}  UI and query API ${settings.tracing.queryUrl}`] : []),
    ...(m
      ? [
          `  Prometheus    http://127.0.0.1:${m.prometheusPort}/alerts  (targets: ${m.targetsDir}/*.json)`,
          `  Alertmanager  http://127.0.0.1:${m.alertmanagerPort}/`,
        ]
      : []),
  ].join('\n');
}
