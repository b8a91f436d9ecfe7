import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMENT_MARKER, commentBody, upsertPullRequestComment, type GithubApi } from '../src/output/pr-comment.ts';

/**
 * GitHub's REST API cannot run here, so a stand-in serves the three issue-comment endpoints the command uses, with
 * GitHub's paths, methods and pagination (per_page, page), and keeps the comments like GitHub does.
 */
function githubStandIn() {
  const comments: { id: number; body: string; user: string }[] = [];
  const calls: string[] = [];
  let next = 1000;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      calls.push(`${req.method} ${url.pathname}`);
      if (req.headers.authorization !== 'Bearer t0ken') return void res.writeHead(401).end('{}');
      const list = /^\/repos\/o\/r\/issues\/(\d+)\/comments$/.exec(url.pathname);
      const one = /^\/repos\/o\/r\/issues\/comments\/(\d+)$/.exec(url.pathname);
      res.setHeader('content-type', 'application/json');
      if (list && req.method === 'GET') {
        const per = Number(url.searchParams.get('per_page') ?? 30), page = Number(url.searchParams.get('page') ?? 1);
        return void res.end(JSON.stringify(comments.slice((page - 1) * per, page * per)));
      }
      if (list && req.method === 'POST') {
        const c = { id: next++, body: JSON.parse(raw).body as string, user: 'github-actions[bot]' };
        comments.push(c);
        return void res.writeHead(201).end(JSON.stringify(c));
      }
      const c = one && comments.find((x) => x.id === Number(one[1]));
      if (c && req.method === 'PATCH') {
        c.body = JSON.parse(raw).body;
        return void res.end(JSON.stringify(c));
      }
      res.writeHead(404).end('{}');
    });
  });
  return { server, comments, calls };
}

describe("the pipeline's one comment on a pull request", () => {
  const gh = githubStandIn();
  let api: GithubApi;
  let dir: string;
  beforeAll(async () => {
    await new Promise<void>((r) => gh.server.listen(0, '127.0.0.1', r));
    api = { repo: 'o/r', token: 't0ken', apiUrl: `http://127.0.0.1:${(gh.server.address() as AddressInfo).port}` };
    dir = mkdtempSync(path.join(tmpdir(), 'msa-comment-'));
  });
  afterAll(() => {
    gh.server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is created once, then edited in place on every push, past a first page of other comments', async () => {
    for (let i = 0; i < 120; i++) gh.comments.push({ id: i + 1, body: `review ${i}`, user: 'someone' });
    mkdirSync(path.join(dir, 'a'), { recursive: true });
    writeFileSync(path.join(dir, 'a/preview-dev.md'), '### pulumi preview: `dev` ✅\n');
    const first = await upsertPullRequestComment(api, 7, commentBody(dir, 7));
    expect(first.action).toBe('created');
    writeFileSync(path.join(dir, 'preview-test.md'), '### pulumi preview: `test` ❌\n');
    const second = await upsertPullRequestComment(api, 7, commentBody(dir, 7));
    expect(second).toEqual({ action: 'updated', id: first.id });
    const mine = gh.comments.filter((c) => c.body.includes(COMMENT_MARKER));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toContain('`dev` ✅');
    expect(mine[0]!.body).toContain('`test` ❌');
    expect(gh.calls.filter((c) => c.startsWith('POST'))).toHaveLength(1);
  });

  it('says so when no preview ran, and names the API answer when GitHub refuses', async () => {
    expect(commentBody(path.join(dir, 'none'), 8)).toContain('No stack preview ran for this change.');
    await expect(upsertPullRequestComment({ ...api, token: 'wrong' }, 8, 'x')).rejects.toThrow(/GitHub API: GET \/repos\/o\/r\/issues\/8\/comments.* answered 401/);
  });
});
