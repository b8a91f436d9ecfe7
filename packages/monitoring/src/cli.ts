import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { DASHBOARDS_DIR, renderDashboards } from './dashboards/index.ts';
import { RULES_FILE, renderRules } from './render.ts';

/** Every generated file (repository-relative path → text): the rule file and one JSON file per dashboard. */
function generated(root: string): Record<string, string> {
  const catalog = loadCatalog(root);
  const dashboards = Object.entries(renderDashboards(catalog)).map(([file, text]) => [`${DASHBOARDS_DIR}/${file}`, text]);
  return { [RULES_FILE]: renderRules(catalog), ...Object.fromEntries(dashboards) };
}

const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

const program = new Command('alerts').description('Prometheus alert rules and Grafana dashboards generated from the service catalog');
program
  .command('render')
  .description(`write ${RULES_FILE} and ${DASHBOARDS_DIR}/*.json from the catalog`)
  .option('--check', 'write nothing; exit 1 when a committed file differs from what the catalog gives')
  .action((opts: { check?: boolean }) => {
    const root = findRepoRoot();
    const files = generated(root);
    if (!opts.check) {
      mkdirSync(path.join(root, DASHBOARDS_DIR), { recursive: true });
      for (const [rel, text] of Object.entries(files)) writeFileSync(path.join(root, rel), text);
      console.log(`wrote ${Object.keys(files).join(', ')}`);
      return;
    }
    const stale = Object.entries(files).filter(([rel, text]) => read(path.join(root, rel)) !== text).map(([rel]) => rel);
    // A dashboard file no longer generated would still be shipped by the cloud stacks.
    const orphans = readdirSync(path.join(root, DASHBOARDS_DIR)).map((f) => `${DASHBOARDS_DIR}/${f}`).filter((rel) => !(rel in files));
    for (const rel of [...stale, ...orphans]) console.error(`${rel} is stale: run npm run alerts -- render and commit it`);
    if (stale.length + orphans.length > 0) process.exitCode = 1;
  });
program.parse();
