import * as aws from '@pulumi/aws';
import type { CloudServiceSpec } from '../config/services.ts';
import { awsTags, type Env } from '../config/context.ts';
import type { Microservice } from './service.ts';
import { SERVICE_PORT } from './workload.ts';
/**
 * A service's base URL inside the cluster: its Service by DNS name (the Service is named after the
 * service, in the service's namespace). Callers get it as `<CALLEE>_URL` (catalog's serviceEnv).
 */
export function inClusterUrl(service: string, namespacePrefix: string): string {
  return `http://${service}.${namespacePrefix}${service}.svc.cluster.local:${SERVICE_PORT}`;
}

/**
 * Pods carry their own security group, so a synchronous call between services needs a rule: the callee's
 * pods admit each caller the catalog lists (`calls`), on the callee's port, and no other service.
 */
export function admitCallers(env: Env, specs: CloudServiceSpec[], services: Record<string, Microservice>): aws.vpc.SecurityGroupIngressRule[] {
  const byName = new Map(specs.map((p) => [p.service.name, p.service]));
  const rules: aws.vpc.SecurityGroupIngressRule[] = [];
  for (const { service: caller } of specs) {
    for (const calleeName of caller.calls) {
      const callee = byName.get(calleeName);
      const from = services[caller.name];
      const to = services[calleeName];
      if (!callee || !from || !to) throw new Error(`${caller.name} calls ${calleeName}, which has no resources in this stack`);
      const name = `${env.stack}-${callee.name}-from-${caller.name}`;
      rules.push(new aws.vpc.SecurityGroupIngressRule(name, {
        securityGroupId: to.podSecurityGroupId,
        referencedSecurityGroupId: from.podSecurityGroupId,
        ipProtocol: 'tcp',
        fromPort: callee.port,
        toPort: callee.port,
        tags: { ...awsTags(env, { service: callee.name, team: callee.team }), Name: name },
      }, { parent: to }));
    }
  }
  return rules;
}
