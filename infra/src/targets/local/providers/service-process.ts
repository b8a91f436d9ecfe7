import * as pulumi from '@pulumi/pulumi';
import { lazyProvider } from './lazy-provider.ts';

export interface ServiceProcessArgs {
  service: pulumi.Input<string>;
  /** Absolute path of the bundle the processes run (apps/<svc>/dist/main.mjs or a stored artifact's, see launchSpec). */
  entry: pulumi.Input<string>;
  /** Node flags for each process (service-kit's launchSpec). */
  nodeArgs: pulumi.Input<pulumi.Input<string>[]>;
  /** `entry` is a program run as it is (a Go binary), not a bundle for Node. */
  native?: pulumi.Input<boolean>;
  /** Digest of the artifact holding `entry` (service-kit's artifactDigest); a new one replaces the processes. */
  artifact: pulumi.Input<string>;
  /** Folder the processes run in (the repository root). */
  cwd: pulumi.Input<string>;
  port: pulumi.Input<number>;
  replicas: pulumi.Input<number>;
  version: pulumi.Input<string>;
  /** The process environment; connection settings come from other resources' outputs. */
  env: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Full URL the service answers with 2xx once it is ready. */
  readinessUrl: pulumi.Input<string>;
  readinessTimeoutSeconds: pulumi.Input<number>;
  /** Folder for this service's supervisor spec, state and log. */
  runtimeDir: pulumi.Input<string>;
}

const provider = lazyProvider(new URL('./service-process-impl.ts', import.meta.url).href);

/**
 * One service running on this machine: a supervisor process that keeps `replicas` processes of
 * `node <entry>` alive on one port. Any change to what it runs (version, replicas, env, port)
 * replaces it; a supervisor found dead on refresh or up is started again.
 */
export class ServiceProcess extends pulumi.dynamic.Resource {
  declare readonly pid: pulumi.Output<number>;
  declare readonly port: pulumi.Output<number>;
  declare readonly replicas: pulumi.Output<number>;
  declare readonly version: pulumi.Output<string>;
  declare readonly logFile: pulumi.Output<string>;
  declare readonly stateFile: pulumi.Output<string>;

  constructor(name: string, args: ServiceProcessArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, pid: undefined, logFile: undefined, stateFile: undefined },
      { ...opts, additionalSecretOutputs: ['env'] },
      'msa-local',
      'ServiceProcess',
    );
  }
}
