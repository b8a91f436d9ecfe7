import type { ResourceValidationPolicy } from '@pulumi/policy';

const OPEN = new Set(['0.0.0.0/0', '::/0']);

/** No database or broker answers the internet: RDS not publicly accessible, no open rule on 5432, MSK without public access. */
export const noPublicDatabase: ResourceValidationPolicy = {
  name: 'no-public-database',
  description: 'Databases and Kafka brokers are reachable from inside the VPC only.',
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props }, report) => {
    if (type === 'aws:rds/instance:Instance' && props.publiclyAccessible === true) {
      report('RDS instance is publicly accessible; set publiclyAccessible: false');
    }
    if (type === 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule') {
      const covers5432 = props.ipProtocol === '-1' || (props.fromPort <= 5432 && props.toPort >= 5432);
      if (covers5432 && (OPEN.has(props.cidrIpv4) || OPEN.has(props.cidrIpv6))) {
        report('security group rule opens PostgreSQL (5432) to the internet');
      }
    }
    if (type === 'aws:msk/cluster:Cluster') {
      const access = props.brokerNodeGroupInfo?.connectivityInfo?.publicAccess?.type;
      if (access !== undefined && access !== 'DISABLED') report(`MSK public access is ${access}; brokers stay private`);
    }
  },
};
