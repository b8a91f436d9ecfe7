import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { validatedCertificate } from './certificate.ts';

/** The listener's TLS policy: TLS 1.3 and 1.2, no older protocol (ELB's security policy table, infra/facts/elb-tls-policies.json). */
export const ALB_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

export interface PublicIngressArgs {
  readonly host: string;
  readonly zoneId: string;
  readonly namespace: pulumi.Input<string>;
  /** The Kubernetes Service of the public API. */
  readonly serviceName: string;
  readonly vpcId: pulumi.Input<string>;
  /** The public service's pod security group and port: the load balancer is admitted there, and only there. */
  readonly podSecurityGroupId: pulumi.Input<string>;
  readonly port: number;
  /** What the load balancer probes: the service's readiness path from the catalog (the default `/` is served by no one). */
  readonly healthCheckPath: string;
  /** The only paths routed (prefixes, the catalog's http.publicPaths): probes, metrics and OpenAPI stay inside the cluster. */
  readonly paths: readonly string[];
  /** The WAFv2 web ACL the controller attaches to the load balancer (rate-based rule per client IP). */
  readonly webAclArn: pulumi.Input<string>;
  readonly tags: Record<string, string>;
  readonly labels: Record<string, string>;
  /** What serves the `alb` ingress class in this cluster: the stack's own controller; none when a referenced stack's serves it. */
  readonly controller?: pulumi.Resource;
}

/** The public API behind an internet-facing ALB (its own security group) with a DNS-validated ACM certificate; HTTP redirects to HTTPS. */
export class PublicIngress extends pulumi.ComponentResource {
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: PublicIngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:ingress:PublicIngress', name, {}, opts);
    const parent = { parent: this };
    const alb = new aws.ec2.SecurityGroup(`${name}-alb`, {
      vpcId: args.vpcId,
      description: `Internet-facing load balancer of ${args.serviceName}`,
      ingress: [80, 443].map((port) => ({ protocol: 'tcp', fromPort: port, toPort: port, cidrBlocks: ['0.0.0.0/0'] })),
      egress: [{ protocol: 'tcp', fromPort: args.port, toPort: args.port, cidrBlocks: ['0.0.0.0/0'] }],
      tags: { ...args.tags, Name: `${name}-alb`, 'msa.dev/role': 'load-balancer' },
    }, parent);
    new aws.vpc.SecurityGroupIngressRule(`${name}-to-pods`, {
      securityGroupId: args.podSecurityGroupId, referencedSecurityGroupId: alb.id, ipProtocol: 'tcp', fromPort: args.port, toPort: args.port,
      tags: { ...args.tags, Name: `${name}-to-pods` },
    }, parent);
    const certificateArn = validatedCertificate(`${name}-cert`, args.host, args.zoneId, args.tags, this);
    new k8s.networking.v1.Ingress(`${name}-ingress`, {
      metadata: {
        name: args.serviceName,
        namespace: args.namespace,
        labels: args.labels,
        annotations: {
          'alb.ingress.kubernetes.io/scheme': 'internet-facing',
          'alb.ingress.kubernetes.io/target-type': 'ip',
          'alb.ingress.kubernetes.io/healthcheck-path': args.healthCheckPath,
          'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]',
          'alb.ingress.kubernetes.io/ssl-redirect': '443',
          // TLS 1.2 and 1.3 only: the controller's default policy (ELBSecurityPolicy-2016-08) still accepts TLS 1.0 and 1.1.
          'alb.ingress.kubernetes.io/ssl-policy': ALB_SSL_POLICY,
          'alb.ingress.kubernetes.io/certificate-arn': certificateArn,
          'alb.ingress.kubernetes.io/wafv2-acl-arn': args.webAclArn,
          // Our own frontend group, so the rule above is the only way in to the pods.
          'alb.ingress.kubernetes.io/security-groups': alb.id,
          'alb.ingress.kubernetes.io/manage-backend-security-group-rules': 'false',
          'external-dns.alpha.kubernetes.io/hostname': args.host,
        },
      },
      spec: {
        ingressClassName: 'alb',
        tls: [{ hosts: [args.host] }],
        // The API's prefixes only: anything else (/, /metrics, /readyz, /openapi.json) gets the ALB's own 404.
        rules: [{
          host: args.host,
          http: { paths: args.paths.map((path) => ({ path, pathType: 'Prefix', backend: { service: { name: args.serviceName, port: { name: 'http' } } } })) },
        }],
      },
    }, { ...parent, dependsOn: args.controller ? [args.controller] : [] });
    this.url = pulumi.output(`https://${args.host}`);
    this.registerOutputs({ url: this.url });
  }
}
