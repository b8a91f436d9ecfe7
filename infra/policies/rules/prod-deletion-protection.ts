import type { ResourceValidationPolicy } from '@pulumi/policy';

/** Production data survives a mistaken `pulumi destroy` and an AZ outage. */
export const prodDeletionProtection: ResourceValidationPolicy = {
  name: 'prod-deletion-protection',
  description: 'In prod, every database is deletion-protected, multi-AZ, backed up and keeps a final snapshot.',
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props }, report) => {
    if (type !== 'aws:rds/instance:Instance' || props.tags?.environment !== 'prod') return;
    if (props.deletionProtection !== true) report('prod database without deletion protection');
    if (props.skipFinalSnapshot === true) report('prod database would be deleted without a final snapshot');
    if (props.multiAz !== true) report('prod database is not multi-AZ');
    if (!(props.backupRetentionPeriod >= 7)) report(`prod database keeps ${props.backupRetentionPeriod ?? 0} days of backups; at least 7`);
  },
};
