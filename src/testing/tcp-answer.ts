import { Socket } from 'node:net';

/**
 * Connects to a loopback port, writes `send` (if any) and resolves `true`
 * when the first data the server sends starts with `expect`; `false` on an
 * error, other data or no data within 500 ms.
 */
export function answersOnTcp(port: number, expect: string, send?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith(expect)));
    socket.connect(port, '127.0.0.1', () => {
      if (send !== undefined) socket.write(send);
    });
  });
}
