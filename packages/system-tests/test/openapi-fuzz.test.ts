import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzService, fuzzSummary, SUITE_BUDGET, TestSystem } from '@msa/system-tests';
import { findRepoRoot, loadCatalog } from '@msa/catalog';

// Every catalog service, so a new one is fuzzed with no change here.
const services = loadCatalog(findRepoRoot(import.meta.dirname)).services;
let system: TestSystem;

beforeAll(async () => {
  system = await TestSystem.start();
}, 180_000);

afterAll(async () => {
  await system?.close();
});

describe('each service holds its OpenAPI contract under schemathesis (all checks, all phases)', () => {
  it.each(services.map((s) => [s.name, s.http.openapi] as const))(
    '%s: no finding at the suite budget, and every operation covered',
    async (name, openapiPath) => {
      const report = await fuzzService(system.root, name, `${system.url(name)}${openapiPath}`, { ...SUITE_BUDGET, outDir: system.logDir });
      console.log(fuzzSummary(report));
      expect({ failures: report.failures, errors: report.errors, exitCode: report.exitCode }, `see ${report.log}`).toEqual({
        failures: [],
        errors: [],
        exitCode: 0,
      });
      expect(report.operations.tested).toBeGreaterThan(0);
      expect(report.operations.tested).toBe(report.operations.total);
      expect(report.testCases).toBeGreaterThan(0);
      expect(report.phases.coverage).toBe('success');
      expect(report.phases.fuzzing).toBe('success');
    },
    120_000,
  );
});
