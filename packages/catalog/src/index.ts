export { loadCatalog, parseServiceFile, CATALOG_FILE, type Catalog, type Service } from './load.ts';
export { serviceSchema, topicNameSchema, STORE_ENGINES, type ServiceEntry, type StoreEngine } from './schema.ts';
export { runtimeSchema, LANGUAGES, type Runtime, type GoRuntime } from './runtime.ts';
export { CatalogError, type CatalogIssue } from './errors.ts';
export { checkCatalog } from './check.ts';
export { findRepoRoot } from './root.ts';
export * from './contract/index.ts';
