import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RELEASES_KEY, stackFileName } from '@msa/catalog';
import { parseDocument, type Document } from 'yaml';
import { releaseSchema, type Release, type Releases } from '@msa/catalog';

/**
 * Validates msa:releases from a stack config's text. Every error names the file and the key,
 * so a broken config stops the pipeline before any resource changes.
 */
export function parseReleases(text: string, file: string): Releases {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`${file}: invalid YAML: ${doc.errors[0]!.message}`);
  return releasesOf(doc, file);
}

function releasesOf(doc: Document, file: string): Releases {
  const raw = doc.getIn(['config', RELEASES_KEY]) as unknown;
  if (raw === undefined || raw === null) return {};
  const value = (raw as { toJSON?: () => unknown }).toJSON ? (raw as { toJSON: () => unknown }).toJSON() : raw;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${file}: config.${RELEASES_KEY} must be a map of service → { version, image, commit }`);
  }
  const out: Releases = {};
  for (const [service, entry] of Object.entries(value as Record<string, unknown>)) {
    const r = releaseSchema.safeParse(entry);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new Error(`${file}: config.${RELEASES_KEY}.${service}.${issue.path.join('.')}: ${issue.message}`);
    }
    out[service] = r.data;
  }
  return out;
}

/** One stack's config file, edited in place so its comments and other keys survive. */
export class StackConfig {
  readonly stack: string;
  readonly file: string;
  private doc: Document;

  private constructor(stack: string, file: string, doc: Document) {
    this.stack = stack;
    this.file = file;
    this.doc = doc;
  }

  static load(root: string, stack: string): StackConfig {
    const file = path.join(root, stackFileName(stack));
    if (!existsSync(file)) throw new Error(`Stack "${stack}" has no config file: ${stackFileName(stack)} not found in ${root}`);
    const doc = parseDocument(readFileSync(file, 'utf8'));
    if (doc.errors.length > 0) throw new Error(`${stackFileName(stack)}: invalid YAML: ${doc.errors[0]!.message}`);
    const cfg = new StackConfig(stack, file, doc);
    cfg.releases(); // validate at the edge
    return cfg;
  }

  releases(): Releases {
    return releasesOf(this.doc, stackFileName(this.stack));
  }

  release(service: string): Release | undefined {
    return this.releases()[service];
  }

  get(key: string): unknown {
    const v = this.doc.getIn(['config', key]) as unknown;
    return (v as { toJSON?: () => unknown })?.toJSON ? (v as { toJSON: () => unknown }).toJSON() : v;
  }

  set(key: string, value: unknown): void {
    this.doc.setIn(['config', key], value);
  }

  setRelease(service: string, release: Release | undefined): void {
    if (release === undefined) {
      this.doc.deleteIn(['config', RELEASES_KEY, service]);
      return;
    }
    releaseSchema.parse(release);
    if (!this.doc.hasIn(['config', RELEASES_KEY]) || this.doc.getIn(['config', RELEASES_KEY]) === null) {
      this.doc.setIn(['config', RELEASES_KEY], this.doc.createNode({}));
    }
    this.doc.setIn(['config', RELEASES_KEY, service], this.doc.createNode({ ...release }));
  }

  text(): string {
    return this.doc.toString();
  }

  save(): void {
    writeFileSync(this.file, this.text());
  }

  /** A copy for another stack (clone-env): same comments, same keys. */
  cloneAs(root: string, stack: string): StackConfig {
    const doc = parseDocument(this.doc.toString());
    return new StackConfig(stack, path.join(root, stackFileName(stack)), doc);
  }
}
