import * as pulumi from '@pulumi/pulumi';
import { lazyProvider } from './lazy-provider.ts';

export interface LocalDevIssuerArgs {
  dir: pulumi.Input<string>;
  stack: pulumi.Input<string>;
}

const provider = lazyProvider(new URL('./dev-issuer-impl.ts', import.meta.url).href);

/** A local stack's development token issuer (key pair and JWKS in its folder), removed with the stack. */
export class LocalDevIssuer extends pulumi.dynamic.Resource {
  constructor(name: string, args: LocalDevIssuerArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { dir: args.dir, stack: args.stack }, opts, 'msa-local', 'DevIssuer');
  }
}
