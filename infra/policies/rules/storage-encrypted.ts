import type { ResourceValidationPolicy } from '@pulumi/policy';

/** Data is encrypted at rest (RDS) and in transit between clients and brokers (MSK; MSK is always encrypted at rest). */
export const storageEncrypted: ResourceValidationPolicy = {
  name: 'storage-encrypted',
  description: 'RDS storage is encrypted; Kafka clients talk to brokers over TLS only.',
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props }, report) => {
    if (type === 'aws:rds/instance:Instance' && props.storageEncrypted !== true) {
      report('RDS storage is not encrypted; set storageEncrypted: true');
    }
    if (type === 'aws:msk/cluster:Cluster') {
      const transit = props.encryptionInfo?.encryptionInTransit;
      if (transit?.clientBroker !== 'TLS' || transit?.inCluster === false) {
        report(`MSK traffic must be TLS (clientBroker is ${transit?.clientBroker ?? 'unset'})`);
      }
    }
  },
};
