import type { ConnectionOptions } from '@platformatic/kafka';
import { EnvError } from '../config/env.ts';
import { mskIamTokenProvider } from './msk-iam-token.ts';

export type KafkaAuth = 'none' | 'aws-iam';

export interface KafkaSecurity {
  /** KAFKA_AUTH: `none` for a plain-text broker (local), `aws-iam` for MSK's IAM listener. */
  auth: KafkaAuth;
  /** AWS_REGION: the region MSK's IAM tokens are signed for; needed with `aws-iam` only. */
  region?: string | undefined;
}

/** The part of a Kafka client's options that says how it reaches the brokers: the same for every client of a service. */
export type KafkaConnection = Pick<ConnectionOptions, 'tls' | 'tlsServerName' | 'sasl'>;

/**
 * Connection options for every Kafka client a service opens (producer, consumer, readiness check).
 * `aws-iam` is MSK's IAM listener: TLS (MSK's certificates chain to Amazon's public roots, which Node
 * trusts) and SASL OAUTHBEARER with a signed token that the provider renews before it expires.
 */
export function kafkaConnectionOptions(security: KafkaSecurity): KafkaConnection {
  if (security.auth === 'none') return {};
  if (!security.region) {
    throw new EnvError([{ path: ['AWS_REGION'], message: 'required when KAFKA_AUTH=aws-iam (the region the MSK cluster is in)' }]);
  }
  return {
    tls: {},
    // SNI with the broker's own host name, which its certificate names.
    tlsServerName: true,
    sasl: { mechanism: 'OAUTHBEARER', token: mskIamTokenProvider(security.region) },
  };
}
