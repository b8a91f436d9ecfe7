export { type ConnectionSettings, ConfigError, connectionSettings, loadConfig, repoRoot, type ServersConfig } from './config.ts';
export { PrerequisiteError, ServerStartError } from './errors.ts';
export { kafkaLibsDir } from './kafka/install.ts';
export { findPostgresBinDir } from './postgres/install.ts';
export { installServers, kafkaVersion, type Options, type ServerStatus, serverStatus, startServers, stopServers } from './servers.ts';
export { kafkaState, startKafka, stopKafka } from './kafka/server.ts';
export { postgresState, startPostgres, stopPostgres } from './postgres/server.ts';
export { redisState, startRedis, stopRedis, redisAdminUrl, redisPassword } from './redis/server.ts';
export { createRedisUser, dropRedisUser, redisUserExists, type RedisUser } from './redis/provision.ts';
