// `npm run demo`: log in against LDAP in a browser.
//
// Without AUTH_LDAP_SERVER_URI in the environment, an embedded directory (directory.ldif) is
// started and the Label Studio variables are set to use it. With AUTH_LDAP_SERVER_URI set, the
// environment is used as it is, exactly as an application would (see README.md).
//
// In-process use (tests): `const demo = await startDemo({ port: 0, env: {} }); ... await demo.close();`
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import { defaultLogger, LabelStudioLdapStrategy, optionsFromEnv, type Logger } from '../../lib';
import { createApp } from './app';
import { DEMO_ACCOUNTS, embeddedEnv } from './embeddedConfig';
import { startEmbeddedDirectory, type EmbeddedDirectory } from './embeddedDirectory';

export interface DemoOptions {
  /** HTTP port; default PORT from the environment, else 3000. 0 picks a free port. */
  port?: number;
  /** Default HOST from the environment, else 127.0.0.1. */
  host?: string;
  /**
   * The environment to configure from; default process.env. Without AUTH_LDAP_SERVER_URI it is
   * completed with the embedded directory's variables (a copy is made unless it is process.env).
   */
  env?: NodeJS.ProcessEnv;
  /** Logger for the strategy and the app; default the library's (warnings and errors to stderr). */
  logger?: Logger;
}

export interface RunningDemo {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  /** The embedded directory, or null when AUTH_LDAP_SERVER_URI names a real server. */
  directory: EmbeddedDirectory | null;
  strategy: LabelStudioLdapStrategy;
  /** Closes the HTTP server, the strategy's LDAP connections and the embedded directory. */
  close(): Promise<void>;
}

const isBlank = (v: string | undefined): boolean => v === undefined || v.trim() === '';

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const env = options.env === undefined ? process.env : { ...options.env };
  const port = options.port ?? parsePort(env.PORT);
  const host = options.host ?? (isBlank(env.HOST) ? '127.0.0.1' : (env.HOST as string));
  const logger = options.logger ?? defaultLogger;

  let directory: EmbeddedDirectory | null = null;
  if (isBlank(env.AUTH_LDAP_SERVER_URI)) {
    directory = await startEmbeddedDirectory();
    // Variables already set win, so options can be tried against the embedded directory.
    for (const [name, value] of Object.entries(embeddedEnv(directory.url))) {
      if (name === 'AUTH_LDAP_SERVER_URI' || isBlank(env[name])) env[name] = value;
    }
  }

  let strategy: LabelStudioLdapStrategy;
  try {
    strategy =
      env === process.env && options.logger === undefined
        ? new LabelStudioLdapStrategy() // what an application writes: everything from the environment
        : new LabelStudioLdapStrategy({ ...optionsFromEnv(env), logger });
  } catch (err) {
    await directory?.close();
    throw err;
  }

  const app = createApp({
    strategy,
    logger,
    directory: directory ? `the embedded directory at ${directory.url}` : String(env.AUTH_LDAP_SERVER_URI).trim(),
    accounts: directory ? DEMO_ACCOUNTS : undefined,
    sessionSecret: isBlank(env.SESSION_SECRET) ? undefined : env.SESSION_SECRET,
  });

  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(port, host);
      s.once('listening', () => resolve(s));
      s.once('error', reject);
    });
  } catch (err) {
    await strategy.close();
    await directory?.close();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${address.port}`,
    directory,
    strategy,
    close(): Promise<void> {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await strategy.close();
        await directory?.close();
      })();
      return closing;
    },
  };
}

function parsePort(value: string | undefined): number {
  if (isBlank(value)) return 3000;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT: ${JSON.stringify(value)} is not a port number (0 to 65535; 0 picks a free port)`);
  }
  return port;
}

async function main(): Promise<void> {
  let demo: RunningDemo;
  try {
    demo = await startDemo();
  } catch (err) {
    // Configuration problems are explained in the message; a stack trace would only hide it.
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const lines = [`\nLabel Studio LDAP login demo: ${demo.url}\n`];
  if (demo.directory) {
    lines.push(
      `Embedded directory: ${demo.directory.url} (examples/demo/directory.ldif; the clear-text warning above is expected, it only listens on 127.0.0.1)`,
      'Demo accounts (log in with the username or the email):',
      ...DEMO_ACCOUNTS.map((a) => `  ${a.login.padEnd(8)} ${a.email.padEnd(19)} ${a.password.padEnd(11)} -> ${a.expect}`),
      '',
      'Set AUTH_LDAP_SERVER_URI (and the other AUTH_LDAP_* variables) to use a real directory instead.',
    );
  } else {
    lines.push(`Directory: ${process.env.AUTH_LDAP_SERVER_URI} (from the environment)`);
  }
  lines.push('Press Ctrl+C to stop.\n');
  process.stdout.write(`${lines.join('\n')}\n`);

  const stop = (): void => {
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) void main();
