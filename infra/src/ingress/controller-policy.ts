import type * as aws from '@pulumi/aws';

/** The tag the controller puts on every load balancer, target group and security group it creates: the cluster's name. */
export const CLUSTER_TAG = 'elbv2.k8s.aws/cluster';

/** What the controller may do, when WAFv2 web ACLs are attached through the `alb.ingress.kubernetes.io/wafv2-acl-arn` annotation. */
export interface ControllerPolicyOptions {
  readonly region: string;
  readonly clusterName: string;
  readonly wafv2: boolean;
}

/**
 * The IAM policy of the AWS Load Balancer Controller: upstream's docs/install/iam_policy.json for the pinned version
 * (vendored as infra/facts/aws-load-balancer-controller.iam_policy.json), tightened for how this program uses it
 * (internet-facing ALBs from Ingress objects, our own frontend security group, no backend group, no NLB, Cognito,
 * Shield or classic WAF). Every action is one upstream grants; what upstream grants and this leaves out is listed in
 * OMITTED_UPSTREAM_ACTIONS with the reason (the tests hold both to the vendored file):
 * - no action is a wildcard and only read-only actions apply to every resource;
 * - everything that changes a load balancer, target group or security group is limited to those carrying the
 *   controller's tag with this cluster's name (the official policy only asks that the tag exists);
 * - listener, rule and target ARNs are limited to application load balancers in the stack's region, and to those
 *   tagged with this cluster's name: the chart runs with the ListenerRulesTagging feature gate, so listeners and rules
 *   carry the tag like load balancers and target groups do (infra/facts/iam-tag-conditions.json). Without it, dev's
 *   controller could change prod's listeners in the same account and region.
 * If the controller is upgraded and logs AccessDenied, compare with that version's iam_policy.json.
 */
/** What upstream's iam_policy.json grants that this policy does not, and why this program never needs it. */
export const OMITTED_UPSTREAM_ACTIONS: Record<string, string> = {
  'ec2:CreateSecurityGroup': 'each Ingress names our own frontend group; enableBackendSecurityGroup is false',
  'ec2:DescribeCoipPools': 'customer-owned IP pools exist on Outposts only',
  'ec2:GetCoipPoolUsage': 'customer-owned IP pools exist on Outposts only',
  'elasticloadbalancing:ModifyCapacityReservation': 'no Ingress asks for ALB capacity reservations',
  'elasticloadbalancing:ModifyIpPools': 'no Ingress asks for IPAM pools',
  'elasticloadbalancing:SetWebAcl': 'classic WAF is off (enableWaf: false)',
  'waf-regional:AssociateWebACL': 'classic WAF is off (enableWaf: false)',
  'waf-regional:DisassociateWebACL': 'classic WAF is off (enableWaf: false)',
  'waf-regional:GetWebACL': 'classic WAF is off (enableWaf: false)',
  'waf-regional:GetWebACLForResource': 'classic WAF is off (enableWaf: false)',
  'shield:CreateProtection': 'Shield Advanced is off (enableShield: false)',
  'shield:DeleteProtection': 'Shield Advanced is off (enableShield: false)',
  'shield:DescribeProtection': 'Shield Advanced is off (enableShield: false)',
  'shield:GetSubscriptionState': 'Shield Advanced is off (enableShield: false)',
  'wafv2:GetWebACL': 'granted only when Ingresses may attach WAFv2 web ACLs (the wafv2 option)',
  'wafv2:GetWebACLForResource': 'granted only when Ingresses may attach WAFv2 web ACLs (the wafv2 option)',
  'wafv2:AssociateWebACL': 'granted only when Ingresses may attach WAFv2 web ACLs (the wafv2 option)',
  'wafv2:DisassociateWebACL': 'granted only when Ingresses may attach WAFv2 web ACLs (the wafv2 option)',
  'cognito-idp:DescribeUserPoolClient': 'no listener authenticates through Cognito',
  'iam:GetServerCertificate': 'certificates come from ACM, never IAM server certificates',
  'iam:ListServerCertificates': 'certificates come from ACM, never IAM server certificates',
};

export function loadBalancerControllerPolicy(o: ControllerPolicyOptions): aws.iam.PolicyDocument {
  const elb = (resource: string) => `arn:aws:elasticloadbalancing:${o.region}:*:${resource}`;
  const loadBalancers = [elb('loadbalancer/app/*/*'), elb('targetgroup/*/*')];
  const listeners = elb('listener/app/*/*/*');
  const rules = elb('listener-rule/app/*/*/*');
  const securityGroups = `arn:aws:ec2:${o.region}:*:security-group/*`;
  const ownedByCluster = { StringEquals: { [`aws:ResourceTag/${CLUSTER_TAG}`]: o.clusterName } };
  const taggedForCluster = { StringEquals: { [`aws:RequestTag/${CLUSTER_TAG}`]: o.clusterName } };
  const statements: aws.iam.PolicyStatement[] = [
    {
      Sid: 'ElbServiceLinkedRole',
      Effect: 'Allow',
      Action: ['iam:CreateServiceLinkedRole'],
      Resource: '*',
      Condition: { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } },
    },
    {
      Sid: 'Discover',
      Effect: 'Allow',
      Action: [
        'ec2:DescribeAccountAttributes', 'ec2:DescribeAddresses', 'ec2:DescribeAvailabilityZones', 'ec2:DescribeInternetGateways',
        'ec2:DescribeVpcs', 'ec2:DescribeVpcPeeringConnections', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups',
        'ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeTags', 'ec2:DescribeRouteTables',
        'ec2:GetSecurityGroupsForVpc', 'ec2:DescribeIpamPools',
        'elasticloadbalancing:DescribeLoadBalancers', 'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeListeners', 'elasticloadbalancing:DescribeListenerAttributes',
        'elasticloadbalancing:DescribeListenerCertificates', 'elasticloadbalancing:DescribeSSLPolicies',
        'elasticloadbalancing:DescribeRules', 'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes', 'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTags', 'elasticloadbalancing:DescribeTrustStores', 'elasticloadbalancing:DescribeCapacityReservation',
        // Certificates: read only; the Ingress names its ACM certificate, the controller checks it.
        'acm:ListCertificates', 'acm:DescribeCertificate',
      ],
      Resource: '*',
    },
    {
      Sid: 'CreateTaggedForCluster',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
      Resource: '*',
      Condition: taggedForCluster,
    },
    {
      Sid: 'TagOnCreate',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:AddTags'],
      Resource: [...loadBalancers, listeners, rules],
      Condition: {
        StringEquals: {
          'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateLoadBalancer', 'CreateListener', 'CreateRule'],
          [`aws:RequestTag/${CLUSTER_TAG}`]: o.clusterName,
        },
      },
    },
    {
      Sid: 'ManageOwnLoadBalancers',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:ModifyLoadBalancerAttributes', 'elasticloadbalancing:SetIpAddressType', 'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets', 'elasticloadbalancing:DeleteLoadBalancer', 'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes', 'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags',
      ],
      Resource: loadBalancers,
      Condition: ownedByCluster,
    },
    {
      Sid: 'ListenersOnLoadBalancers',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:CreateListener'],
      Resource: [elb('loadbalancer/app/*/*')],
      Condition: ownedByCluster,
    },
    {
      Sid: 'ListenersAndRules',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:DeleteListener', 'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:ModifyListenerAttributes', 'elasticloadbalancing:AddListenerCertificates',
        'elasticloadbalancing:RemoveListenerCertificates', 'elasticloadbalancing:CreateRule', 'elasticloadbalancing:DeleteRule',
        'elasticloadbalancing:ModifyRule', 'elasticloadbalancing:SetRulePriorities',
        'elasticloadbalancing:AddTags', 'elasticloadbalancing:RemoveTags',
      ],
      Resource: [listeners, rules],
      Condition: ownedByCluster,
    },
    {
      Sid: 'RegisterPodTargets',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      Resource: [elb('targetgroup/*/*')],
      Condition: ownedByCluster,
    },
    {
      // Only groups the controller created and tagged for this cluster; ours (the Ingress's frontend group) it never edits.
      Sid: 'OwnSecurityGroups',
      Effect: 'Allow',
      Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress', 'ec2:DeleteSecurityGroup', 'ec2:CreateTags', 'ec2:DeleteTags'],
      Resource: [securityGroups],
      Condition: ownedByCluster,
    },
  ];
  if (o.wafv2) {
    statements.push({
      Sid: 'WafV2',
      Effect: 'Allow',
      Action: ['wafv2:GetWebACL', 'wafv2:GetWebACLForResource', 'wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL'],
      // The region's regional web ACLs and application load balancers: the two resources an association names.
      Resource: [`arn:aws:wafv2:${o.region}:*:regional/webacl/*/*`, elb('loadbalancer/app/*/*')],
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}
