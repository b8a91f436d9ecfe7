import type * as pulumi from '@pulumi/pulumi';
import type { StackOutputs } from '@msa/catalog';

/** A value a program may export where the contract names T: T itself, or an Output of it, at any depth. */
type Exported<T> = T extends string | number | boolean
  ? T | pulumi.Output<T>
  : { [K in keyof T]: Exported<T[K]> } | pulumi.Output<T>;

/** The outputs every target's program exports for the pipeline: the catalog's stack contract. */
export type ContractOutputs = Exported<Pick<StackOutputs, 'target' | 'endpoints' | 'releases'>>;
