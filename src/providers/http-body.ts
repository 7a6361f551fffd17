import type { IncomingMessage } from 'node:http';

/** Request-body handling shared by fbpay's own servers (`webhook listen`, `mock graph`). */

/**
 * After a 413: throw away whatever the client still sends (so it can read the reply rather than
 * see a reset), but cut the connection after a second whatever happens.
 */
export function discardThenClose(req: IncomingMessage): void {
  req.resume();
  setTimeout(() => req.socket.destroy(), 1000).unref();
}

/** Reads the whole body up to `max` bytes; stops reading (and says so) past it. */
export function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too_large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Buffer | 'too_large' | 'aborted') => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(v);
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.pause();
        finish('too_large');
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.once('end', () => finish(Buffer.concat(chunks, size)));
    req.once('aborted', () => finish('aborted'));
    req.once('close', () => finish(req.complete ? Buffer.concat(chunks, size) : 'aborted'));
    req.once('error', () => finish('aborted'));
  });
}
