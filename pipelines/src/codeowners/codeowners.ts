import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Catalog } from '@msa/catalog';

/** Where GitHub reads code owners from. */
export const CODEOWNERS_FILE = '.github/CODEOWNERS';
/** The team that owns everything no catalog service owns: the platform's own code. */
const PLATFORM_TEAM = 'platform';
/** The platform's folders and files, named explicitly so a reader sees who reviews the pipeline and the stacks. */
const PLATFORM_PATHS = ['/.github/', '/infra/', '/pipelines/', '/packages/', '/tools/', '/bench/', '/monitoring/', '/Pulumi.yaml', '/Pulumi.*.yaml', '/package.json', '/package-lock.json'];

/** The GitHub organisation (owner) whose teams own the code: the bootstrap stack's msa:github.owner. */
export function githubOwner(root: string): string {
  const file = path.join(root, 'Pulumi.bootstrap.yaml');
  if (!existsSync(file)) throw new Error(`CODEOWNERS names teams of the GitHub owner in Pulumi.bootstrap.yaml (msa:github.owner), but ${file} does not exist`);
  const owner = (parse(readFileSync(file, 'utf8')) as { config?: Record<string, { owner?: string }> }).config?.['msa:github']?.owner;
  if (!owner) throw new Error('Pulumi.bootstrap.yaml: msa:github.owner is missing; CODEOWNERS needs the organisation whose teams own the code');
  return owner;
}

/**
 * CODEOWNERS from the catalog: each service's folder belongs to its `team` (the GitHub team the bootstrap stack creates
 * with the same name), everything else to the platform team. Later lines win in CODEOWNERS, so the default comes first.
 */
export function renderCodeowners(catalog: Catalog, owner: string): string {
  const handle = (team: string) => `@${owner}/${team}`;
  const width = Math.max(...[...PLATFORM_PATHS, ...catalog.services.map((s) => `/apps/${s.name}/`)].map((p) => p.length)) + 1;
  const line = (p: string, team: string) => `${p.padEnd(width)}${handle(team)}`;
  const rel = (dir: string) => `/${path.relative(catalog.root, dir).split(path.sep).join('/')}/`;
  return [
    '# Generated from the service catalog (apps/*/service.yaml: `team`) by `npm run pipeline -- codeowners`; do not edit.',
    '# CI fails when this file is stale (`pipeline codeowners --check`). Teams are created by the bootstrap stack.',
    line('*', PLATFORM_TEAM),
    ...PLATFORM_PATHS.map((p) => line(p, PLATFORM_TEAM)),
    ...[...catalog.services].sort((a, b) => a.name.localeCompare(b.name)).map((s) => line(rel(s.dir), s.team)),
    '',
  ].join('\n');
}

export class StaleCodeownersError extends Error {
  override name = 'StaleCodeownersError';
}

/** Writes CODEOWNERS, or with `check` compares only and throws when the file differs from the catalog. */
export function syncCodeowners(root: string, catalog: Catalog, opts: { check: boolean }): { file: string; changed: boolean } {
  const file = path.join(root, CODEOWNERS_FILE);
  const want = renderCodeowners(catalog, githubOwner(root));
  const have = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (have === want) return { file, changed: false };
  if (opts.check) {
    throw new StaleCodeownersError(`${CODEOWNERS_FILE} is ${have === undefined ? 'missing' : 'stale'}: it does not match the catalog's teams. Run \`npm run pipeline -- codeowners\` and commit it.`);
  }
  writeFileSync(file, want);
  return { file, changed: true };
}
