import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** One place the project's setup fetches something from outside the repository, and why it is not verified (if it is not). */
export interface Download {
  file: string;
  line: number;
  command: string;
  problem?: string;
}

/** Shell lines joined across `\` continuations, with their first line number; comments and messages (echo, log) dropped. */
function logicalLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let joined = raw[i]!;
    while (joined.endsWith('\\') && i + 1 < raw.length) joined = joined.slice(0, -1) + raw[++i];
    const t = joined.trim();
    if (/^(#|\/\/|\*|echo\b|printf\b|log\(|return\b|const \w+ = `)/.test(t) || /\becho "/.test(t)) continue;
    out.push({ line: start + 1, text: t });
  }
  return out;
}

/**
 * The rules a fetch must follow to count as verified, by tool. Each returns what is wrong with a command line, or
 * undefined. `file` is the whole script: a curl is verified when the script checks a committed sha256 (sha256sum -c).
 */
const RULES: { tool: string; matches: RegExp; problem: (cmd: string, file: string) => string | undefined }[] = [
  {
    tool: 'curl/wget', matches: /(^|[\s;|&(])(curl|wget)\s/,
    problem: (_c, file) => (/sha256sum (-c|--check)/.test(file) ? undefined : 'downloads without checking a committed sha256 (sha256sum -c)'),
  },
  {
    tool: 'pip', matches: /(^|[\s/"])pip3?"? install\b/,
    problem: (c) => (/--require-hashes/.test(c) && /\s-r\s/.test(c) ? undefined : 'pip install without --require-hashes -r <file with hashes>'),
  },
  {
    tool: 'maven', matches: /(^|[\s`])(mvn|\$\{mvn\})\s+-/,
    problem: (c) => (/\s(-C|--strict-checksums)\s|maven\.checksum\.policy=fail/.test(c) ? undefined : 'Maven without --strict-checksums (its default only warns on a bad checksum)'),
  },
  {
    tool: 'go', matches: /(^|[\s=])go (install|get|build|mod download)\b/,
    problem: (c) => {
      if (/\bgo get\b/.test(c)) return 'go get changes go.mod outside the committed go.sum';
      if (/GOSUMDB=off|GONOSUMDB=\S|GONOSUMCHECK=\S|GOINSECURE=\S|-insecure/.test(c)) return 'turns off Go checksum verification';
      if (/\bgo install\b/.test(c) && !/@(v\d+\.\d+\.\d+|\$\{\w+\})/.test(c)) return 'go install without an exact version';
      return undefined;
    },
  },
  {
    tool: 'apt', matches: /apt-get"?`? install\b|\$\{aptGet\} install\b/,
    problem: (c, file) => (/--allow-unauthenticated|trusted=yes|AllowInsecureRepositories/.test(c + file) ? 'apt without signature checks' : undefined),
  },
  {
    tool: 'npm', matches: /(^|\s)npm (install|i|add)(\s|$)|\bnpx\s+(?!--no-install)/,
    problem: () => 'npm install/npx fetch outside package-lock.json (use npm ci)',
  },
];

/** Every download in `files`, each with the reason it is unverified, if it is. */
export function downloadsIn(root: string, files: string[]): Download[] {
  const found: Download[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const { line, text: cmd } of logicalLines(text)) {
      for (const rule of RULES.filter((r) => r.matches.test(cmd))) {
        const problem = rule.problem(cmd, text);
        found.push({ file, line, command: `${rule.tool}: ${cmd.slice(0, 160)}`, ...(problem ? { problem } : {}) });
      }
    }
  }
  return found;
}

/** The project's setup: the scripts behind `npm test`/`npm run up` (tools/, pipelines/scripts/, .ci/) and the installers in code. */
export function setupFiles(root: string): string[] {
  const walk = (dir: string): string[] => readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    return statSync(path.join(root, rel)).isDirectory() ? walk(rel) : [rel];
  });
  return [
    ...walk('tools').filter((f) => f.endsWith('.sh')),
    ...walk('pipelines/scripts').filter((f) => f.endsWith('.sh')),
    '.ci/run',
    ...walk('packages/local-servers/src').filter((f) => /install\.ts$/.test(f)),
  ];
}
