import { z } from 'zod';

/** A path inside the service folder, such as dist/service. */
const relativePath = z
  .string()
  .regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/, 'a relative path inside the service folder, such as dist/service');

/** A command as argv (no shell): its first element is the program. */
const argv = z.array(z.string().min(1)).min(1, 'a command: [program, ...arguments]');

/**
 * A Node.js service on the service kit: the kit bundles it (esbuild, dist/main.mjs) and runs it
 * with its launch flags (service-kit's build-service.ts and launch.ts). Nothing to say.
 */
const nodeRuntime = z.object({ language: z.literal('node') }).strict();

/**
 * A Go service: built with the Go toolchain into one static binary, run as it is. The defaults
 * build the module in the service folder; a service may name its own command and binary.
 */
const goRuntime = z
  .object({
    language: z.literal('go'),
    /** Run in the service folder; it must write `artifact`. */
    build: argv.default(['go', 'build', '-trimpath', '-buildvcs=false', '-ldflags=-s -w', '-o', 'dist/service', '.']),
    /** Its tests, run in the service folder by the test suite and the pipeline's build. */
    test: argv.default(['go', 'test', './...']),
    /** The built file every launcher runs; the artifact is it (and service.yaml). */
    artifact: relativePath.default('dist/service'),
    /** The command every launcher runs, relative paths from the artifact's folder. */
    launch: argv.default(['dist/service']),
  })
  .strict();

export const runtimeSchema = z.discriminatedUnion('language', [nodeRuntime, goRuntime]).default({ language: 'node' });

export type Runtime = z.infer<typeof runtimeSchema>;
export type GoRuntime = z.infer<typeof goRuntime>;
export const LANGUAGES = ['node', 'go'] as const;
