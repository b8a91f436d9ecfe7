import * as pulumi from '@pulumi/pulumi';
import { lazyProvider } from './lazy-provider.ts';

export interface RedisServer {
  host: string;
  port: number;
}

export interface RedisUserArgs {
  server: pulumi.Input<RedisServer>;
  /** The user's name; its keys are `<name>:*`. */
  name: pulumi.Input<string>;
}

const provider = lazyProvider(new URL('./redis-user-impl.ts', import.meta.url).href);

/**
 * One service's own user on the local Redis server (the servers command's), with a generated
 * password: it may touch only keys under `<name>:`, as a PostgreSQL role may open only its database.
 */
export class RedisUser extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly keyPrefix: pulumi.Output<string>;
  /** redis://name:password@host:port/0 (secret). */
  declare readonly url: pulumi.Output<string>;

  constructor(name: string, args: RedisUserArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { server: args.server, name: args.name, keyPrefix: undefined, url: undefined }, { ...opts, additionalSecretOutputs: ['url'] }, 'msa-local', 'RedisUser');
  }
}
