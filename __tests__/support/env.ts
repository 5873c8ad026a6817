/**
 * Label Studio environment for a slapd started by ./slapd.ts, and a capturing logger.
 *
 *   const env = ldapEnv(server, { AUTH_LDAP_GROUP_TYPE: 'posixGroup', USE_USERNAME_FOR_LOGIN: undefined });
 *   const options = optionsFromEnv(env);
 *   const { logger, lines } = captureLogger();
 *
 * ldapEnv defaults: LDAP enabled, AUTH_LDAP_SERVER_URI = server.url (plain ldap://), search mode
 * over ou=people and ou=staff with the fixture service account (cn=svc / svc-pw),
 * USE_USERNAME_FOR_LOGIN=1, AUTH_LDAP_GROUP_SEARCH_BASE_DN=ou=groups. No role or workspace
 * mapping, default group type. An override whose value is `undefined` removes that variable.
 */
import { LdapAuthenticator, optionsFromEnv, silentLogger, type AuthenticatorSettings } from '../../lib';
import type { Logger } from '../../lib/types';
import type { SlapdServer } from './slapd';

export const BASE_DN = 'dc=example,dc=test';
export const PEOPLE_BASE = `ou=people,${BASE_DN}`;
export const STAFF_BASE = `ou=staff,${BASE_DN}`;
export const GROUP_BASE = `ou=groups,${BASE_DN}`;

export type EnvOverrides = Record<string, string | undefined>;

/** The parts of a started slapd the environment needs. */
export type EnvServer = Pick<SlapdServer, 'url' | 'serviceDn' | 'servicePassword'>;

export function ldapEnv(server: EnvServer, overrides: EnvOverrides = {}): Record<string, string> {
  const env: Record<string, string> = {
    AUTH_LDAP_ENABLED: '1',
    AUTH_LDAP_SERVER_URI: server.url,
    AUTH_LDAP_BIND_DN: server.serviceDn,
    AUTH_LDAP_BIND_PASSWORD: server.servicePassword,
    USE_USERNAME_FOR_LOGIN: '1',
    AUTH_LDAP_USER_SEARCH_BASES: `${PEOPLE_BASE};${STAFF_BASE}`,
    AUTH_LDAP_GROUP_SEARCH_BASE_DN: GROUP_BASE,
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export interface CapturedLogger {
  logger: Logger;
  /** Every line logged so far: `<level>: <message> <JSON of details>`. */
  lines(): string[];
}

function stringify(details: Record<string, unknown> | undefined): string {
  if (details === undefined) return '';
  try {
    return ` ${JSON.stringify(details)}`;
  } catch {
    return ` ${String(details)}`;
  }
}

/** A logger that prints nothing and keeps every line (all four levels) for assertions. */
export function captureLogger(): CapturedLogger {
  const captured: string[] = [];
  const at =
    (level: string) =>
    (message: string, details?: Record<string, unknown>): void => {
      captured.push(`${level}: ${message}${stringify(details)}`);
    };
  return {
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    lines: () => [...captured],
  };
}

/**
 * A factory of authenticators for `ldapEnv(server(), overrides)`, silent unless a logger is given;
 * every authenticator it made is closed after each test.
 */
export function authenticatorsFor(
  server: () => EnvServer,
): (overrides?: EnvOverrides, settings?: AuthenticatorSettings) => LdapAuthenticator {
  const open: LdapAuthenticator[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((a) => a.close()));
  });
  return (overrides = {}, settings = {}) => {
    const a = new LdapAuthenticator(optionsFromEnv(ldapEnv(server(), overrides)), { logger: silentLogger, ...settings });
    open.push(a);
    return a;
  };
}
