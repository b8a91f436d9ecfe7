import * as github from '@pulumi/github';
import * as pulumi from '@pulumi/pulumi';
import type { Catalog } from '@msa/catalog';
import { DEPLOY_ENVIRONMENTS, PLATFORM_TEAM, PROTECTED_ENVIRONMENTS, type BootstrapStackConfig } from './config.ts';
import type { PipelineRoles } from './roles.ts';

/** The GitHub teams: the platform's and each catalog team. */
export const githubTeams = (catalog: Catalog): string[] => [...new Set([PLATFORM_TEAM, ...catalog.services.map((s) => s.team)])].sort();

/**
 * The repository's side of the pipeline, as code: a team per catalog team, the GitHub environments the workflows deploy
 * through (their names are what the deploy roles' trust admits), the variables the workflows read, and a ruleset that
 * keeps main reviewed. Returns the teams by catalog name.
 */
export function repositorySettings(
  config: BootstrapStackConfig, catalog: Catalog, roles: PipelineRoles, backendUrl: pulumi.Output<string>, provider: github.Provider,
): Record<string, github.Team> {
  const repository = config.github.repository;
  const opts = { provider };
  const teamNames = githubTeams(catalog);
  const teams = Object.fromEntries(teamNames.map((name) => {
    const team = new github.Team(`team-${name}`, {
      name, privacy: 'closed', description: `msa: ${name === PLATFORM_TEAM ? 'the platform (infra, pipelines, workflows, packages)' : `owns ${catalog.services.filter((s) => s.team === name).map((s) => s.name).join(', ')}`}`,
    }, opts);
    new github.TeamRepository(`team-${name}`, { teamId: team.id, repository, permission: 'push' }, opts);
    return [name, team];
  }));

  const environment = (name: string, protectedEnv: boolean) => {
    const env = new github.RepositoryEnvironment(`environment-${name}`, {
      repository, environment: name, canAdminsBypass: false, preventSelfReview: protectedEnv,
      // Stages deploy only from main; preview environments from any branch of this repository (forks get no OIDC token).
      deploymentBranchPolicy: name === 'preview' ? undefined : { protectedBranches: false, customBranchPolicies: true },
      ...(name === 'prod' ? { reviewers: [{ teams: config.github.prodReviewerTeams.map((t) => teams[t]!.id.apply(Number)) }] } : {}),
    }, opts);
    if (name !== 'preview') {
      new github.RepositoryEnvironmentDeploymentPolicy(`environment-${name}-main`, { repository, environment: env.environment, branchPattern: 'main' }, opts);
    }
    return env;
  };
  for (const env of DEPLOY_ENVIRONMENTS) {
    const e = environment(env, (PROTECTED_ENVIRONMENTS as readonly string[]).includes(env));
    // Every stage's jobs read the same variable name and get their own stage's role.
    new github.ActionsEnvironmentVariable(`environment-${env}-role`, { repository, environment: e.environment, variableName: 'AWS_DEPLOY_ROLE_ARN', value: roles.deploy[env].arn }, opts);
  }
  const preview = environment('preview', false);
  new github.ActionsEnvironmentVariable('environment-preview-role', { repository, environment: preview.environment, variableName: 'AWS_PREVIEW_ENVIRONMENT_ROLE_ARN', value: roles.previewEnvironment.arn }, opts);

  const variables: Record<string, pulumi.Input<string>> = {
    AWS_REGION: config.region,
    PULUMI_BACKEND_URL: backendUrl,
    AWS_BUILD_ROLE_ARN: roles.build.arn,
    AWS_PREVIEW_ROLE_ARN: roles.preview.arn,
    AWS_READONLY_ROLE_ARN: roles.readOnly.arn,
    IMAGE_REPOSITORY: `${config.accountId}.dkr.ecr.${config.region}.amazonaws.com/msa`,
  };
  for (const [variableName, value] of Object.entries(variables)) {
    new github.ActionsVariable(`variable-${variableName.toLowerCase()}`, { repository, variableName, value }, opts);
  }

  new github.RepositoryRuleset('main', {
    repository, name: 'main', target: 'branch', enforcement: 'active',
    conditions: { refName: { includes: ['~DEFAULT_BRANCH'], excludes: [] } },
    rules: {
      deletion: true, nonFastForward: true, requiredLinearHistory: true,
      pullRequest: { requiredApprovingReviewCount: 1, requireCodeOwnerReview: true, dismissStaleReviewsOnPush: true, requireLastPushApproval: true },
      requiredStatusChecks: { strictRequiredStatusChecksPolicy: true, requiredChecks: config.github.requiredChecks.map((context) => ({ context })) },
    },
  }, opts);
  return teams;
}
