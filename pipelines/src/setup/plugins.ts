import { readFileSync } from 'node:fs';
import path from 'node:path';

/** A provider plugin the Pulumi engine loads for a package of the lockfile. */
export interface ProviderPlugin {
  name: string;
  version: string;
  /** Where the plugin is published when it is not Pulumi's own download site. */
  server?: string;
}

interface Lockfile {
  packages: Record<string, { version?: string }>;
}

/**
 * The provider plugins the lockfile's @pulumi/* packages need, at the versions they were generated for: each resource
 * package says so in its package.json (`"pulumi": { "resource": true, "name", "version" }`). A runner installs exactly
 * these before its first `pulumi preview`, so no plugin is fetched mid-run at a version nobody chose.
 */
export function providerPlugins(root: string): ProviderPlugin[] {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as Lockfile;
  const plugins = new Map<string, ProviderPlugin>();
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (!/^(.*\/)?node_modules\/@pulumi\/[^/]+$/.test(where)) continue;
    const manifest = JSON.parse(readFileSync(path.join(root, where, 'package.json'), 'utf8')) as {
      version: string;
      pulumi?: { resource?: boolean; name?: string; version?: string; server?: string };
    };
    // Some packages write their version with a leading v (@pulumi/policy).
    if (manifest.version.replace(/^v/, '') !== entry.version) throw new Error(`${where} is ${manifest.version} but the lockfile says ${entry.version}: run npm ci`);
    const p = manifest.pulumi;
    if (!p?.resource || !p.name) continue;
    const plugin: ProviderPlugin = { name: p.name, version: p.version ?? manifest.version, ...(p.server ? { server: p.server } : {}) };
    plugins.set(`${plugin.name}@${plugin.version}`, plugin);
  }
  return [...plugins.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/** One line per plugin, as install-pulumi.sh reads them: `<name> <version> [<server>]`. */
export const pluginLines = (plugins: ProviderPlugin[]) => plugins.map((p) => [p.name, p.version, p.server].filter(Boolean).join(' ')).join('\n');
