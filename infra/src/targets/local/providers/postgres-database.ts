import * as pulumi from '@pulumi/pulumi';
import { lazyProvider } from './lazy-provider.ts';

export interface PostgresServer {
  host: string;
  port: number;
  /** A superuser that may create roles and databases: it logs in over the servers' private socket (peer), never over TCP. */
  user: string;
}

export interface PostgresDatabaseArgs {
  server: pulumi.Input<PostgresServer>;
  /** Database name; the owning role gets the same name. */
  name: pulumi.Input<string>;
}

const provider = lazyProvider(new URL('./postgres-database-impl.ts', import.meta.url).href);

/**
 * One service's own database on the local PostgreSQL server, owned by its own login role with a
 * generated password; PUBLIC may not connect, so no other service's role can touch it.
 */
export class PostgresDatabase extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly role: pulumi.Output<string>;
  declare readonly password: pulumi.Output<string>;
  /** postgres://role:password@host:port/name (secret). */
  declare readonly url: pulumi.Output<string>;

  constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { server: args.server, name: args.name, role: undefined, password: undefined, url: undefined },
      { ...opts, additionalSecretOutputs: ['password', 'url'] },
      'msa-local',
      'PostgresDatabase',
    );
  }
}
