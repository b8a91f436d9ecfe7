/**
 * The `msa:` config of a cheap preview stack (a pull request's environment, or a copy of staging to debug):
 * the source stack's releases, database engine and topic settings, on the source stack's own cluster,
 * network and Kafka through a stack reference. Keys are as in Pulumi.<stack>.yaml (`msa:releases`, ...).
 */
export function previewStackConfig(
  source: Record<string, unknown>,
  options: { stack: string; /** The source stack, fully qualified: <org>/msa/<stack>. */ reference: string },
): Record<string, unknown> {
  const pick = <T>(key: string) => source[key] as T;
  const kafka = pick<{ topics?: unknown } | undefined>('msa:kafka');
  const database = pick<Record<string, unknown> | undefined>('msa:database');
  const ingress = pick<{ host?: string; zoneId?: string } | undefined>('msa:ingress');
  return {
    'msa:target': 'aws',
    'msa:environment': 'preview',
    'msa:region': source['msa:region'],
    'msa:cluster': { mode: 'reference', stack: options.reference },
    'msa:kafka': { topics: kafka?.topics },
    // A preview is destroyed when its pull request closes: nothing may block that.
    'msa:database': database && { ...database, multiAz: false, deletionProtection: false, backupRetentionDays: 1 },
    'msa:workloads': { minReplicas: 1 },
    'msa:ingress': ingress && { ...ingress, host: `${options.stack}.${ingress.host}` },
    'msa:permissionsBoundary': source['msa:permissionsBoundary'],
    'msa:releases': source['msa:releases'],
  };
}
