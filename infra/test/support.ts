import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PolicyResource } from '@pulumi/policy';
import { onTestFinished } from 'vitest';
import { CLOUD_STACKS, findRepoRoot, loadCatalog } from '@msa/catalog';
import { readStackFile } from '../offline-plan/stack-config.ts';
import { captureStack, type Capture, type CaptureOptions } from '../offline-plan/capture.ts';
import { HELM_RELEASE, mockId, type CapturedResource } from '../offline-plan/mocks.ts';

export const ROOT = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
export { CLOUD_STACKS };
export const catalog = loadCatalog(ROOT);

export function capture(stack: string, options: Partial<CaptureOptions> = {}): Promise<Capture> {
  return captureStack(stack, { root: ROOT, ...options });
}

/** Captures run one after another: the Pulumi runtime is one per process. */
export async function captureAll(): Promise<Record<string, Capture>> {
  const all: Record<string, Capture> = {};
  for (const stack of CLOUD_STACKS) all[stack] = await capture(stack);
  return all;
}

/** A stack file's config, parsed, for tests that change one key. */
export function stackConfig(stack: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(readStackFile(ROOT, stack)).map(([k, v]) => [k, /^[[{]/.test(v) ? JSON.parse(v) : v]));
}

/** Back to the flat string form the CLI hands the program. */
export function flatConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

export const ofType = (c: Capture, type: string) => c.resources.filter((r) => r.type === type);
export const isCustom = (r: CapturedResource) => !r.type.startsWith('msa:') && !r.type.startsWith('pulumi:');
/**
 * Objects the program itself would apply to the Kubernetes API. A Helm release is a resource of the kubernetes provider
 * but no object of the API: Helm renders and applies the chart's objects, which are not in the program to check.
 */
export const isK8sObject = (r: CapturedResource) => r.type.startsWith('kubernetes:') && r.type !== HELM_RELEASE && isCustom(r);

/** A copy of the repository's catalog in a temporary folder (removed after the test), to add or break services without touching apps/. */
export function copyCatalog(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'msa-catalog-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const name of readdirSync(path.join(ROOT, 'apps'))) {
    const file = path.join(ROOT, 'apps', name, 'service.yaml');
    if (existsSync(file)) cpSync(file, path.join(dir, 'apps', name, 'service.yaml'));
  }
  return dir;
}

/**
 * The captured resources (copied, so tests may break them) as a policy pack sees them in a preview: props, and for each property that
 * names another resource's id, that resource (which the engine knows from the Output's dependencies).
 */
export function asPolicyResources(resources: CapturedResource[]): PolicyResource[] {
  const policyResources = resources.filter(isCustom).map((r) => ({
    type: r.type, name: r.name, urn: `urn:pulumi:test::msa::${r.type}::${r.name}`, props: structuredClone(r.inputs),
    opts: { protect: r.protect ?? false }, dependencies: [], propertyDependencies: {} as Record<string, PolicyResource[]>,
  })) as unknown as PolicyResource[];
  const byId = new Map(policyResources.map((p) => [mockId(p.type, p.name), p]));
  for (const p of policyResources) {
    for (const [key, value] of Object.entries(p.props)) {
      const ref = typeof value === 'string' ? byId.get(value) : undefined;
      if (ref) p.propertyDependencies[key] = [ref];
    }
  }
  return policyResources;
}
