import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';

/** Pods that run for as long as the service does; a one-shot Job (the role bootstrap) may use the master user. */
const LONG_RUNNING = new Set(['kubernetes:apps/v1:Deployment', 'kubernetes:apps/v1:StatefulSet', 'kubernetes:apps/v1:DaemonSet', 'kubernetes:apps/v1:ReplicaSet']);

interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string } } }[];
  envFrom?: { secretRef?: { name: string } }[];
}

const userOfUrl = (url: unknown) => (typeof url === 'string' ? /^postgres(?:ql)?:\/\/([^:@/]+)/.exec(url)?.[1] : undefined);

/** Kubernetes Secrets (namespace/name) that carry an RDS master user's credentials. */
function masterSecrets(resources: PolicyResource[], masters: Set<string>): Set<string> {
  const found = new Set<string>();
  for (const r of resources.filter((x) => x.type === 'kubernetes:core/v1:Secret')) {
    const data = r.props.stringData ?? {};
    if (masters.has(data.PGUSER) || masters.has(userOfUrl(data.DATABASE_URL) ?? '')) found.add(`${r.props.metadata?.namespace}/${r.props.metadata?.name}`);
  }
  return found;
}

/**
 * Services connect to their database as their own role, never as the RDS master user, which can read and change
 * everything on the instance. Checked on what the pods of long-running workloads get: env values, and the Secrets their
 * env and envFrom name.
 */
export const noMasterCredentialsInPods: StackValidationPolicy = {
  name: 'no-master-credentials-in-pods',
  description: "No Deployment, StatefulSet or DaemonSet gets an RDS master user's credentials.",
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, report) => {
    const masters = new Set(resources.filter((r) => r.type === 'aws:rds/instance:Instance').map((r) => r.props.username as string).filter(Boolean));
    if (masters.size === 0) return;
    const secrets = masterSecrets(resources, masters);
    for (const r of resources.filter((x) => LONG_RUNNING.has(x.type))) {
      const namespace = r.props.metadata?.namespace;
      const spec = r.props.spec?.template?.spec ?? {};
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Container[]) {
        const refs = [...(c.envFrom ?? []).map((e) => e.secretRef?.name), ...(c.env ?? []).map((e) => e.valueFrom?.secretKeyRef?.name)].filter(Boolean);
        const plain = (c.env ?? []).filter((e) => masters.has(e.value ?? '') || masters.has(userOfUrl(e.value) ?? ''));
        for (const name of refs.filter((n) => secrets.has(`${namespace}/${n}`))) {
          report(`${r.name}: container ${c.name} reads Secret ${namespace}/${name}, which holds an RDS master user's credentials; give it the service's own role`, r.urn);
        }
        for (const e of plain) report(`${r.name}: container ${c.name} connects as RDS master user ${e.value} (${e.name}); give it the service's own role`, r.urn);
      }
    }
  },
};
