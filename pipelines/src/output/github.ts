import { appendFileSync } from 'node:fs';

/** Writes step outputs the way GitHub Actions reads them ($GITHUB_OUTPUT), one key=value a line. */
export function writeGithubOutputs(file: string, outputs: Record<string, string>): void {
  const lines = Object.entries(outputs).map(([k, v]) => {
    if (v.includes('\n')) throw new Error(`GitHub output "${k}" must be one line`);
    return `${k}=${v}\n`;
  });
  appendFileSync(file, lines.join(''));
}
