import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

export interface PublicIngressArgs {
  readonly host: string;
  readonly zoneId: string;
  readonly namespace: pulumi.Input<string>;
  /** The Kubernetes Service of the public API. */
  readonly serviceName: string;
  readonly tags: Record<string, string>;
  readonly labels: Record<string, string>;
}

/** The public API behind an internet-facing ALB with a DNS-validated ACM certificate; HTTP redirects to HTTPS. */
export class PublicIngress extends pulumi.ComponentResource {
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: PublicIngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:ingress:PublicIngress', name, {}, opts);
    const parent = { parent: this };
    const cert = new aws.acm.Certificate(`${name}-cert`, { domainName: args.host, validationMethod: 'DNS', tags: args.tags }, parent);
    const option = cert.domainValidationOptions.apply((o) => o[0]);
    const record = new aws.route53.Record(`${name}-validation`, {
      zoneId: args.zoneId,
      name: option.apply((o) => o?.resourceRecordName ?? ''),
      type: option.apply((o) => o?.resourceRecordType ?? 'CNAME'),
      records: [option.apply((o) => o?.resourceRecordValue ?? '')],
      ttl: 300,
    }, parent);
    const validation = new aws.acm.CertificateValidation(`${name}-validated`, { certificateArn: cert.arn, validationRecordFqdns: [record.fqdn] }, parent);
    new k8s.networking.v1.Ingress(`${name}-ingress`, {
      metadata: {
        name: args.serviceName,
        namespace: args.namespace,
        labels: args.labels,
        annotations: {
          'alb.ingress.kubernetes.io/scheme': 'internet-facing',
          'alb.ingress.kubernetes.io/target-type': 'ip',
          'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]',
          'alb.ingress.kubernetes.io/ssl-redirect': '443',
          'alb.ingress.kubernetes.io/certificate-arn': validation.certificateArn,
          'external-dns.alpha.kubernetes.io/hostname': args.host,
        },
      },
      spec: {
        ingressClassName: 'alb',
        tls: [{ hosts: [args.host] }],
        rules: [{ host: args.host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: args.serviceName, port: { name: 'http' } } } }] } }],
      },
    }, parent);
    this.url = pulumi.output(`https://${args.host}`);
    this.registerOutputs({ url: this.url });
  }
}
