import type { Check } from '../http/readiness.ts';

/** The one call the Kafka check makes: a metadata look-up (the producer's own type accepts these options). */
interface MetadataSource {
  metadata(options: { topics: string[]; metadataMaxAge: number; retries: number }): Promise<unknown>;
}

/**
 * Readiness's Kafka check: the producer's metadata for the service's topics, asked of the broker at
 * most once per maxAgeMs (the client's cache answers in between). Never a forced refresh: a probe
 * every few seconds per replica must not become a metadata request to the brokers each time.
 */
export function kafkaReadiness(producer: MetadataSource, topics: string[], maxAgeMs: number): Check {
  return {
    name: 'kafka',
    required: false,
    failedState: 'unreachable',
    check: async () => void (await producer.metadata({ topics, metadataMaxAge: maxAgeMs, retries: 0 })),
  };
}
