import { Config } from '@backstage/config';
import { Socket } from 'node:net';

const CONNECT_TIMEOUT_MS = 5000;

/**
 * Sends one PING to the configured Redis cache. Any RESP reply (+PONG, or -NOAUTH when a password
 * is needed) proves the server is there; silence or a refused connection stops the start.
 */
export async function checkCache(config: Config): Promise<void> {
  const cache = config.getOptionalConfig('backend.cache');
  if (!cache || cache.getOptionalString('store') !== 'redis') return;

  const connection = cache.getString('connection');
  let url: URL;
  try {
    url = new URL(connection);
  } catch {
    throw new Error(
      'backend.cache.connection is not a redis:// URL (cache store is redis)',
    );
  }
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 6379);
  await new Promise<void>((resolve, reject) => {
    const socket = new Socket();
    const fail = (why: string) => {
      socket.destroy();
      reject(
        new Error(
          `cannot reach the Redis cache at ${host}:${port} (backend.cache.connection): ${why}`,
        ),
      );
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => fail('timed out'));
    socket.once('error', error => fail(error.message));
    socket.once('data', data => {
      socket.destroy();
      if (/^[+-]/.test(data.toString())) resolve();
      else fail('the server did not answer like Redis');
    });
    socket.connect(port, host, () => socket.write('PING\r\n'));
  });
}
