import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { orphanSchemaFiles, renderEventContract } from './contract-render.ts';

const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

const program = new Command('events').description('The event contract: JSON Schemas generated from the producers\' zod schemas');
program
  .command('render')
  .description('write packages/catalog/events/envelope.schema.json and apps/<svc>/events/<topic>/<Type>.schema.json')
  .option('--check', 'write nothing; exit 1 when a committed schema differs from what the producers declare')
  .action(async (opts: { check?: boolean }) => {
    const root = findRepoRoot();
    const catalog = loadCatalog(root);
    const files = await renderEventContract(catalog);
    const orphans = orphanSchemaFiles(catalog, files);
    if (!opts.check) {
      for (const rel of orphans) rmSync(path.join(root, rel));
      for (const [rel, text] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        writeFileSync(path.join(root, rel), text);
      }
      console.log(`wrote ${Object.keys(files).length} schemas${orphans.length ? `, removed ${orphans.join(', ')}` : ''}`);
      return;
    }
    const stale = Object.entries(files).filter(([rel, text]) => read(path.join(root, rel)) !== text).map(([rel]) => rel);
    for (const rel of [...stale, ...orphans]) console.error(`${rel} is stale: run npm run events -- render and commit it`);
    if (stale.length + orphans.length > 0) process.exitCode = 1;
  });
await program.parseAsync();
