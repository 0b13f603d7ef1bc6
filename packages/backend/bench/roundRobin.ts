import net from 'node:net';

/**
 * The smallest load balancer in front of several replicas: each TCP connection goes to the next
 * upstream in turn (as a Service's iptables rules spread connections), bytes piped both ways.
 */
export async function startRoundRobin(
  upstreams: string[],
): Promise<{ url: string; close(): Promise<void> }> {
  const targets = upstreams.map(u => new URL(u));
  let next = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer(client => {
    const target = targets[next++ % targets.length];
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(done => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
}
