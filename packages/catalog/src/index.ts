export { loadCatalog, parseServiceFile, CATALOG_FILE, type Catalog, type Service } from './load.ts';
export { serviceSchema, topicName, type ServiceEntry } from './schema.ts';
export { CatalogError, type CatalogIssue } from './errors.ts';
export { checkCatalog } from './check.ts';
export { findRepoRoot } from './root.ts';
export { calleeEnvVar } from './env-names.ts';
