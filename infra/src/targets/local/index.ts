import * as pulumi from '@pulumi/pulumi';
import { loadConfig } from '@msa/local-servers';
import type { Catalog } from '@msa/catalog';
import { localStackConfigSchema } from './config.ts';
import { LocalService } from './local-service.ts';
import { localArtifacts } from './artifacts.ts';
import { resolveLocalStack } from './spec.ts';
import { issuerDir, repoRoot } from './paths.ts';
import { DevIssuer } from '@msa/service-kit/dev-issuer';
import { LocalDevIssuer } from './providers/dev-issuer.ts';
import type { ContractOutputs } from '../../config/outputs.ts';
import type { KafkaTopic } from './providers/kafka-topic.ts';
import { LocalFile } from './providers/local-file.ts';
import { scrapeTargetGroups, scrapeTargetsFile } from './scrape-targets.ts';

export { localStackConfigSchema, type LocalStackConfig } from './config.ts';

/**
 * The `local` target: every catalog service on this machine, each with its own database, its
 * topics and its supervised processes, on the shared local PostgreSQL and Kafka servers
 * (`npm run servers -- start`). Returns the stack outputs: the stack contract (endpoints,
 * releases) and how to reach each process log, database and topic.
 */
export async function deployLocal(rawConfig: unknown, catalog: Catalog): Promise<Record<string, unknown>> {
  // infra/src/program.ts has validated the config already; parsing again gives the typed value.
  const config = localStackConfigSchema.parse(rawConfig);
  const stack = pulumi.getStack();
  // The processes run each service's released artifact, or else its working tree's build.
  const artifacts = await localArtifacts(stack, config, catalog, repoRoot);
  const spec = resolveLocalStack(stack, config, catalog, repoRoot, artifacts);
  // The stack's token issuer: its key pair is made once and kept (private) under the stack's folder;
  // the services read its JWKS file (AUTH_JWKS), `npm run token` signs with its key. Opened here so the
  // file exists before any process starts; the resource removes it when the stack is destroyed.
  DevIssuer.open(issuerDir(stack, repoRoot), stack);
  new LocalDevIssuer(`${stack}-issuer`, { dir: issuerDir(stack, repoRoot), stack });

  // First every service's database and topics, then its processes: a consumer's processes wait
  // for the topics it consumes, which its producer's component owns.
  const components = new Map<string, LocalService>();
  const topicsByName = new Map<string, KafkaTopic>();
  for (const service of spec.services) {
    const component = new LocalService(service.name, {
      spec: service,
      config: config.local,
      topicNames: spec.topicNames,
      runtimeDir: spec.runtimeDir,
      repoRoot,
    });
    component.topics.forEach((topic, i) => topicsByName.set(service.ownTopics[i] ?? '', topic));
    components.set(service.name, component);
  }
  for (const service of spec.services) {
    const consumed = service.consumes.map((t) => topicsByName.get(t)).filter((t): t is KafkaTopic => t !== undefined);
    components.get(service.name)?.start(consumed);
  }

  // What the local Prometheus scrapes (file-based discovery): this stack's services, written once
  // they run, removed when the stack is destroyed. A clone is its own stack, so it gets its own file.
  const targets = new LocalFile(
    'scrape-targets',
    {
      path: scrapeTargetsFile(stack, repoRoot),
      content: `${JSON.stringify(scrapeTargetGroups(stack, spec.services.map((s) => ({ service: s.name, url: s.url, metricsPath: s.metricsPath }))), null, 2)}\n`,
    },
    { dependsOn: [...components.values()].map((c) => c.process) },
  );

  const { postgres, kafka } = config.local;
  const services = Object.fromEntries(
    spec.services.map((s) => [
      s.name,
      {
        url: s.url,
        replicas: s.replicas,
        version: s.version,
        artifact: s.artifact,
        pid: components.get(s.name)?.process.pid,
        log: components.get(s.name)?.process.logFile,
      },
    ]),
  );
  const databases = Object.fromEntries(
    spec.services.map((s) => {
      const c = components.get(s.name);
      return [s.name, pulumi.secret(c?.redis ? pulumi.interpolate`redis-cli -u "${c.redis.url}"` : pulumi.interpolate`psql "${c?.database?.url}"`)];
    }),
  );
  const topics = Object.fromEntries(
    Object.entries(spec.topicNames).map(([topic, name]) => [
      topic,
      `npm run -s pulumi:topic -- ${name} --brokers ${kafka.brokers.join(',')}`,
    ]),
  );
  // The stack contract the pipeline reads (catalog's StackOutputs). The processes run the working
  // tree's bundle, so a release is reported by version and commit, not by an image.
  const contract: ContractOutputs = {
    target: 'local',
    endpoints: Object.fromEntries(spec.services.map((s) => [s.name, s.url])),
    releases: Object.fromEntries(spec.services.map((s) => [s.name, { version: s.version, ...(s.commit ? { commit: s.commit } : {}) }])),
  };
  return {
    ...contract,
    services,
    databases,
    topics,
    // The admin logs in over the servers' private socket only (peer auth; packages/local-servers/src/postgres/auth.ts).
    postgres: `psql -h ${loadConfig().postgres.socketDir} -p ${postgres.port} -U ${postgres.user}`,
    topicPrefix: config.local.topicPrefix,
    scrapeTargets: targets.path,
  };
}
