import type * as pulumi from '@pulumi/pulumi';
import type { ServiceAuth } from '@msa/catalog';
import type { Env } from '../config/context.ts';
import type { DatabaseSettings } from './database.ts';

/** What every service shares: the platform it lands on. */
export interface ServiceHost {
  readonly env: Env;
  /** The AWS region (msa:region): pods sign their MSK IAM tokens for it. */
  readonly region: string;
  readonly vpcId: pulumi.Input<string>;
  readonly dataSubnetGroupName: pulumi.Input<string>;
  readonly cacheSubnetGroupName: pulumi.Input<string>;
  readonly clusterSecurityGroupId: pulumi.Input<string>;
  readonly oidcProviderArn: pulumi.Input<string>;
  readonly oidcIssuer: pulumi.Input<string>;
  readonly kafkaClusterArn: pulumi.Input<string>;
  readonly kafkaBootstrap: pulumi.Input<string>;
  readonly kafkaSecurityGroupId: pulumi.Input<string>;
  /** The public subnets (comma-separated CIDRs): the load balancers in front of public services live there. */
  readonly loadBalancerSubnetCidrs: pulumi.Input<string>;
  /** Prepended to namespaces and topics when environments share a cluster (preview stacks). */
  readonly prefix: { readonly namespace: string; readonly topic: string };
  readonly database: DatabaseSettings;
  /** Where pods send OTLP traces: the cluster's trace collector (OTEL_EXPORTER_OTLP_ENDPOINT). */
  readonly otlpEndpoint: string;
  /** Protect data resources from `pulumi destroy` (prod). */
  readonly protect: boolean;
  /** The stack's token issuer (Cognito): every service verifies callers against it. */
  readonly auth: ServiceAuth<pulumi.Output<string>>;
}
