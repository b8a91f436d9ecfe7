import { createServer } from 'node:net';
import { ServerStartError } from './errors.ts';

/** True when nothing listens on host:port yet. */
export function portIsFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** Fails with the variable to change when another process holds a port we are about to listen on. */
export async function requireFreePort(host: string, port: number, variable: string): Promise<void> {
  if (!(await portIsFree(host, port))) {
    throw new ServerStartError(`${host}:${port} is already in use by another process; stop it or set ${variable} to a free port`);
  }
}
