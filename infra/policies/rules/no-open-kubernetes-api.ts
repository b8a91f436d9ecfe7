import type { ResourceValidationPolicy } from '@pulumi/policy';

/** An EKS API endpoint reachable from the internet answers only the address ranges named for it. */
export const noOpenKubernetesApi: ResourceValidationPolicy = {
  name: 'no-open-kubernetes-api',
  description: 'A public EKS endpoint names the CIDRs that may reach it, none of them the whole internet.',
  enforcementLevel: 'mandatory',
  validateResource: ({ type, props }, report) => {
    if (type !== 'aws:eks/cluster:Cluster') return;
    const vpc = props.vpcConfig ?? {};
    // EKS makes the endpoint public unless told otherwise.
    if (vpc.endpointPublicAccess === false) return;
    const cidrs: string[] = vpc.publicAccessCidrs ?? [];
    if (cidrs.length === 0) report('the public EKS endpoint has no publicAccessCidrs, so EKS opens it to 0.0.0.0/0; name the ranges that may reach it');
    for (const cidr of cidrs.filter((c) => /\/0$/.test(c))) report(`the public EKS endpoint admits ${cidr}, the whole internet; name narrower ranges`);
  },
};
