import path from 'node:path';
import type { Catalog, Service } from '@msa/catalog';
import { TAG_IMAGES_ALLOWED, type AwsStackConfig, type Release } from './aws-schema.ts';
import { StackConfigError, type ConfigProblem } from './errors.ts';

const DIGEST = /^[^\s@]+@sha256:[0-9a-f]{64}$/;

/** Everything a service's resources need, decided once from the catalog and the stack config. */
export interface CloudServiceSpec {
  service: Service;
  release: Release;
  replicas: { min: number; max: number; cpuTarget: number };
}

/**
 * Joins the catalog with the stack's release state and replica floor.
 * Every problem is collected, so one run names them all; none leaves this function as a resource.
 */
export function resolveCloudServices(stack: string, config: AwsStackConfig, catalog: Catalog): CloudServiceSpec[] {
  const problems: ConfigProblem[] = [];
  const specs: CloudServiceSpec[] = [];
  for (const service of catalog.services) {
    const release = config.releases[service.name];
    if (!release) {
      problems.push({
        key: `msa:releases.${service.name}`,
        message: `missing: the catalog has service "${service.name}" but the stack names no image for it (the pipeline writes msa:releases.${service.name} = { version, image, commit })`,
      });
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
  return specs;
}
