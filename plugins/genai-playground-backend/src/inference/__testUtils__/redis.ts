import net from 'node:net';

/** The machine's Redis (see TOOLCHAIN.md); REDIS_URL overrides. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether something answers PING at REDIS_URL. */
export async function redisAvailable(): Promise<boolean> {
  const { hostname, port } = new URL(REDIS_URL);
  return new Promise(resolve => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', data => done(data.toString().startsWith('+PONG')));
  });
}

let warned = false;

/**
 * Wraps a Redis test: without a Redis it passes doing nothing, with a message, on a developer's
 * machine, and fails in CI (where Redis must be running).
 */
export function ifRedis(body: () => Promise<void>) {
  return async () => {
    if (!(await redisAvailable())) {
      if (process.env.CI) {
        throw new Error(
          `Redis is not reachable at ${REDIS_URL}; CI must start it (see TOOLCHAIN.md)`,
        );
      }
      if (!warned) {
        warned = true;
        // eslint-disable-next-line no-console
        console.warn(
          `Skipping the Redis tests: no Redis at ${REDIS_URL} (with CI=true this fails)`,
        );
      }
      return;
    }
    await body();
  };
}
