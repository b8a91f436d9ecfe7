import { LabelSelector, ObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1';
import { z } from 'zod';
import type { CapturedResource } from '../offline-plan/mocks.ts';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: object) => Validatable;

/** The Kubernetes object a captured `kubernetes:` resource stands for: its inputs, as they would be applied. */
export function manifest(r: CapturedResource): Record<string, any> {
  return r.inputs;
}

/**
 * Loads the model of apiVersion/kind from kubernetes-models, which ships the API's OpenAPI schemas; the Prometheus
 * Operator's CRDs (ServiceMonitor, PrometheusRule) from @kubernetes-models/prometheus-operator, generated from its CRDs.
 */
async function builtInModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const modulePath = apiVersion.startsWith('monitoring.coreos.com/') ? `@kubernetes-models/prometheus-operator/${apiVersion}` : `kubernetes-models/${apiVersion}`;
  try {
    const mod = (await import(modulePath)) as Record<string, ModelClass>;
    return mod[kind];
  } catch {
    return undefined;
  }
}

/**
 * SecurityGroupPolicy (vpcresources.k8s.aws/v1beta1) is a CRD of the EKS VPC resource controller, not in the
 * core API: its metadata and pod selector are checked against the core schemas, its group list by the CRD's rule.
 */
const securityGroupPolicySpec = z
  .object({
    podSelector: z.record(z.string(), z.unknown()).optional(),
    serviceAccountSelector: z.record(z.string(), z.unknown()).optional(),
    securityGroups: z.object({ groupIds: z.array(z.string().regex(/^sg-/)).min(1).max(5) }).strict(),
  })
  .strict();

/** Validates one object; returns the reason it would be rejected, or undefined. */
export async function validateObject(obj: Record<string, any>): Promise<string | undefined> {
  try {
    if (obj.apiVersion === 'vpcresources.k8s.aws/v1beta1' && obj.kind === 'SecurityGroupPolicy') {
      new ObjectMeta(obj.metadata).validate();
      if (obj.spec?.podSelector) new LabelSelector(obj.spec.podSelector).validate();
      securityGroupPolicySpec.parse(obj.spec);
      return undefined;
    }
    const Model = await builtInModel(obj.apiVersion, obj.kind);
    if (!Model) return `no schema for ${obj.apiVersion} ${obj.kind}`;
    new Model(obj).validate();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
