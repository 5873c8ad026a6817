// Counts this machine's client-side TCP connections to a port, read from /proc/net/tcp(6),
// to prove connections are reused and closed. ESTABLISHED and closing states count as open.
import * as fs from 'fs';
import * as net from 'net';
import * as vm from 'vm';

const OPEN_STATES = new Set(['01', '02', '03', '04', '05', '08', '09', '0B']);

export function openConnectionsTo(port: number): number {
  let count = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4) continue;
      const remotePort = parseInt(cols[2].split(':')[1], 16);
      if (remotePort === port && OPEN_STATES.has(cols[3])) count++;
    }
  }
  return count;
}

/** A port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A listener that accepts TCP connections and never says a word. */
export async function silentListener(): Promise<{ port: number; accepted(): number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const srv = net.createServer((s) => {
    accepted++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    port,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

/**
 * Records unhandled rejections and uncaught exceptions while a suite runs. jest hands each test
 * file a copy of `process` that never receives these events, so the listeners go on the real
 * process object (as registry.ts does for 'exit').
 */
export function watchUnhandled(): { problems: string[]; stop(): void } {
  let real: NodeJS.Process = process;
  try {
    const p = vm.runInThisContext('process') as NodeJS.Process | undefined;
    if (p && typeof p.on === 'function') real = p;
  } catch {
    /* keep the sandbox process */
  }
  const problems: string[] = [];
  const onRejection = (reason: unknown): void => {
    problems.push(`unhandledRejection: ${String((reason as Error)?.stack ?? reason)}`);
  };
  const onException = (err: Error): void => {
    problems.push(`uncaughtException: ${err.stack ?? err.message}`);
  };
  real.on('unhandledRejection', onRejection);
  real.on('uncaughtException', onException);
  return {
    problems,
    stop: () => {
      real.off('unhandledRejection', onRejection);
      real.off('uncaughtException', onException);
    },
  };
}
