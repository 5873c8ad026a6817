// TCP connections to a port, read from /proc/net/tcp(6), to prove connections are reused and
// closed. By default only this process's own sockets count (other test runs on a shared machine
// may talk to the same port); 'machine' counts every process.
import * as fs from 'fs';
import * as net from 'net';
import * as vm from 'vm';

const OPEN_STATES = new Set(['01', '02', '03', '04', '05', '08', '09', '0B']);

function ownSocketInodes(): Set<string> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = fs.readdirSync('/proc/self/fd');
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  return inodes;
}

/** `local->remote st=<state>` of every TCP socket to `port`, of this process unless scope is 'machine'. */
export function socketsTo(port: number, scope: 'own' | 'machine' = 'own'): string[] {
  const mine = scope === 'own' ? ownSocketInodes() : null;
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      if (parseInt(cols[2].split(':')[1], 16) !== port || (mine && !mine.has(cols[9]))) continue;
      found.push(`${cols[1]}->${cols[2]} st=${cols[3]}`);
    }
  }
  return found;
}

/** Open (not yet fully closed) TCP connections to `port`. */
export function openConnectionsTo(port: number, scope: 'own' | 'machine' = 'own'): number {
  return socketsTo(port, scope).filter((s) => OPEN_STATES.has(s.slice(-2))).length;
}

/** Whether a TCP connection to host:port succeeds within a second. */
export function canConnectTo(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.setTimeout(1000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
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
