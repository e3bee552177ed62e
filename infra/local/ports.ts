import { createServer } from 'node:net';

/** Thrown when the port the runtime should listen on is taken, so the CLI can say so plainly. */
export class PortInUseError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} on 127.0.0.1 is already in use`);
    this.name = 'PortInUseError';
  }
}

/**
 * A free TCP port on the loopback interface. DynamoDB Local (Java) cannot be told to pick its
 * own port and report it, so we ask the OS for one and hand it over; the window in which another
 * process could take it is a few milliseconds.
 */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
