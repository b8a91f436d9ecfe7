import type { Service } from '@msa/catalog';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { podTemplate } from './pod.ts';

/** The port of every service's ClusterIP Service; it forwards to the pod's `http` port (the catalog's port). */
export const SERVICE_PORT = 80;

export interface WorkloadArgs {
  readonly service: Service;
  readonly namespace: pulumi.Input<string>;
  readonly image: string;
  readonly replicas: { readonly min: number; readonly max: number; readonly cpuTarget: number };
  readonly serviceAccountName: pulumi.Input<string>;
  readonly podSecurityGroupId: pulumi.Input<string>;
  /** Connection settings of the service's own database; the password is a Pulumi secret. */
  readonly database: Record<string, pulumi.Input<string>>;
  readonly env: Record<string, pulumi.Input<string>>;
  readonly labels: Record<string, string>;
  /** What the pods need before they start (the job that creates their database role). */
  readonly startAfter?: pulumi.Resource[];
}

/** One service's pods: credentials Secret, pod security group binding, Deployment, Service, HPA and PDB. */
export class Workload extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;

  constructor(name: string, args: WorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:service:Workload', name, {}, opts);
    const parent = { parent: this };
    const svc = args.service;
    const meta = { name: svc.name, namespace: args.namespace, labels: args.labels };
    const selector = { 'app.kubernetes.io/name': svc.name };
    const secret = new k8s.core.v1.Secret(`${name}-db`, {
      metadata: { ...meta, name: `${svc.name}-db` },
      type: 'Opaque',
      stringData: args.database,
    }, parent);
    // Security groups for pods: only pods matching this selector carry the group the database admits.
    new k8s.apiextensions.CustomResource(`${name}-sgp`, {
      apiVersion: 'vpcresources.k8s.aws/v1beta1',
      kind: 'SecurityGroupPolicy',
      metadata: meta,
      spec: { podSelector: { matchLabels: selector }, securityGroups: { groupIds: [args.podSecurityGroupId] } },
    }, parent);
    const deployment = new k8s.apps.v1.Deployment(`${name}-deploy`, {
      metadata: meta,
      // No replicas: the HPA owns the count. Setting both makes every `up` fight the HPA over the field
      // (server-side apply conflict, pulumi-kubernetes#2491); the first rollout starts one pod and the HPA raises it to min.
      spec: {
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: podTemplate({ service: svc, image: args.image, labels: args.labels, serviceAccountName: args.serviceAccountName, databaseSecretName: secret.metadata.name, env: args.env }),
      },
    }, { ...parent, dependsOn: args.startAfter ?? [] });
    const service = new k8s.core.v1.Service(`${name}-svc`, {
      metadata: meta,
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: SERVICE_PORT, targetPort: 'http' }] },
    }, parent);
    new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, {
      metadata: meta,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name },
        minReplicas: args.replicas.min,
        maxReplicas: args.replicas.max,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: args.replicas.cpuTarget } } }],
      },
    }, parent);
    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
      metadata: meta,
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    }, parent);
    this.serviceName = service.metadata.name;
    this.registerOutputs({ serviceName: this.serviceName });
  }
}
