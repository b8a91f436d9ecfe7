import path from 'node:path';
import { CLOUD_STACKS, type Catalog, type Service } from '@msa/catalog';
import { TAG_IMAGES_ALLOWED, type AwsStackConfig, type Release } from './aws-schema.ts';
import { StackConfigError, type ConfigProblem } from './errors.ts';

const DIGEST = /^[^\s@]+@sha256:[0-9a-f]{64}$/;

/** Everything a service's resources need, decided once from the catalog and the stack config. */
export interface CloudServiceSpec {
  service: Service;
  release: Release;
  replicas: { min: number; max: number; cpuTarget: number };
}

export interface CloudServices {
  specs: CloudServiceSpec[];
  /** Catalog services with no release in this stack yet, each with how it gets here: they are left out. */
  unreleased: Record<string, string>;
}

/**
 * Joins the catalog with the stack's release state and replica floor. A service with no release in
 * the stack yet (a folder just added) is left out, not an error: adding a service is adding a
 * folder, and its first release brings it. Every problem is collected, so one run names them all;
 * none leaves this function as a resource.
 */
export function resolveCloudServices(stack: string, config: AwsStackConfig, catalog: Catalog): CloudServices {
  const problems: ConfigProblem[] = [];
  const specs: CloudServiceSpec[] = [];
  const unreleased: Record<string, string> = {};
  for (const service of catalog.services) {
    const release = config.releases[service.name];
    if (!release) {
      unreleased[service.name] = howItArrives(stack, service.name);
      continue;
    }
    if (!TAG_IMAGES_ALLOWED.has(config.environment) && !DIGEST.test(release.image)) {
      problems.push({
        key: `msa:releases.${service.name}.image`,
        message: `"${release.image}" must be pinned by digest (<repository>@sha256:<64 hex>) in a ${config.environment} environment; only ${[...TAG_IMAGES_ALLOWED].join(', ')} may use tags`,
      });
    }
    const min = Math.max(service.scaling.minReplicas, config.workloads.minReplicas);
    if (min > service.scaling.maxReplicas) {
      problems.push({
        key: 'msa:workloads.minReplicas',
        message: `${config.workloads.minReplicas} is above ${path.relative(catalog.root, service.file)}: scaling.maxReplicas (${service.scaling.maxReplicas}); raise the service's maximum or lower the floor`,
      });
    }
    specs.push({ service, release, replicas: { min, max: service.scaling.maxReplicas, cpuTarget: service.scaling.cpuTarget } });
  }
  const open = catalog.services.filter((s) => s.public);
  if (open.length > 1) {
    problems.push({
      key: 'msa:ingress.host',
      message: `one host serves one public API, but the catalog marks ${open.map((s) => path.relative(catalog.root, s.file)).join(', ')} public`,
    });
  }
  if (problems.length > 0) throw new StackConfigError(stack, problems);
  return { specs, unreleased };
}

/** What brings a service's first release into a stack: the first stage takes builds, the others promotions, a preview its pull request. */
export function howItArrives(stack: string, service: string): string {
  const i = (CLOUD_STACKS as readonly string[]).indexOf(stack);
  if (i === 0) return `no release in ${stack} yet; left out until main's release workflow deploys the merged folder (pipeline deploy ${service} --env ${stack})`;
  if (i > 0) return `no release in ${stack} yet; left out until it passes ${CLOUD_STACKS[i - 1]} and is promoted (pipeline promote ${service} --from ${CLOUD_STACKS[i - 1]} --to ${stack})`;
  return `no release in ${stack} yet; left out until its pull request or a clone deploys it (pipeline deploy ${service} --env ${stack})`;
}
