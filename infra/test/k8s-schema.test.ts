import { beforeAll, describe, expect, it } from 'vitest';
import type { Capture } from '../src/plan/capture.ts';
import { manifest, validateObject } from './k8s-objects.ts';
import { captureAll, CLOUD_STACKS, isCustom } from './support.ts';

describe('every Kubernetes object the program would apply is valid against the Kubernetes API schemas', () => {
  let captures: Record<string, Capture>;
  beforeAll(async () => {
    captures = await captureAll();
  });

  it.each(CLOUD_STACKS)('in the %s stack', async (stack) => {
    const objects = captures[stack]!.resources.filter((r) => r.type.startsWith('kubernetes:') && isCustom(r));
    expect(objects.length).toBeGreaterThan(20);
    const kinds = new Set(objects.map((o) => manifest(o).kind));
    expect([...kinds].sort()).toEqual(['Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'Namespace', 'PodDisruptionBudget', 'Secret', 'SecurityGroupPolicy', 'Service', 'ServiceAccount']);
    const invalid: string[] = [];
    for (const o of objects) {
      const problem = await validateObject(manifest(o));
      if (problem) invalid.push(`${o.name}: ${problem}`);
    }
    expect(invalid).toEqual([]);
  });

  it('rejects an object the API server would reject, so the check has teeth', async () => {
    const deployment = captures.prod!.resources.find((r) => r.type === 'kubernetes:apps/v1:Deployment')!;
    const broken = structuredClone(manifest(deployment));
    broken.spec.replicas = 'two';
    broken.spec.template.spec.containers[0].livenessProbe.httpGet.port = { name: 'http' };
    expect(await validateObject(broken)).toMatch(/replicas|port/);
    const sgp = structuredClone(manifest(captures.prod!.resources.find((r) => r.type.endsWith(':SecurityGroupPolicy'))!));
    sgp.spec.securityGroups.groupIds = [];
    expect(await validateObject(sgp)).toMatch(/groupIds|too_small|at least/i);
    expect(await validateObject({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } })).toMatch(/no schema/);
  });
});
