import { Admin } from '@platformatic/kafka';

/** True when the broker answers a metadata request and lists itself: it can serve clients. */
export async function kafkaAnswers(bootstrap: string): Promise<boolean> {
  const admin = new Admin({
    clientId: 'msa-local-servers',
    bootstrapBrokers: [bootstrap],
    retries: 0,
    connectTimeout: 1_000,
    timeout: 2_000,
  });
  try {
    const metadata = await admin.metadata({ topics: [] });
    return metadata.brokers.size > 0;
  } catch {
    return false;
  } finally {
    await admin.close().catch(() => {});
  }
}
