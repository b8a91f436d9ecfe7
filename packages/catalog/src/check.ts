import type { CatalogIssue } from './errors.ts';
import type { ServiceEntry } from './schema.ts';

type Located = ServiceEntry & { file: string };

/** Rules that span services: unique names, ports and databases; topics and calls that resolve. */
export function checkCatalog(services: Located[]): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const seen = { name: new Map<string, string>(), port: new Map<number, string>(), db: new Map<string, string>() };
  const produced = new Map<string, string>();
  for (const s of services) {
    unique(seen.name, s.name, s.file, 'name', issues);
    unique(seen.port, s.port, s.file, 'port', issues);
    if (s.database) unique(seen.db, s.database.name, s.file, 'database.name', issues);
    for (const t of s.topics.produces) {
      const owner = produced.get(t);
      if (owner && owner !== s.name) {
        issues.push({ file: s.file, field: 'topics.produces', message: `topic "${t}" is already produced by ${owner}; one producer owns a topic` });
      }
      produced.set(t, s.name);
    }
  }
  const names = new Set(services.map((s) => s.name));
  for (const s of services) {
    s.topics.consumes.forEach((t, i) => {
      if (!produced.has(t)) {
        issues.push({ file: s.file, field: `topics.consumes.${i}`, message: `topic "${t}" is produced by no service in the catalog` });
      }
    });
    s.calls.forEach((c, i) => {
      if (!names.has(c)) issues.push({ file: s.file, field: `calls.${i}`, message: `calls unknown service "${c}"` });
      if (c === s.name) issues.push({ file: s.file, field: `calls.${i}`, message: 'a service does not call itself' });
    });
  }
  return issues;
}

function unique<K>(seen: Map<K, string>, key: K, file: string, field: string, issues: CatalogIssue[]): void {
  const other = seen.get(key);
  if (other) issues.push({ file, field, message: `${String(key)} is already used by ${other}` });
  else seen.set(key, file);
}
