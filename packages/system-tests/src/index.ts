export { TestSystem, type SystemOptions } from './system.ts';
export { request, eventually, testOperatorToken, type RequestAs } from './http.ts';
export { FINAL_ORDER_STATUSES, orderReaches, orderSettles, type OrderView } from './orders.ts';
export { freePort, spawnService, waitForOk, type ServiceProcess } from './process.ts';
export { createServiceDatabase, dropServiceDatabase, createTopics, deleteTopics, setDatabaseAccepting, terminateSessions } from './provision.ts';
export { sendRaw, readTopic, envelope, type ReadMessage } from './kafka.ts';
export { metric, parseMetrics, type Sample } from './metrics.ts';
export { advisoryLockHolder } from './locks.ts';
export { fuzzService, fuzzSummary, schemathesisPaths, SUITE_BUDGET, type FuzzOptions, type FuzzReport } from './schemathesis.ts';
