import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseCopy, parseDockerfile, parseEnv } from './parse.ts';

export interface RehearsedImage {
  /** The final stage's root folder: what the image's file system would hold (beside the base image). */
  root: string;
  workdir: string;
  env: Record<string, string>;
  cmd: string[];
  user?: string;
  /** Every step taken, in order: what a reader of `docker build` output would see. */
  steps: string[];
}

export interface RehearseOptions {
  /** Folders put first on PATH for RUN steps, standing in for the base image's tools (Node 24, npm). */
  path?: string[];
  log?: (line: string) => void;
}

/**
 * Executes a Dockerfile's stages as a builder would, with each stage's file system a folder:
 * COPY copies from the context or from an earlier stage's folder, RUN runs in the stage's WORKDIR.
 * The base image itself is not emulated: its tools come from `options.path`.
 */
export function rehearseDockerfile(dockerfile: string, context: string, options: RehearseOptions = {}): RehearsedImage {
  const { stages } = parseDockerfile(readFileSync(dockerfile, 'utf8'));
  const ignored = dockerignore(context);
  const base = mkdtempSync(path.join(tmpdir(), 'rehearsal-'));
  const roots = new Map<string, string>();
  const steps: string[] = [];
  let last: RehearsedImage | undefined;
  for (const stage of stages) {
    const root = path.join(base, stage.name);
    mkdirSync(root, { recursive: true });
    roots.set(stage.name, root);
    const image: RehearsedImage = { root, workdir: '/', env: {}, cmd: [], steps };
    const inRoot = (p: string) => path.join(root, path.isAbsolute(p) ? p : path.join(image.workdir, p));
    for (const ins of stage.instructions) {
      const where = `${path.relative(context, dockerfile)}:${ins.line} [${stage.name}] ${ins.op} ${ins.args}`;
      steps.push(where);
      options.log?.(where);
      switch (ins.op) {
        case 'FROM':
        case 'ARG':
        case 'EXPOSE':
          break;
        case 'WORKDIR':
          image.workdir = path.posix.resolve(image.workdir, ins.args);
          mkdirSync(inRoot('.'), { recursive: true });
          break;
        case 'ENV':
          Object.assign(image.env, parseEnv(ins.args));
          break;
        case 'USER':
          image.user = ins.args;
          break;
        case 'CMD':
          image.cmd = JSON.parse(ins.args) as string[];
          break;
        case 'COPY': {
          const { from, sources, dest } = parseCopy(ins.args);
          const fromRoot = from ? roots.get(from) : context;
          if (!fromRoot) throw new Error(`${where}: no stage named "${from}"`);
          const target = inRoot(dest);
          for (const src of sources) {
            const source = from ? path.join(fromRoot, src) : path.join(context, src);
            if (!existsSync(source)) throw new Error(`${where}: ${src} does not exist`);
            // Docker's rule: a source file into a destination ending in / (or several sources) lands inside it.
            const intoDir = dest.endsWith('/') || sources.length > 1 || statSync(source).isDirectory() === false && existsSync(target) && statSync(target).isDirectory();
            const out = statSync(source).isDirectory() ? target : intoDir ? path.join(target, path.basename(src)) : target;
            mkdirSync(path.dirname(out), { recursive: true });
            cpSync(source, out, { recursive: true, filter: (p) => from !== undefined || !ignored(path.relative(context, p)) });
          }
          break;
        }
        case 'RUN':
          execFileSync('bash', ['-euo', 'pipefail', '-c', ins.args], {
            cwd: inRoot('.'),
            env: { ...process.env, ...image.env, PATH: [...(options.path ?? []), process.env.PATH].join(':') },
            stdio: options.log ? 'inherit' : 'pipe',
          });
          break;
        default:
          throw new Error(`${where}: instruction not supported by the rehearsal`);
      }
    }
    last = image;
  }
  if (!last) throw new Error(`${dockerfile}: no FROM`);
  return last;
}

/** The context's .dockerignore, for the simple patterns this repository uses: a name anywhere (**\/x) or at the top. */
function dockerignore(context: string): (rel: string) => boolean {
  const file = path.join(context, '.dockerignore');
  const patterns = existsSync(file)
    ? readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    : [];
  return (rel) => {
    const parts = rel.split(path.sep);
    return patterns.some((p) => (p.startsWith('**/') ? parts.includes(p.slice(3)) : parts[0] === p));
  };
}
