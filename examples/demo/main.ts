// `npm run demo`: log in against LDAP in a browser.
//
// Without AUTH_LDAP_SERVER_URI in the environment, an embedded directory (directory.ldif) is
// started and the Label Studio variables are set to use it. With AUTH_LDAP_SERVER_URI set, the
// environment is used as it is, exactly as an application would (see README.md).
//
// Every login is provisioned into a SQLite store (examples/demo/app.ts shows the pages: the
// user's role and workspaces, and an admin page whose forms go through the LDAP ownership guards).
//
// In-process use (tests): `const demo = await startDemo({ port: 0, env: {}, database: ':memory:' }); ... await demo.close();`
import * as fs from 'fs';
import type { Server } from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { defaultLogger, LabelStudioLdapStrategy, ldapOwnership, optionsFromEnv, SqliteStore, type Logger, type Organization } from '../../lib';
import { createApp } from './app';
import { DEMO_ACCOUNTS, DEMO_ORGANIZATION_TITLE, embeddedEnv } from './embeddedConfig';
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
  /**
   * The SQLite database: a file path or ':memory:'. Default DEMO_DB from the environment, else a
   * file in a new temporary folder that close() removes.
   */
  database?: string;
}

export interface RunningDemo {
  /** e.g. http://127.0.0.1:3000 */
  url: string;
  /** The embedded directory, or null when AUTH_LDAP_SERVER_URI names a real server. */
  directory: EmbeddedDirectory | null;
  strategy: LabelStudioLdapStrategy;
  /** The application's store the strategy provisions into. */
  store: SqliteStore;
  /** The database file, or ':memory:'. */
  database: string;
  /** The organization of AUTH_LDAP_ORGANIZATION_OWNER_EMAIL, seeded at start-up. */
  organization: Organization;
  /** Closes the HTTP server, the strategy's LDAP connections, the store and the embedded directory. */
  close(): Promise<void>;
}

const isBlank = (v: string | undefined): boolean => v === undefined || v.trim() === '';

export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const env = options.env === undefined ? process.env : { ...options.env };
  const port = options.port ?? parsePort(env.PORT);
  const host = options.host ?? (isBlank(env.HOST) ? '127.0.0.1' : (env.HOST as string));
  const logger = options.logger ?? defaultLogger;

  // Everything started so far, stopped in reverse order if a later step fails (and by close()).
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanUp = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  };

  try {
    let directory: EmbeddedDirectory | null = null;
    if (isBlank(env.AUTH_LDAP_SERVER_URI)) {
      const started = await startEmbeddedDirectory();
      directory = started;
      cleanups.push(() => started.close());
      // Variables already set win, so options can be tried against the embedded directory.
      for (const [name, value] of Object.entries(embeddedEnv(started.url))) {
        if (name === 'AUTH_LDAP_SERVER_URI' || isBlank(env[name])) env[name] = value;
      }
    }

    const database = openDatabase(options.database ?? (isBlank(env.DEMO_DB) ? undefined : (env.DEMO_DB as string).trim()), cleanups);
    const store = new SqliteStore(database);
    cleanups.push(() => store.close());

    // What an application writes: the Label Studio variables, plus the store to provision into.
    // With a store, AUTH_LDAP_ORGANIZATION_OWNER_EMAIL is required (a start-up LdapConfigError).
    const strategy =
      env === process.env
        ? new LabelStudioLdapStrategy({ store, logger })
        : new LabelStudioLdapStrategy({ ...optionsFromEnv(env), store, logger });
    cleanups.push(() => strategy.close());
    const ldapOptions = optionsFromEnv(env);

    // The organization LDAP users join must exist before anyone logs in: register its owner.
    const { organization } = await store.seedOrganizationOwner({
      email: ldapOptions.organizationOwnerEmail as string,
      ...(directory ? { title: DEMO_ORGANIZATION_TITLE, firstName: 'Olivia', lastName: 'Owner' } : {}),
    });

    const app = createApp({
      strategy,
      store,
      organization,
      options: ldapOptions,
      logger,
      directory: directory ? `the embedded directory at ${directory.url}` : String(env.AUTH_LDAP_SERVER_URI).trim(),
      accounts: directory ? DEMO_ACCOUNTS : undefined,
      sessionSecret: isBlank(env.SESSION_SECRET) ? undefined : env.SESSION_SECRET,
    });

    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(port, host);
      s.once('listening', () => resolve(s));
      s.once('error', reject);
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const address = server.address() as AddressInfo;
    const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;

    let closing: Promise<void> | null = null;
    return {
      url: `http://${shownHost}:${address.port}`,
      directory,
      strategy,
      store,
      database,
      organization,
      close(): Promise<void> {
        closing ??= cleanUp();
        return closing;
      },
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}

/** The database path to use; a temporary one is removed again by the cleanups. */
function openDatabase(requested: string | undefined, cleanups: Array<() => void>): string {
  if (requested === ':memory:') return requested;
  if (requested !== undefined) {
    const file = path.resolve(requested);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return file;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plsl-demo-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'demo.db');
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
  const owns = ldapOwnership(optionsFromEnv(process.env));
  const ownership = (what: string, owned: boolean, variable: string): string =>
    `  ${what.padEnd(22)} ${owned ? `LDAP-owned (${variable}=0): the admin page's form is refused` : `managed in the app (${variable}=1)`}`;
  lines.push(
    '',
    `Database: ${demo.database === ':memory:' ? 'SQLite in memory' : `SQLite ${demo.database}`}${isBlank(process.env.DEMO_DB) ? ' (temporary; set DEMO_DB=path to keep it)' : ''}`,
    `Organization: ${demo.organization.title} (owner ${demo.organization.ownerEmail}, AUTH_LDAP_ORGANIZATION_OWNER_EMAIL)`,
    `Admin page: ${demo.url}/admin (administrators only)`,
    ownership('Roles', owns.role, 'MANUAL_ROLE_MANAGEMENT'),
    ownership('Workspace memberships', owns.workspace, 'MANUAL_WORKSPACE_MANAGEMENT'),
    '',
    'Press Ctrl+C to stop.\n',
  );
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
