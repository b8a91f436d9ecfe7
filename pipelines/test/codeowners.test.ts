import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { CODEOWNERS_FILE, renderCodeowners, StaleCodeownersError, syncCodeowners } from '../src/codeowners/codeowners.ts';

const root = findRepoRoot(import.meta.dirname);
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A repository with the real catalog and bootstrap config, to add a service or change a team without touching apps/. */
function copyRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'msa-owners-'));
  dirs.push(dir);
  const catalog = loadCatalog(root);
  for (const s of catalog.services) cpSync(s.file, path.join(dir, 'apps', s.name, 'service.yaml'));
  cpSync(path.join(root, 'Pulumi.bootstrap.yaml'), path.join(dir, 'Pulumi.bootstrap.yaml'));
  cpSync(path.join(root, CODEOWNERS_FILE), path.join(dir, CODEOWNERS_FILE));
  return dir;
}

describe('CODEOWNERS from the catalog', () => {
  it('gives each service folder to its catalog team and everything else to the platform team, as the checked-in file says', () => {
    const catalog = loadCatalog(root);
    const text = renderCodeowners(catalog, 'example-org');
    for (const s of catalog.services) expect(text).toMatch(new RegExp(`^/apps/${s.name}/ +@example-org/${s.team}$`, 'm'));
    expect(text).toMatch(/^\* +@example-org\/platform$/m);
    expect(text).toMatch(/^\/pipelines\/ +@example-org\/platform$/m);
    // The default comes first: in CODEOWNERS the last matching line wins.
    expect(text.indexOf('* ')).toBeLessThan(text.indexOf('/apps/'));
    expect(readFileSync(path.join(root, CODEOWNERS_FILE), 'utf8')).toBe(text);
  });

  it('fails the check when a team changes or a service is added, and writes the file that passes it', () => {
    const dir = copyRepo();
    expect(syncCodeowners(dir, loadCatalog(dir), { check: true }).changed).toBe(false);
    const orderYaml = path.join(dir, 'apps/order/service.yaml');
    writeFileSync(orderYaml, readFileSync(orderYaml, 'utf8').replace(/^team: .*$/m, 'team: checkout'));
    expect(() => syncCodeowners(dir, loadCatalog(dir), { check: true })).toThrow(StaleCodeownersError);
    expect(() => syncCodeowners(dir, loadCatalog(dir), { check: true })).toThrow(/\.github\/CODEOWNERS is stale.*npm run pipeline -- codeowners/);
    expect(syncCodeowners(dir, loadCatalog(dir), { check: false }).changed).toBe(true);
    expect(readFileSync(path.join(dir, CODEOWNERS_FILE), 'utf8')).toMatch(/^\/apps\/order\/ +@example-org\/checkout$/m);
    expect(syncCodeowners(dir, loadCatalog(dir), { check: true }).changed).toBe(false);
  });

  it('names the missing owner when the bootstrap config has none', () => {
    const dir = copyRepo();
    writeFileSync(path.join(dir, 'Pulumi.bootstrap.yaml'), 'config:\n  msa:target: bootstrap\n');
    expect(() => syncCodeowners(dir, loadCatalog(dir), { check: true })).toThrow(/Pulumi\.bootstrap\.yaml: msa:github\.owner is missing/);
  });
});
