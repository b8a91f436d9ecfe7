import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

/** A real git repository in a temporary folder, shaped like the monorepo (apps/, packages/, infra/). */
export class TempRepo {
  readonly root: string;
  private port = 4100;

  constructor(prefix = 'msa-pipelines-') {
    this.root = mkdtempSync(path.join(tmpdir(), prefix));
    this.git('init', '--quiet', '--initial-branch=main');
    this.git('config', 'user.email', 'pipeline-tests@example.invalid');
    this.git('config', 'user.name', 'pipeline tests');
    this.git('config', 'commit.gpgsign', 'false');
    this.write('package.json', JSON.stringify({ name: 'fixture', private: true, workspaces: ['packages/*', 'apps/*', 'infra'], scripts: {} }, null, 2));
    this.write('tsconfig.base.json', '{}\n');
    this.write('README.md', '# fixture\n');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.root, encoding: 'utf8' });
  }

  write(rel: string, text: string): this {
    const file = path.join(this.root, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return this;
  }

  read(rel: string): string {
    return readFileSync(path.join(this.root, rel), 'utf8');
  }

  exists(rel: string): boolean {
    return existsSync(path.join(this.root, rel));
  }

  remove(rel: string): this {
    rmSync(path.join(this.root, rel), { recursive: true, force: true });
    return this;
  }

  /** Adds a service folder with a catalog entry, a package.json and one source file. */
  addService(name: string, deps: Record<string, string> = {}): this {
    const port = this.port++;
    this.write(
      `apps/${name}/service.yaml`,
      `# ${name}\nname: ${name}\nteam: t\ndescription: the ${name} service\nport: ${port}\ndatabase:\n  name: ${name.replace(/-/g, '_')}_svc\nscaling:\n  minReplicas: 1\n  maxReplicas: 2\n`,
    );
    this.write(`apps/${name}/package.json`, JSON.stringify({ name: `@msa/${name}`, version: '0.1.0', type: 'module', dependencies: deps }, null, 2));
    this.write(`apps/${name}/src/main.ts`, `export const name = '${name}';\n`);
    return this;
  }

  addPackage(dir: string, deps: Record<string, string> = {}): this {
    this.write(`packages/${dir}/package.json`, JSON.stringify({ name: `@msa/${dir}`, version: '0.1.0', dependencies: deps }, null, 2));
    this.write(`packages/${dir}/src/index.ts`, `export const x = 1;\n`);
    return this;
  }

  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '--quiet', '--allow-empty', '-m', message);
    return this.head();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
