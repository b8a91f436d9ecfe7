import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { once } from 'node:events';
import type { PolicyResource } from '@pulumi/policy';
import { ROOT } from './support.ts';

// The gRPC and protobuf modules that @pulumi/policy itself serves with, so messages match its stubs.
const fromSdk = createRequire(createRequire(import.meta.url).resolve('@pulumi/pulumi/package.json'));
const fromPolicy = createRequire(createRequire(import.meta.url).resolve('@pulumi/policy/package.json'));
const grpc = fromPolicy('@grpc/grpc-js');
const analyzer = fromSdk('./proto/analyzer_pb.js');
const analyzerGrpc = fromSdk('./proto/analyzer_grpc_pb.js');
const { Struct } = fromSdk('google-protobuf/google/protobuf/struct_pb.js');
const { Empty } = fromSdk('google-protobuf/google/protobuf/empty_pb.js');

/** Type, name, URN, properties and options (protect): what both analyzer requests say of a resource. */
function describe<M extends Record<string, (value: unknown) => void>>(message: M, r: PolicyResource): M {
  message.setType!(r.type);
  message.setUrn!(r.urn);
  message.setName!(r.name);
  message.setProperties!(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props))));
  const options = new analyzer.AnalyzerResourceOptions();
  options.setProtect((r.opts as { protect?: boolean } | undefined)?.protect ?? false);
  message.setOptions!(options);
  return message;
}

export interface Diagnostic {
  policy: string;
  message: string;
  urn: string;
  enforcement: number;
}

/**
 * The policy pack as the Pulumi engine runs it: `node index.ts` in infra/policies serves the analyzer
 * gRPC protocol and prints its port; we speak that protocol to it, as the engine does.
 */
export class RunningPolicyPack {
  private readonly child: ChildProcess;
  private readonly client: any;
  private constructor(child: ChildProcess, client: any) {
    this.child = child;
    this.client = client;
  }

  static async start(): Promise<RunningPolicyPack> {
    const child = spawn(process.execPath, ['index.ts'], { cwd: path.join(ROOT, 'infra/policies'), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const [first] = (await Promise.race([
      once(child.stdout!, 'data'),
      once(child, 'exit').then(() => Promise.reject(new Error(`policy pack exited: ${stderr}`))),
    ])) as [Buffer];
    const port = Number(first.toString().trim());
    const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new RunningPolicyPack(child, client);
  }

  private call<T>(method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => this.client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
  }

  async policyNames(): Promise<string[]> {
    const info = await this.call<any>('getAnalyzerInfo', new Empty());
    return info.getPoliciesList().map((p: any) => p.getName());
  }

  /** What `pulumi preview --policy-pack` sends: every resource with its properties and property dependencies. */
  async analyzeStack(resources: PolicyResource[]): Promise<Diagnostic[]> {
    const request = new analyzer.AnalyzeStackRequest();
    for (const r of resources) {
      const message = describe(new analyzer.AnalyzerResource(), r);
      for (const [key, deps] of Object.entries(r.propertyDependencies)) {
        const urns = new analyzer.AnalyzerPropertyDependencies();
        urns.setUrnsList(deps.map((d) => d.urn));
        message.getPropertydependenciesMap().set(key, urns);
      }
      request.addResources(message);
    }
    const stackResponse = await this.call<any>('analyzeStack', request);
    const toDiagnostic = (d: any, urn: string): Diagnostic => ({ policy: d.getPolicyname(), message: d.getMessage(), urn, enforcement: d.getEnforcementlevel() });
    const diagnostics: Diagnostic[] = stackResponse.getDiagnosticsList().map((d: any) => toDiagnostic(d, d.getUrn()));
    for (const r of resources) {
      const one = describe(new analyzer.AnalyzeRequest(), r);
      // The engine attributes a resource's diagnostics to the resource it asked about.
      diagnostics.push(...(await this.call<any>('analyze', one)).getDiagnosticsList().map((d: any) => toDiagnostic(d, r.urn)));
    }
    return diagnostics;
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null) {
      this.child.kill();
      await once(this.child, 'exit');
    }
  }
}
