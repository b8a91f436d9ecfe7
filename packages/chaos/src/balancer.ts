import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A round-robin TCP balancer on one loopback port in front of a service's replicas, as a cluster's
 * Service would be: a connection goes to the next replica that accepts it; a refused connect tries the
 * next one (nothing was sent yet, so this is safe). A replica that dies mid-request closes its client's
 * connection, as a real balancer would.
 */
export class Balancer {
  #server: Server;
  #next = 0;
  readonly backends: number[];

  constructor(backends: number[]) {
    this.backends = backends;
    this.#server = createServer((client) => this.#route(client, 0));
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  #route(client: Socket, tried: number): void {
    client.pause();
    if (tried >= this.backends.length) {
      client.destroy();
      return;
    }
    const port = this.backends[this.#next++ % this.backends.length]!;
    const upstream = connect(port, '127.0.0.1');
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      if (!connected) return this.#route(client, tried + 1);
      client.destroy();
    });
    upstream.on('close', () => connected && client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
