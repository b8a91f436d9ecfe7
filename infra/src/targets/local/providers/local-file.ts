import * as pulumi from '@pulumi/pulumi';
import { lazyProvider } from './lazy-provider.ts';

export interface LocalFileArgs {
  /** Absolute path; its folder is created when missing. */
  path: pulumi.Input<string>;
  content: pulumi.Input<string>;
}

const provider = lazyProvider(new URL('./local-file-impl.ts', import.meta.url).href);

/** A file the stack owns on this machine: written (atomically) on create and update, removed on destroy. */
export class LocalFile extends pulumi.dynamic.Resource {
  declare readonly path: pulumi.Output<string>;
  declare readonly content: pulumi.Output<string>;

  constructor(name: string, args: LocalFileArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { path: args.path, content: args.content }, opts, 'msa-local', 'LocalFile');
  }
}
