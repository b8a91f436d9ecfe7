import type { ResourceValidationPolicy } from '@pulumi/policy';

/** What prod's data and the platform under it live in: losing one of these loses data or takes every service down. */
const GUARDED: Record<string, string> = {
  'aws:ec2/vpc:Vpc': 'VPC',
  'aws:eks/cluster:Cluster': 'EKS cluster',
  'aws:msk/cluster:Cluster': 'MSK cluster',
  'aws:rds/instance:Instance': 'database',
};

/** A mistaken `pulumi destroy` or a replacing change stops at prod's data: the engine refuses to delete a protected resource. */
export const protectProdData: ResourceValidationPolicy = {
  name: 'protect-prod-data',
  description: "In prod, the VPC, the EKS cluster, MSK and every database are registered with `protect: true`.",
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props, opts }, report) => {
    const what = GUARDED[type];
    if (!what || props.tags?.environment !== 'prod') return;
    if (opts?.protect !== true) report(`prod ${what} is not protected; register it with protect: true so \`pulumi destroy\` cannot delete it`);
  },
};
