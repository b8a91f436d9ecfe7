export { TestSystem, type SystemOptions } from './system.ts';
export { request, eventually } from './http.ts';
export { freePort, spawnService, waitForOk } from './process.ts';
export { createServiceDatabase, dropServiceDatabase, createTopics, deleteTopics } from './provision.ts';
