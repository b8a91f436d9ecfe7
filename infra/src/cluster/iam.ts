import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';

/** A role that an AWS service assumes, with managed policies attached by name. */
export function serviceRole(
  name: string,
  principal: string,
  managedPolicies: readonly string[],
  tags: Record<string, string>,
  parent: pulumi.Resource,
): aws.iam.Role {
  const role = new aws.iam.Role(name, {
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: principal }, Action: 'sts:AssumeRole' }],
    }),
    tags,
  }, { parent });
  for (const policy of managedPolicies) {
    new aws.iam.RolePolicyAttachment(`${name}-${policy.replace(/[^A-Za-z0-9]/g, '').toLowerCase()}`, {
      role: role.name,
      policyArn: `arn:aws:iam::aws:policy/${policy}`,
    }, { parent });
  }
  return role;
}
