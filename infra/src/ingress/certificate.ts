import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';

/** An ACM certificate for `host`, validated through a DNS record in the hosted zone; resolves once it is issued. */
export function validatedCertificate(
  name: string,
  host: string,
  zoneId: string,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const cert = new aws.acm.Certificate(name, { domainName: host, validationMethod: 'DNS', tags }, { parent });
  const option = cert.domainValidationOptions.apply((o) => o[0]);
  const record = new aws.route53.Record(`${name}-validation`, {
    zoneId,
    name: option.apply((o) => o?.resourceRecordName ?? ''),
    type: option.apply((o) => o?.resourceRecordType ?? 'CNAME'),
    records: [option.apply((o) => o?.resourceRecordValue ?? '')],
    ttl: 300,
  }, { parent });
  return new aws.acm.CertificateValidation(`${name}-validated`, { certificateArn: cert.arn, validationRecordFqdns: [record.fqdn] }, { parent }).certificateArn;
}
