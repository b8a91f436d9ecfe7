import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Service } from '@msa/catalog';
import { imageInput, serviceDockerfile } from '@msa/service-kit/dockerfile';
import { exec } from '@msa/stack-driver';

export interface ImageOptions {
  /** The image tag to build: <repository>/<service>:<commit>. */
  tag: string;
  commit: string;
  /** The artifact the image's runtime stage holds (its digest goes into a label). */
  artifactDigest: string;
  push?: boolean;
}

export interface ImageOutcome {
  status: 'passed' | 'skipped' | 'failed';
  detail: string;
  /** The image's digest (its registry digest when pushed) once built. */
  digest?: string;
}

/**
 * Builds the service's image from the one Dockerfile (service-kit's dockerfile.ts, written for this
 * service from the catalog) when a container engine is there, and pushes it when asked. Without an
 * engine it says so and why: the release then names the artifact's digest.
 */
export async function buildImage(root: string, service: Pick<Service, 'name' | 'port' | 'dir' | 'runtime'>, opts: ImageOptions): Promise<ImageOutcome> {
  const engine = await exec('docker', ['info', '--format', '{{.ServerVersion}}'], { cwd: root }).catch((e: Error) => ({ exitCode: 127, stdout: '', stderr: e.message }));
  if (engine.exitCode !== 0) {
    const why = engine.exitCode === 127 || /not found|ENOENT/.test(engine.stderr) ? 'the docker CLI is not installed' : `docker info failed: ${engine.stderr.trim().split('\n')[0]}`;
    return { status: 'skipped', detail: `no Docker engine (${why}); the release uses the bundle digest ${opts.artifactDigest}` };
  }
  const dockerfile = path.join(root, '.local/dockerfiles', `${service.name}.Dockerfile`);
  mkdirSync(path.dirname(dockerfile), { recursive: true });
  writeFileSync(dockerfile, serviceDockerfile(imageInput(root, service)));
  const labels = ['--label', `org.opencontainers.image.revision=${opts.commit}`, '--label', `dev.msa.artifact=${opts.artifactDigest}`];
  const built = await exec('docker', ['build', '-f', dockerfile, '-t', opts.tag, ...labels, '.'], { cwd: root, stream: true });
  if (built.exitCode !== 0) return { status: 'failed', detail: `docker build ${opts.tag} failed` };
  if (opts.push) {
    const pushed = await exec('docker', ['push', opts.tag], { cwd: root, stream: true });
    if (pushed.exitCode !== 0) return { status: 'failed', detail: `docker push ${opts.tag} failed` };
  }
  const inspect = await exec('docker', ['inspect', '--format', opts.push ? '{{index .RepoDigests 0}}' : '{{.Id}}', opts.tag], { cwd: root });
  const digest = /sha256:[0-9a-f]{64}/.exec(inspect.stdout)?.[0];
  return { status: 'passed', detail: `${opts.tag} ${digest ?? '(no digest reported)'}`, digest };
}
