import * as aws from '@pulumi/aws';
import * as github from '@pulumi/github';
import * as pulumi from '@pulumi/pulumi';
import type { Catalog } from '@msa/catalog';
import { awsTags, PLATFORM, type Env } from '../config/context.ts';
import { boundaries } from './boundary.ts';
import { secretsKeyAlias, type BootstrapStackConfig } from './config.ts';
import { StackConfigError } from '../config/errors.ts';
import { githubTeams, repositorySettings } from './github.ts';
import { pipelineRoles } from './roles.ts';
import { stateStore } from './state.ts';

/**
 * What exists before the first release (Pulumi.bootstrap.yaml), run once by an administrator with a local state file:
 * the state bucket and secrets keys the cloud stacks use, the permissions boundaries, GitHub's OIDC provider and the
 * pipeline's roles, and the GitHub side (teams, environments, variables, the main ruleset). The image registry stays
 * its own stack (`registry`): the pipeline adds a repository per new service there, while this stack holds trust and is
 * changed by an administrator only.
 */
export function deployBootstrap(env: Env, config: BootstrapStackConfig, catalog: Catalog) {
  const teams$ = githubTeams(catalog);
  const unknown = config.github.prodReviewerTeams.filter((t) => !teams$.includes(t));
  if (unknown.length) {
    throw new StackConfigError(env.stack, [{ key: 'msa:github.prodReviewerTeams', message: `names ${unknown.map((t) => `"${t}"`).join(', ')}, which is no team (teams: ${teams$.join(', ')})` }]);
  }
  const tags = awsTags(env, PLATFORM);
  const aws$ = new aws.Provider('bootstrap-aws', { region: config.region as aws.Region, allowedAccountIds: [config.accountId] });
  const github$ = new github.Provider('bootstrap-github', { owner: config.github.owner });
  const state = stateStore(config, aws$, tags);
  const bounds = boundaries(state, aws$, tags);
  const roles = pipelineRoles(config, state, bounds, aws$, tags);
  const backendUrl = pulumi.interpolate`s3://${state.bucket.bucket}?region=${config.region}`;
  const teams = repositorySettings(config, catalog, roles, backendUrl, github$);
  return {
    backendUrl,
    secretsProviders: {
      nonprod: `awskms://alias/${secretsKeyAlias('nonprod')}?region=${config.region}`,
      protected: `awskms://alias/${secretsKeyAlias('protected')}?region=${config.region}`,
    },
    workloadBoundaryArn: bounds.workload.arn,
    roles: {
      deploy: Object.fromEntries(Object.entries(roles.deploy).map(([e, r]) => [e, r.arn])),
      build: roles.build.arn, preview: roles.preview.arn, previewEnvironment: roles.previewEnvironment.arn, readOnly: roles.readOnly.arn,
    },
    teams: Object.fromEntries(Object.entries(teams).map(([name, t]) => [name, t.slug])),
  };
}
