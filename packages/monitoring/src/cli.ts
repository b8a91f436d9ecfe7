import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { RULES_FILE, renderRules } from './render.ts';

const program = new Command('alerts').description('Prometheus alert rules generated from the service catalog');
program
  .command('render')
  .description(`write ${RULES_FILE} from the catalog`)
  .option('--check', 'write nothing; exit 1 when the committed file differs from what the catalog gives')
  .action((opts: { check?: boolean }) => {
    const root = findRepoRoot();
    const file = path.join(root, RULES_FILE);
    const text = renderRules(loadCatalog(root));
    if (!opts.check) {
      writeFileSync(file, text);
      console.log(`wrote ${RULES_FILE}`);
      return;
    }
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {}
    if (current !== text) {
      console.error(`${RULES_FILE} is stale: run npm run alerts -- render and commit it`);
      process.exitCode = 1;
    }
  });
program.parse();
