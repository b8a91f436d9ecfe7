import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { readLocalStackFile } from '@msa/stack-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { create, diff, read, remove, update } from '../../src/targets/local/providers/local-file-impl.ts';
import { scrapeTargetGroups, scrapeTargetsFile } from '../../src/targets/local/scrape-targets.ts';
import { resolveLocalStack } from '../../src/targets/local/spec.ts';

const root = findRepoRoot(import.meta.dirname);
const catalog = loadCatalog(root);
const tmp = mkdtempSync(path.join(tmpdir(), 'scrape-targets-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const groupsOf = (stack: string, portOffset: number) => {
  const config = { ...readLocalStackFile(root, 'local'), local: { ...readLocalStackFile(root, 'local').local, portOffset } };
  const spec = resolveLocalStack(stack, config, catalog, root);
  return scrapeTargetGroups(stack, spec.services.map((s) => ({ service: s.name, url: s.url, metricsPath: s.metricsPath })));
};

describe("the local stack's scrape targets (Prometheus file-based discovery)", () => {
  it("lists each catalog service once, on its stack port and catalog metrics path, labelled with the stack", () => {
    const groups = groupsOf('local', 0);
    expect(groups).toEqual(
      catalog.services.map((s) => ({ targets: [`127.0.0.1:${s.port}`], labels: { stack: 'local', __metrics_path__: s.http.metrics } })),
    );
  });

  it('gives a clone its own file, ports and stack label, so source and clone are scraped side by side', () => {
    const source = groupsOf('local', 0);
    const clone = groupsOf('local-pr-42', 20000);
    expect(scrapeTargetsFile('local-pr-42', root)).not.toBe(scrapeTargetsFile('local', root));
    expect(path.dirname(scrapeTargetsFile('local-pr-42', root))).toBe(path.join(root, '.local', 'monitoring', 'targets'));
    const targets = (g: typeof source) => g.flatMap((x) => x.targets);
    expect(targets(clone).filter((t) => targets(source).includes(t))).toEqual([]);
    expect(new Set(clone.map((g) => g.labels.stack))).toEqual(new Set(['local-pr-42']));
  });
});

describe('the LocalFile resource that writes it', () => {
  const file = path.join(tmp, 'targets', 'stack.json');

  it('creates the folder and file, rewrites it on update, and removes it on destroy', async () => {
    await create({ path: file, content: '[1]' });
    expect(readFileSync(file, 'utf8')).toBe('[1]');
    expect(await diff(file, { path: file, content: '[1]' }, { path: file, content: '[1]' })).toMatchObject({ changes: false });
    expect(await diff(file, { path: file, content: '[1]' }, { path: file, content: '[2]' })).toMatchObject({ changes: true, replaces: [] });
    await update(file, { path: file, content: '[1]' }, { path: file, content: '[2]' });
    expect(readFileSync(file, 'utf8')).toBe('[2]');
    await remove(file, { path: file, content: '[2]' });
    expect(existsSync(file)).toBe(false);
  });

  it('reads a file changed or deleted by hand as drifted, so the next up restores it', async () => {
    await create({ path: file, content: '[1]' });
    writeFileSync(file, '[]');
    expect(await read(file, { path: file, content: '[1]' })).toEqual({ id: file, props: { path: file, content: '[]' } });
    rmSync(file);
    expect(await read(file, { path: file, content: '[1]' })).toEqual({ id: '', props: {} });
  });
});
