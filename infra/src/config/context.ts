/** Who a resource belongs to: every AWS resource carries these as tags, every Kubernetes object as labels. */
export interface Owner {
  service: string;
  team: string;
}

/** Shared resources (network, cluster, Kafka) belong to the platform, not to a service. */
export const PLATFORM: Owner = { service: 'platform', team: 'platform' };

/** The environment a program run deploys, fixed once in the entrypoint. */
export interface Env {
  stack: string;
  environment: string;
}

export function awsTags(env: Env, owner: Owner): Record<string, string> {
  return { environment: env.environment, service: owner.service, owner: owner.team, stack: env.stack, 'managed-by': 'pulumi' };
}

export function k8sLabels(env: Env, owner: Owner): Record<string, string> {
  return {
    'app.kubernetes.io/name': owner.service,
    'app.kubernetes.io/part-of': 'msa',
    'app.kubernetes.io/managed-by': 'pulumi',
    'msa.dev/environment': env.environment,
    'msa.dev/owner': owner.team,
  };
}
