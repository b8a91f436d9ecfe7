import { z } from 'zod';

/** The environments a release moves through; each gets a GitHub environment and a deploy role of its own. */
export const DEPLOY_ENVIRONMENTS = ['dev', 'test', 'staging', 'prod'] as const;
/** Stacks whose state and secrets no pull-request job may read: they hold production data's credentials. */
export const PROTECTED_ENVIRONMENTS = ['staging', 'prod'] as const;

const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a GitHub owner or repository name');

/**
 * Pulumi.bootstrap.yaml: what exists before the first release, made once by an administrator. The AWS account id and
 * the GitHub names are config, not lookups, so the stack plans under mocks and a typo is caught before anything exists.
 */
export const bootstrapStackConfigSchema = z
  .object({
    target: z.literal('bootstrap'),
    region: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/, 'an AWS region such as eu-central-1'),
    accountId: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
    /** The S3 bucket holding every cloud stack's state (PULUMI_BACKEND_URL=s3://<bucket>); names are global. */
    stateBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{2,62}$/, 'an S3 bucket name'),
    github: z
      .object({
        owner: name,
        repository: name,
        /** Catalog teams (or `platform`) whose members approve a prod deployment. */
        prodReviewerTeams: z.array(z.string().min(1)).min(1).default(['platform']),
        /** Status checks (job names of pull-request.yml) a pull request must pass before it merges into main. */
        requiredChecks: z.array(z.string().min(1)).min(1),
      })
      .strict(),
  })
  .strict();
export type BootstrapStackConfig = z.infer<typeof bootstrapStackConfigSchema>;

/** The team that owns the platform's own code (infra, pipelines, workflows, packages). */
export const PLATFORM_TEAM = 'platform';

/** The alias a stack's `secretsprovider: awskms://alias/<alias>?region=<region>` names. */
export const secretsKeyAlias = (tier: 'nonprod' | 'protected') => `msa-pulumi-secrets-${tier}`;

/**
 * The `secretsprovider` a stack's Pulumi.<stack>.yaml must name: staging, prod and the registry use the protected key,
 * every other cloud stack (dev, test, pr-N previews) the non-prod key that pull-request jobs may use.
 */
export function secretsProviderOf(stack: string, region: string): string {
  const tier = [...PROTECTED_ENVIRONMENTS, 'registry'].includes(stack) ? 'protected' : 'nonprod';
  return `awskms://alias/${secretsKeyAlias(tier)}?region=${region}`;
}
