export { type ConnectionSettings, ConfigError, connectionSettings, loadConfig, repoRoot, type ServersConfig } from './config.ts';
export { PrerequisiteError, ServerStartError } from './errors.ts';
export { jarMismatches, kafkaLibsDir } from './kafka/install.ts';
export { findPostgresBinDir } from './postgres/install.ts';
export { installServers, kafkaVersion, monitoringStatus, type Options, type ServerStatus, serverStatus, startServers, stopServers } from './servers.ts';
export { kafkaState, startKafka, stopKafka } from './kafka/server.ts';
export { postgresState, startPostgres, stopPostgres } from './postgres/server.ts';
export { type MonitoringSettings, monitoringSettings, prometheusConfig, startMonitoring, stopMonitoring, monitoringState } from './monitoring/servers.ts';
export { jaegerState, startJaeger, stopJaeger } from './jaeger/server.ts';
