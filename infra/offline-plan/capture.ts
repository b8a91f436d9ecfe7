import { existsSync } from 'node:fs';
import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { stackFileName } from '@msa/catalog';
import { readStackFile } from './stack-config.ts';
import program from '../index.ts';
import { recordingMocks, type CapturedResource } from './mocks.ts';

export interface CaptureOptions {
  /** Repository root holding Pulumi.<stack>.yaml. */
  root: string;
  /** Config to use instead of the stack's file (flat `msa:key` → string/JSON). */
  config?: Record<string, string>;
  /** Folder whose apps/ is the catalog. */
  catalogRoot?: string;
  stackOutputs?: Record<string, Record<string, unknown>>;
}

export interface Capture {
  stack: string;
  resources: CapturedResource[];
  /** Stack outputs, still as Pulumi values (secrets stay secret). */
  outputs?: Record<string, unknown>;
  error?: Error;
}

/**
 * Runs the real program for one stack under `pulumi.runtime.setMocks` and records every registration.
 * Runs are sequential: the Pulumi runtime keeps one global state per process.
 */
export async function captureStack(stack: string, options: CaptureOptions): Promise<Capture> {
  const file = path.join(options.root, stackFileName(stack));
  const config = options.config ?? (existsSync(file) ? readStackFile(options.root, stack) : {});
  pulumi.runtime.setAllConfig(config);
  const region = (config['msa:region'] ?? 'eu-central-1').replace(/^"|"$/g, '');
  const { mocks, resources } = recordingMocks({ region, stackOutputs: options.stackOutputs });
  await pulumi.runtime.setMocks(mocks, 'msa', stack, false);
  const dependencies = recordDependencies();
  // The SDK stamps a stack trace on every promise it makes, for leak reports nobody reads under mocks;
  // capturing them is most of a run's time.
  const traceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const outputs = await program({ catalogRoot: options.catalogRoot });
    await settle(outputs);
    // Resources that wait for others (dependsOn) may still be registering once the outputs are known.
    await pulumi.runtime.disconnect();
    for (const r of resources) {
      const registered = dependencies.get(`${r.type}::${r.name}`);
      r.dependencies = registered?.dependencies ?? [];
      r.protect = registered?.protect ?? false;
    }
    return { stack, resources, outputs };
  } catch (err) {
    return { stack, resources, error: err as Error };
  } finally {
    await pulumi.runtime.disconnect();
    Error.stackTraceLimit = traceLimit;
  }
}

/** Waits until every output of the program has resolved, so every registration has reached the mocks. */
export function settle(value: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    (pulumi.output(value as object) as pulumi.Output<unknown>).apply((v) => {
      resolve(v);
      return v;
    });
  });
}

/**
 * The mocks are not told what a resource depends on or whether it is protected; the request the SDK sends the monitor
 * is. Keyed by `type::name`.
 */
function recordDependencies(): Map<string, { dependencies: string[]; protect: boolean }> {
  const found = new Map<string, { dependencies: string[]; protect: boolean }>();
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: (req: RegisterRequest, cb: unknown) => unknown } | undefined;
  if (!monitor) throw new Error('setMocks installed no resource monitor');
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    // URNs are urn:pulumi:<stack>::<project>::<parent types $-joined>$<type>::<name>.
    const dependencies = req.getDependenciesList().map((urn) => {
      const [, , types = '', ...name] = urn.split('::');
      return `${types.split('$').pop()}::${name.join('::')}`;
    });
    found.set(`${req.getType()}::${req.getName()}`, { dependencies, protect: req.getProtect?.() === true });
    return register(req, cb);
  };
  return found;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
  getProtect?(): boolean;
}
