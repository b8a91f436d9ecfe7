import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { CatalogError, type CatalogIssue } from './errors.ts';
import { serviceSchema, type ServiceEntry } from './schema.ts';
import { checkCatalog } from './check.ts';
import { deadLetterTopic, writtenTopics } from './contract/names.ts';

export const CATALOG_FILE = 'service.yaml';

/** A catalog entry with where it came from. */
export interface Service extends ServiceEntry {
  /** Absolute path of the service's folder. */
  dir: string;
  /** Absolute path of its service.yaml. */
  file: string;
  /** Topic where this service's consumer puts messages it cannot process. */
  deadLetterTopic: string;
}

export interface Catalog {
  root: string;
  services: Service[];
  /** Every topic: produced ones and each consumer's dead-letter topic, sorted. */
  topics: string[];
  byName(name: string): Service;
}

/** Reads one service.yaml and validates it; issues name the file and the field. */
export function parseServiceFile(file: string, text: string): { entry?: ServiceEntry; issues: CatalogIssue[] } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    return { issues: doc.errors.map((e) => ({ file, field: '', message: `YAML: ${e.message}` })) };
  }
  const result = serviceSchema.safeParse(doc.toJS());
  if (!result.success) {
    return {
      issues: result.error.issues.map((i) => ({ file, field: i.path.join('.'), message: i.message })),
    };
  }
  return { entry: result.data, issues: [] };
}

/** Loads every apps/<name>/service.yaml below root, checks them together, and returns typed entries. */
export function loadCatalog(root: string, appsDir = 'apps'): Catalog {
  const base = path.resolve(root, appsDir);
  if (!existsSync(base)) throw new CatalogError([{ file: base, field: '', message: 'folder not found' }]);
  const issues: CatalogIssue[] = [];
  const services: Service[] = [];
  for (const folder of readdirSync(base).sort()) {
    const dir = path.join(base, folder);
    const file = path.join(dir, CATALOG_FILE);
    if (!statSync(dir).isDirectory() || !existsSync(file)) continue;
    const rel = path.relative(root, file);
    const parsed = parseServiceFile(rel, readFileSync(file, 'utf8'));
    issues.push(...parsed.issues);
    if (!parsed.entry) continue;
    if (parsed.entry.name !== folder) {
      issues.push({ file: rel, field: 'name', message: `must equal its folder name "${folder}"` });
    }
    services.push({ ...parsed.entry, dir, file, deadLetterTopic: deadLetterTopic(parsed.entry) });
  }
  issues.push(...checkCatalog(services.map((s) => ({ ...s, file: path.relative(root, s.file) }))));
  if (issues.length > 0) throw new CatalogError(issues);
  return makeCatalog(root, services);
}

function makeCatalog(root: string, services: Service[]): Catalog {
  const topics = new Set<string>();
  for (const s of services) {
    writtenTopics(s).forEach((t) => topics.add(t));
  }
  return {
    root,
    services,
    topics: [...topics].sort(),
    byName(name) {
      const found = services.find((s) => s.name === name);
      if (!found) {
        throw new Error(`Unknown service "${name}"; the catalog has: ${services.map((s) => s.name).join(', ')}`);
      }
      return found;
    },
  };
}
