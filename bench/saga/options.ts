import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * The bench's settings: flags win over environment variables (SAGA_BENCH_*), which win over the
 * mode's defaults. Quick (default) takes about two minutes; full holds each rate for 60 s.
 */
const MODES = {
  quick: { rates: [25, 50, 100], durationS: 5, drainS: 10, warmupS: 2, kafkaRecords: 100_000 },
  full: { rates: [25, 50, 100, 200, 400, 800], durationS: 60, drainS: 30, warmupS: 5, kafkaRecords: 500_000 },
} as const;

const rateList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'a comma-separated list of orders per second, e.g. 25,50,100')
  .transform((s) => s.split(',').map(Number));
const positive = z.coerce.number().positive();

const schema = z.object({
  mode: z.enum(['quick', 'full']),
  rates: rateList.optional(),
  duration: positive.optional(),
  drain: positive.optional(),
  warmup: z.coerce.number().min(0).optional(),
  replicas: z
    .string()
    .regex(/^\d(,\d)*$/, 'a comma-separated list of replica counts, e.g. 1,2')
    .transform((s) => s.split(',').map(Number))
    .default([1, 2]),
  skus: z.coerce.number().int().min(1).default(100),
  'max-in-flight': z.coerce.number().int().min(1).default(256),
  connections: z.coerce.number().int().min(1).default(32),
  'pgbench-clients': z.coerce.number().int().min(1).default(8),
  'pgbench-seconds': positive.optional(),
  'kafka-records': z.coerce.number().int().positive().optional(),
  only: z
    .string()
    .regex(/^(saga|monolith|limit)(,(saga|monolith|limit))*$/, 'a list of saga, monolith, limit')
    .transform((s) => s.split(','))
    .default(['saga', 'monolith', 'limit']),
  'service-env': z
    .string()
    .regex(/^([A-Z_][A-Z0-9_]*=[^,]*)(,[A-Z_][A-Z0-9_]*=[^,]*)*$/, 'KEY=value pairs separated by commas, e.g. OUTBOX_POLL_MS=50,OUTBOX_BATCH_SIZE=200')
    .transform((s) => Object.fromEntries(s.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])))
    .default({}),
  'keep-going': z.boolean().default(false),
  profile: z.boolean().default(false),
  out: z.string().default('bench/results'),
});

export interface BenchOptions {
  mode: 'quick' | 'full';
  rates: number[];
  durationS: number;
  drainS: number;
  warmupS: number;
  replicas: number[];
  skus: number;
  maxInFlight: number;
  connections: number;
  pgbenchClients: number;
  pgbenchSeconds: number;
  kafkaRecords: number;
  only: Set<string>;
  /** Tuning knobs given to every service process (its env schema validates them). */
  serviceEnv: Record<string, string>;
  /** Go on to higher rates after one the system could not keep up with. */
  keepGoing: boolean;
  profile: boolean;
  outDir: string;
}

const FLAGS = ['mode', 'rates', 'duration', 'drain', 'warmup', 'replicas', 'skus', 'max-in-flight', 'connections', 'pgbench-clients', 'pgbench-seconds', 'kafka-records', 'only', 'service-env', 'out'] as const;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(FLAGS.map((f) => [f, { type: 'string' as const }])),
      'keep-going': { type: 'boolean' },
      profile: { type: 'boolean' },
    },
    strict: true,
  });
  const fromEnv = Object.fromEntries(
    [...FLAGS, 'keep-going', 'profile']
      .map((f) => [f, env[`SAGA_BENCH_${f.toUpperCase().replaceAll('-', '_')}`]] as const)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([f, v]) => [f, f === 'keep-going' || f === 'profile' ? v === '1' || v === 'true' : v]),
  );
  const parsed = schema.safeParse({ mode: 'quick', ...fromEnv, ...values });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  --${i.path.join('.')} (or SAGA_BENCH_${String(i.path[0]).toUpperCase().replaceAll('-', '_')}): ${i.message}`);
    throw new Error(`bench:saga options invalid:\n${issues.join('\n')}`);
  }
  const o = parsed.data;
  const mode = MODES[o.mode];
  const durationS = o.duration ?? mode.durationS;
  return {
    mode: o.mode,
    rates: o.rates ?? [...mode.rates],
    durationS,
    drainS: o.drain ?? mode.drainS,
    warmupS: o.warmup ?? mode.warmupS,
    replicas: o.replicas,
    skus: o.skus,
    maxInFlight: o['max-in-flight'],
    connections: o.connections,
    pgbenchClients: o['pgbench-clients'],
    pgbenchSeconds: o['pgbench-seconds'] ?? Math.min(durationS, 30),
    kafkaRecords: o['kafka-records'] ?? mode.kafkaRecords,
    only: new Set(o.only),
    serviceEnv: o['service-env'],
    keepGoing: o['keep-going'],
    profile: o.profile,
    outDir: o.out,
  };
}
