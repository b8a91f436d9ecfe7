import FindMyWay from 'find-my-way';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem, sendProblem } from './problem.ts';

/**
 * Remembers every route's path and methods in a router of its own (find-my-way, the one Fastify uses),
 * so a request that found no route can be told apart: a known path with another method is a 405
 * with `Allow`, anything else a 404. Both answer problem details.
 */
export function installNotFoundHandler(app: FastifyInstance): void {
  const router = FindMyWay({ ignoreTrailingSlash: false });
  const methodsByPath = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    let known = methodsByPath.get(route.url);
    if (!known) {
      known = new Set();
      methodsByPath.set(route.url, known);
      // The handler's store is the set, so a lookup by any method gives the path's methods.
      router.on('GET', route.url, () => undefined, known);
    }
    for (const m of methods) known.add(m.toUpperCase());
  });

  const answer = (req: FastifyRequest, reply: FastifyReply) => {
    const path = req.url.split('?')[0] ?? '/';
    const found = router.find('GET', path);
    const allowed = found?.store as Set<string> | undefined;
    if (allowed && !allowed.has(req.method)) {
      const allow = [...allowed].sort().join(', ');
      const p = problem(405, 'METHOD_NOT_ALLOWED', 'Method Not Allowed', `${req.method} is not supported on ${path}; allowed: ${allow}`, { instance: path });
      return sendProblem(reply, p, { allow });
    }
    return sendProblem(reply, problem(404, 'ROUTE_NOT_FOUND', 'Not Found', `no route ${req.method} ${path}`, { instance: path }));
  };
  // Answered before the body is read: an unknown method with a body (QUERY) must not fail on its content-type first.
  app.addHook('onRequest', async (req, reply) => {
    if (req.is404) return answer(req, reply);
  });
  app.setNotFoundHandler(answer);
}
