import { computeAffected, type AffectedResult } from '../affected/affected.ts';
import { writeGithubOutputs } from '../output/github.ts';
import { pullRequestPreviewStacks, touchesPlatform } from '../output/pull-request.ts';
import { renderTable } from '../output/table.ts';

export interface AffectedCommandOptions {
  root: string;
  base: string;
  head?: string;
  json?: boolean;
  /** File to append GitHub step outputs to (services, matrix, stacks, any, preview-stacks, platform). */
  githubOutput?: string;
  print?: (text: string) => void;
}

/** The JSON a workflow matrix reads: one leg per affected service. */
export function matrixOf(result: AffectedResult): { include: { service: string }[] } {
  return { include: result.services.map((s) => ({ service: s.name })) };
}

export function renderAffected(result: AffectedResult): string {
  const head = `Changes ${result.mergeBase.slice(0, 10)}..${result.head.slice(0, 10)}: ${result.changedFiles.length} file(s)`;
  if (result.services.length === 0 && result.stacks.length === 0) return `${head}\nNo service is affected.`;
  const services = renderTable(
    ['service', 'why'],
    result.services.map((s) => [s.name, summarize(s.reasons).join('\n')]),
  );
  const stacks = result.stacks.length
    ? '\n' + renderTable(['stack to preview', 'why'], result.stacks.map((s) => [s.name, s.reasons.join('\n')]))
    : '';
  return `${head}\n${services}${stacks}`;
}

export async function affectedCommand(opts: AffectedCommandOptions): Promise<AffectedResult> {
  const print = opts.print ?? ((t: string) => process.stdout.write(t + '\n'));
  const result = await computeAffected({ root: opts.root, base: opts.base, ...(opts.head ? { head: opts.head } : {}) });
  if (opts.githubOutput) {
    writeGithubOutputs(opts.githubOutput, {
      services: JSON.stringify(result.services.map((s) => s.name)),
      matrix: JSON.stringify(matrixOf(result)),
      stacks: JSON.stringify(result.stacks.map((s) => s.name)),
      any: String(result.services.length > 0),
      'any-stack': String(result.stacks.length > 0),
      // What a pull request previews (never local, staging or prod), and whether the platform's own tests must run.
      'preview-stacks': JSON.stringify(pullRequestPreviewStacks(result.stacks.map((s) => s.name))),
      'any-preview-stack': String(pullRequestPreviewStacks(result.stacks.map((s) => s.name)).length > 0),
      platform: String(touchesPlatform(result.changedFiles)),
    });
  }
  print(opts.json ? JSON.stringify({ ...result, matrix: matrixOf(result) }, null, 2) : renderAffected(result));
  return result;
}

/** For people: many changed files of one kind read as one line (the JSON keeps every reason). */
function summarize(reasons: AffectedResult['services'][number]['reasons']): string[] {
  const lines: string[] = [];
  const byKind = new Map<string, string[]>();
  for (const r of reasons) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r.detail]);
  for (const [kind, details] of byKind) {
    if (details.length <= 3) details.forEach((d) => lines.push(`${kind}: ${d}`));
    else lines.push(`${kind}: ${details[0]} and ${details.length - 1} more`);
  }
  return lines;
}
