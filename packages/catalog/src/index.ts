export { loadCatalog, parseServiceFile, CATALOG_FILE, type Catalog, type Service } from './load.ts';
export { serviceSchema, topicNameSchema, type ServiceEntry } from './schema.ts';
export { CatalogError, type CatalogIssue } from './errors.ts';
export { checkCatalog } from './check.ts';
export { findRepoRoot } from './root.ts';
export * from './contract/index.ts';
