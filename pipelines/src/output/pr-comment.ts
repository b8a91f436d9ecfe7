import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Marks the pipeline's one comment on a pull request, so each run finds and edits it instead of adding another. */
export const COMMENT_MARKER = '<!-- msa-pipeline:pull-request -->';

interface Comment {
  id: number;
  body?: string;
}

export interface GithubApi {
  repo: string;
  token: string;
  apiUrl: string;
}

export function githubApiFromEnv(env: NodeJS.ProcessEnv): GithubApi {
  const repo = env.GITHUB_REPOSITORY;
  const token = env.GITHUB_TOKEN;
  if (!repo || !token) throw new Error('Commenting on a pull request needs GITHUB_REPOSITORY and GITHUB_TOKEN');
  return { repo, token, apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com' };
}

/** The comment's body: every summary (one Markdown file per stack or part) in name order, under the marker. */
export function commentBody(dir: string, pr: number): string {
  const parts = existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.md')).sort() : [];
  const sections = parts.map((f) => readFileSync(path.join(dir, f), 'utf8').trim());
  return [COMMENT_MARKER, `## Pipeline: pull request #${pr}`, '', ...(sections.length ? sections : ['No stack preview ran for this change.']), ''].join('\n');
}

/**
 * Puts `body` into the pipeline's one comment on the pull request: edits the comment carrying the marker when there is
 * one (the first page that has it), creates it otherwise. Returns what it did and the comment's id.
 */
export async function upsertPullRequestComment(api: GithubApi, pr: number, body: string): Promise<{ action: 'created' | 'updated'; id: number }> {
  if (!body.includes(COMMENT_MARKER)) body = `${COMMENT_MARKER}\n${body}`;
  const call = async (method: string, url: string, payload?: unknown) => {
    const res = await fetch(`${api.apiUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${api.token}`, accept: 'application/vnd.github+json', 'content-type': 'application/json', 'x-github-api-version': '2022-11-28' },
      ...(payload ? { body: JSON.stringify(payload) } : {}),
    });
    if (!res.ok) throw new Error(`GitHub API: ${method} ${url} answered ${res.status} ${(await res.text()).slice(0, 200)}`);
    return res.json() as Promise<unknown>;
  };
  for (let page = 1; ; page++) {
    const comments = (await call('GET', `/repos/${api.repo}/issues/${pr}/comments?per_page=100&page=${page}`)) as Comment[];
    const mine = comments.find((c) => c.body?.includes(COMMENT_MARKER));
    if (mine) {
      await call('PATCH', `/repos/${api.repo}/issues/comments/${mine.id}`, { body });
      return { action: 'updated', id: mine.id };
    }
    if (comments.length < 100) break;
  }
  const created = (await call('POST', `/repos/${api.repo}/issues/${pr}/comments`, { body })) as Comment;
  return { action: 'created', id: created.id };
}
