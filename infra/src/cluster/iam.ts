import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';

/**
 * A role that an AWS service assumes, with managed policies attached by name. The attachments are returned so the
 * resource using the role can wait for them (`dependsOn`): created before it, destroyed after it.
 */
export function serviceRole(
  name: string,
  principal: string,
  managedPolicies: readonly string[],
  tags: Record<string, string>,
  parent: pulumi.Resource,
): { role: aws.iam.Role; attachments: aws.iam.RolePolicyAttachment[] } {
  const role = new aws.iam.Role(name, {
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: principal }, Action: 'sts:AssumeRole' }],
    }),
    tags,
  }, { parent });
  const attachments = managedPolicies.map((policy) =>
    new aws.iam.RolePolicyAttachment(`${name}-${policy.replace(/[^A-Za-z0-9]/g, '').toLowerCase()}`, {
      role: role.name,
      policyArn: `arn:aws:iam::aws:policy/${policy}`,
    }, { parent }));
  return { role, attachments };
}
