import type { PolicyResource, StackValidationPolicy } from '@pulumi/policy';

const INGRESS_RULE = 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule';
const SECURITY_GROUP = 'aws:ec2/securityGroup:SecurityGroup';
const role = (r?: PolicyResource) => r?.props.tags?.['msa.dev/role'];
const service = (r?: PolicyResource) => r?.props.tags?.service;

/**
 * A service's database admits only that service's own pod security group: no rule from another
 * service's workload, from the nodes, or from an address range.
 */
export const noCrossServiceDatabaseAccess: StackValidationPolicy = {
  name: 'no-cross-service-database-access',
  description: "Only a service's own workload reaches its database.",
  enforcementLevel: 'mandatory',
  validateStack: ({ resources }, report) => {
    for (const r of resources) {
      if (r.type === SECURITY_GROUP && role(r) === 'database' && (r.props.ingress?.length ?? 0) > 0) {
        report(`database security group ${r.name} has inline ingress rules; admit workloads through their own rule`, r.urn);
      }
      if (r.type !== INGRESS_RULE) continue;
      const target = r.propertyDependencies.securityGroupId?.[0];
      if (role(target) !== 'database') continue;
      const source = r.propertyDependencies.referencedSecurityGroupId?.[0];
      if (!source) {
        report(`${r.name} admits ${r.props.cidrIpv4 ?? r.props.cidrIpv6 ?? r.props.prefixListId ?? 'an address range'} to the database of ${service(target)}; only its workload may connect`, r.urn);
      } else if (role(source) !== 'workload' || service(source) !== service(target)) {
        report(`${r.name} lets ${service(source) ?? source.name} (${role(source) ?? 'not a workload'}) reach the database of ${service(target)}`, r.urn);
      }
    }
  },
};
