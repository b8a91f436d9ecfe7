import { beforeAll, describe, expect, it } from 'vitest';
import type { Capture } from '../offline-plan/capture.ts';
import { CLOUD_STACKS, capture, catalog, ofType } from './support.ts';

/** Pod templates of the program's own workloads (Deployments and Jobs), by namespace. */
const podTemplates = (c: Capture) => [...ofType(c, 'kubernetes:apps/v1:Deployment'), ...ofType(c, 'kubernetes:batch/v1:Job')]
  .map((w) => ({ name: `${w.inputs.metadata.namespace}/${w.inputs.metadata.name}`, namespace: w.inputs.metadata.namespace as string, spec: w.inputs.spec.template.spec }));

/**
 * What the Pod Security Standards' `restricted` profile requires of a pod (kubernetes.io/docs/concepts/security/pod-security-standards):
 * non-root, RuntimeDefault (or Localhost) seccomp, no privilege escalation, every capability dropped (NET_BIND_SERVICE at most added
 * back), no host namespaces, ports or paths, only the volume types it lists. Returns what a pod breaks.
 */
export function restrictedViolations(spec: Record<string, any>): string[] {
  const out: string[] = [];
  const pod = spec.securityContext ?? {};
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push('host namespaces');
  const allowedVolumes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
  for (const v of spec.volumes ?? []) if (!Object.keys(v).filter((k) => k !== 'name').every((k) => allowedVolumes.includes(k))) out.push(`volume ${v.name}`);
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) out.push(`${c.name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${c.name}: allowPrivilegeEscalation is not false`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) out.push(`${c.name}: runAsNonRoot is not true`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) out.push(`${c.name}: runs as uid 0`);
    const seccomp = (sc.seccompProfile ?? pod.seccompProfile)?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${c.name}: seccomp ${seccomp}`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${c.name}: capabilities not dropped`);
    if ((sc.capabilities?.add ?? []).some((cap: string) => cap !== 'NET_BIND_SERVICE')) out.push(`${c.name}: adds capabilities`);
    if ((c.ports ?? []).some((p: { hostPort?: number }) => p.hostPort)) out.push(`${c.name}: host port`);
  }
  return out;
}

describe.each(CLOUD_STACKS)('the %s stack runs every service pod under the restricted Pod Security Standard', (stack) => {
  let c: Capture;
  beforeAll(async () => {
    c = await capture(stack);
    if (c.error) throw c.error;
  });

  it('labels each service namespace so admission enforces `restricted` (and warns and audits by it)', () => {
    for (const s of catalog.services) {
      const ns = ofType(c, 'kubernetes:core/v1:Namespace').find((n) => n.inputs.metadata.name === s.name);
      expect(ns?.inputs.metadata.labels, s.name).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted',
      });
    }
  });

  it('renders pods that the restricted profile admits, so enforcing it rejects none of ours', () => {
    const services = new Set(catalog.services.map((s) => s.name));
    const pods = podTemplates(c).filter((p) => services.has(p.namespace));
    // Each service's Deployment, and the database-roles Job of each PostgreSQL service.
    const postgres = catalog.services.filter((s) => s.store.engine === 'postgres').length;
    expect(pods.length).toBeGreaterThanOrEqual(services.size + postgres);
    for (const p of pods) expect(restrictedViolations(p.spec), p.name).toEqual([]);
  });

  it('mounts no Kubernetes API token into any service pod (IRSA brings its own web identity token)', () => {
    const services = new Set(catalog.services.map((s) => s.name));
    for (const p of podTemplates(c).filter((x) => services.has(x.namespace))) expect(p.spec.automountServiceAccountToken, p.name).toBe(false);
    for (const sa of ofType(c, 'kubernetes:core/v1:ServiceAccount').filter((x) => services.has(x.inputs.metadata.namespace))) {
      expect(sa.inputs.automountServiceAccountToken, sa.name).toBe(false);
      expect(sa.inputs.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::/);
    }
  });
});

describe('the restricted check itself', () => {
  it('names what a root pod with default capabilities breaks', () => {
    expect(restrictedViolations({ containers: [{ name: 'app' }], volumes: [{ name: 'h', hostPath: { path: '/' } }] })).toEqual([
      'volume h', 'app: allowPrivilegeEscalation is not false', 'app: runAsNonRoot is not true', 'app: seccomp undefined', 'app: capabilities not dropped',
    ]);
  });
});
