import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

/**
 * Requests one client IP may send the public load balancer in five minutes before WAF blocks it.
 * The services' own limit is per caller (token subject) and per replica; this one holds in front of
 * every replica and before any token is checked, so a flood never reaches the pods.
 */
export const WAF_RATE_LIMIT_PER_5_MIN = 2_000;

export interface ApiWebAclArgs {
  readonly tags: Record<string, string>;
}

const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

/** The public ALB's WAFv2 web ACL: a rate-based rule per client IP, and AWS's common rule set. */
export class ApiWebAcl extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;

  constructor(name: string, args: ApiWebAclArgs, opts?: pulumi.ComponentResourceOptions) {
    super('msa:ingress:ApiWebAcl', name, {}, opts);
    const acl = new aws.wafv2.WebAcl(`${name}-acl`, {
      // REGIONAL: the scope an Application Load Balancer's web ACL must have (CLOUDFRONT is for distributions).
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rules: [
        {
          name: 'rate-per-client-ip',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: WAF_RATE_LIMIT_PER_5_MIN, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility(`${name}-rate-per-client-ip`),
        },
        {
          name: 'aws-common-rule-set',
          priority: 1,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' } },
          visibilityConfig: visibility(`${name}-aws-common`),
        },
      ],
      visibilityConfig: visibility(`${name}-acl`),
      tags: { ...args.tags, Name: `${name}-acl` },
    }, { parent: this });
    this.arn = acl.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
