import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { facts } from '../facts.ts';
import { serviceAccountTrust } from '../cluster/irsa.ts';
import { COLLECTOR_NAME, MONITORING_NAMESPACE, OTLP_HTTP_PORT } from './namespace.ts';

export interface TraceCollectorArgs {
  readonly region: string;
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
  readonly tags: Record<string, string>;
  readonly labels: Record<string, string>;
}

/**
 * The trace pipeline: an OpenTelemetry Collector (upstream chart, contrib image) receives the services' OTLP spans
 * and sends them to AWS X-Ray, with an IAM role of its own (IRSA) carrying only AWS's X-Ray write policy. Locally the
 * services send the same OTLP to Jaeger; only this hop differs.
 */
export class TraceCollector extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: TraceCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:monitoring:TraceCollector', name, {}, opts);
    const parent = { parent: this };
    const chart = facts.charts()['opentelemetry-collector'];
    const role = new aws.iam.Role(`${name}-role`, {
      assumeRolePolicy: serviceAccountTrust(args.oidcProviderArn, args.oidcIssuer, `system:serviceaccount:${MONITORING_NAMESPACE}:${COLLECTOR_NAME}`),
      tags: args.tags,
    }, parent);
    const attachment = new aws.iam.RolePolicyAttachment(`${name}-xray`, { role: role.name, policyArn: facts.xrayPolicy().arn }, parent);
    new k8s.helm.v3.Release(`${name}-release`, {
      name: COLLECTOR_NAME,
      chart: 'opentelemetry-collector',
      version: chart.version,
      repositoryOpts: { repo: chart.repo },
      namespace: MONITORING_NAMESPACE,
      atomic: true,
      values: {
        fullnameOverride: COLLECTOR_NAME,
        mode: 'deployment',
        replicaCount: 2,
        image: { repository: 'otel/opentelemetry-collector-contrib', tag: chart.appVersion },
        command: { name: 'otelcol-contrib' },
        serviceAccount: { create: true, name: COLLECTOR_NAME, annotations: { 'eks.amazonaws.com/role-arn': role.arn } },
        additionalLabels: args.labels,
        // Only OTLP over HTTP is opened: the services export http/protobuf.
        ports: {
          'otlp-http': { enabled: true, containerPort: OTLP_HTTP_PORT, servicePort: OTLP_HTTP_PORT, protocol: 'TCP' },
          otlp: { enabled: false }, 'jaeger-compact': { enabled: false }, 'jaeger-thrift': { enabled: false }, 'jaeger-grpc': { enabled: false }, zipkin: { enabled: false },
        },
        config: {
          receivers: { otlp: { protocols: { http: { endpoint: `0.0.0.0:${OTLP_HTTP_PORT}` } } }, jaeger: null, zipkin: null, prometheus: null },
          processors: { batch: {} },
          exporters: { awsxray: { region: args.region, indexed_attributes: ['order.id'] } },
          service: {
            pipelines: {
              traces: { receivers: ['otlp'], processors: ['memory_limiter', 'batch'], exporters: ['awsxray'] },
              metrics: null,
              logs: null,
            },
          },
        },
      },
    }, { ...parent, dependsOn: [attachment] });
    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
