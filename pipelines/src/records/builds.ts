import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** What `build` leaves behind: the one artifact (by digest) every stage will run. */
export const buildRecordSchema = z.object({
  service: z.string(),
  commit: z.string(),
  version: z.string(),
  /** sha256 of the artifact: the service bundle tarball, or the image when an engine built one. */
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** The release's image reference: <repo>@sha256:<digest>. */
  image: z.string(),
  /** The bundle tarball, relative to the repository root. */
  artifact: z.string(),
  builtAt: z.string(),
  steps: z.array(
    z.object({ name: z.string(), status: z.enum(['passed', 'skipped', 'failed']), detail: z.string(), ms: z.number() }),
  ),
});

export type BuildRecord = z.infer<typeof buildRecordSchema>;

/** Build records are machine-local (.local/builds/<service>/<commit>.json); CI hands them on as a workflow artifact. */
export function buildRecordPath(root: string, service: string, commit: string): string {
  return path.join(root, '.local/builds', service, `${commit}.json`);
}

export function writeBuildRecord(root: string, record: BuildRecord): string {
  const file = buildRecordPath(root, record.service, record.commit);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  return file;
}

export function readBuildRecord(root: string, service: string, commit: string): BuildRecord {
  const file = buildRecordPath(root, service, commit);
  if (!existsSync(file)) {
    throw new Error(`No build of ${service} at commit ${commit.slice(0, 12)}: ${path.relative(root, file)} not found; run \`pipeline build ${service}\` first`);
  }
  const parsed = buildRecordSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${path.relative(root, file)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Every build record of a service, newest first. */
export function latestBuildRecords(root: string, service: string): BuildRecord[] {
  const dir = path.join(root, '.local/builds', service);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => readBuildRecord(root, service, f.slice(0, -'.json'.length)))
    .sort((a, b) => b.builtAt.localeCompare(a.builtAt));
}
