// npm run fuzz -- [--budget N] [--seed N|random]: starts every catalog service (as TestSystem does) and
// runs schemathesis against each with all checks and phases; exits 1 on any finding.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findRepoRoot, loadCatalog } from '@msa/catalog';
import { buildService } from '@msa/service-kit/build';
import { fuzzService, fuzzSummary, SUITE_BUDGET } from './schemathesis.ts';
import { TestSystem } from './system.ts';

const { values } = parseArgs({ options: { budget: { type: 'string', default: String(SUITE_BUDGET.maxExamples) }, seed: { type: 'string', default: String(SUITE_BUDGET.seed) } } });
const maxExamples = Number(values.budget);
const seed = values.seed === 'random' ? undefined : Number(values.seed);
if (!Number.isInteger(maxExamples) || maxExamples < 1 || (seed !== undefined && !Number.isInteger(seed))) {
  console.error('usage: npm run fuzz -- [--budget <test cases per operation>] [--seed <integer>|random]');
  process.exit(2);
}

// The services run as their built bundles, as in the suite (its global setup builds them the same way).
const root = findRepoRoot(import.meta.dirname);
for (const s of loadCatalog(root).services) await buildService(path.join(root, 'apps', s.name));
const system = await TestSystem.start();
let found = 0;
try {
  for (const s of system.catalog.services) {
    const report = await fuzzService(system.root, s.name, `${system.url(s.name)}${s.http.openapi}`, { maxExamples, seed, outDir: system.logDir });
    console.log(fuzzSummary(report));
    if (report.exitCode !== 0 || report.failures.length + report.errors.length > 0) {
      found += 1;
      console.log(`  findings: see ${report.log}`);
    }
  }
} finally {
  await system.close();
}
process.exit(found > 0 ? 1 : 0);
