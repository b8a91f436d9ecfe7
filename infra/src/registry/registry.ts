import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Catalog } from '@msa/catalog';
import { z } from 'zod';
import { awsTags, type Env } from '../config/context.ts';

/** Pulumi.registry.yaml: the one image registry every stage pulls from. */
export const registryStackConfigSchema = z
  .object({
    target: z.literal('registry'),
    region: z.string().regex(/^[a-z]{2}-[a-z]+-\d$/, 'an AWS region such as eu-central-1'),
    /** Untagged images (layers of failed or superseded pushes) are expired after this many days; tagged ones are kept. */
    untaggedImageDays: z.coerce.number().int().min(1).default(14),
  })
  .strict();
export type RegistryStackConfig = z.infer<typeof registryStackConfigSchema>;

/** ECR repository of a service: `msa/<service>`, the same for every stage (build once, promote the same digest). */
export const repositoryName = (service: string) => `msa/${service}`;

/**
 * One ECR repository per catalog service, in a stack of its own. Images are built once into it and promoted by digest
 * to test, staging and prod, so the repository must outlive every environment: no environment stack owns it (a
 * `pulumi destroy --stack dev` cannot touch it), it is `protect`ed, and it refuses to be deleted while it holds images
 * (no forceDelete). Tags are immutable, so a digest promoted to prod is never overwritten.
 */
export function deployRegistry(env: Env, config: RegistryStackConfig, catalog: Catalog) {
  const provider = new aws.Provider(`${env.stack}-aws`, { region: config.region as aws.Region });
  const repositories: Record<string, pulumi.Output<string>> = {};
  for (const service of catalog.services) {
    const tags = awsTags(env, { service: service.name, team: service.team });
    const repo = new aws.ecr.Repository(`${env.stack}-${service.name}`, {
      name: repositoryName(service.name),
      forceDelete: false,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfigurations: [{ encryptionType: 'AES256' }],
      tags,
    }, { provider, protect: true });
    new aws.ecr.LifecyclePolicy(`${env.stack}-${service.name}`, {
      repository: repo.name,
      policy: JSON.stringify({
        rules: [{
          rulePriority: 1,
          description: `expire untagged images after ${config.untaggedImageDays} days`,
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: config.untaggedImageDays },
          action: { type: 'expire' },
        }],
      }),
    }, { provider });
    repositories[service.name] = repo.repositoryUrl;
  }
  return { repositories };
}
