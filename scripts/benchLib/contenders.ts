// The three ways of doing the same login, each behind `login(username, password) -> Outcome`:
//   strategy  - LabelStudioLdapStrategy, driven as Passport drives it;
//   ldapauth  - passport-ldapauth (ldapauth-fork, ldapjs 2), driven as Passport drives it;
//   floor     - plain ldapjs 3 on connections opened beforehand: service search, user bind on a
//               separate connection, group search. No strategy, no mapping, no timeouts.
// All three: search base ou=people, filter (|(uid=X)(mail=X)), group search under ou=groups
// with (&(objectClass=groupOfNames)(member=<user DN>)), the fixture service account cn=svc.
import { LabelStudioLdapStrategy, optionsFromEnv, silentLogger } from '../../lib';
import { ldapEnv } from '../../__tests__/support/env';
import { benchMappingEnv, GROUP_BASE, GROUP_FILTER, PEOPLE_BASE, type SlapdServer } from './directory';
import { bind, connect, escapeFilter, search, type Ldapjs3Client } from './ldapjsPlain';
import { drive, loginRequest, type Outcome, type PassportLike } from './passport';

export type ContenderName = 'strategy' | 'ldapauth' | 'floor';

export interface Contender {
  name: ContenderName;
  /** One login; resolves with the Passport outcome (the floor makes the same shape). */
  login(username: string, password: string): Promise<Outcome>;
  close(): Promise<void>;
}

/** The DN of the user a success belongs to, whatever the contender's user object looks like. */
export function successDn(o: Outcome): string | null {
  if (o.kind !== 'success') return null;
  const u = o.user as { dn?: unknown } | null;
  return u && typeof u.dn === 'string' ? u.dn : null;
}

export function successGroups(o: Outcome): string[] | null {
  if (o.kind !== 'success') return null;
  const u = o.user as { groups?: unknown; _groups?: Array<{ dn: string }> };
  if (Array.isArray(u.groups)) return u.groups as string[];
  if (Array.isArray(u._groups)) return u._groups.map((g) => g.dn);
  return null;
}

/** Environment of the strategy in the bench: ldapEnv with one search base, group filter, mappings. */
export function strategyEnv(server: SlapdServer, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return ldapEnv(server, {
    AUTH_LDAP_USER_SEARCH_BASES: PEOPLE_BASE,
    AUTH_LDAP_GROUP_SEARCH_BASE_DN: GROUP_BASE,
    AUTH_LDAP_GROUP_SEARCH_FILTER_STR: GROUP_FILTER,
    ...benchMappingEnv(),
    ...extra,
  });
}

export const POOL_SIZE = 10; // LabelStudioLdapStrategy's default maxConnections

export function strategyContender(server: SlapdServer, maxConnections?: number): Contender & { strategy: LabelStudioLdapStrategy } {
  const strategy = new LabelStudioLdapStrategy({
    ...optionsFromEnv(strategyEnv(server)),
    logger: silentLogger,
    ...(maxConnections !== undefined ? { maxConnections } : {}),
  });
  return {
    name: 'strategy',
    strategy,
    login: (username, password) => drive(strategy as unknown as PassportLike, loginRequest(username, password)),
    close: () => strategy.close(),
  };
}

export function ldapauthContender(server: SlapdServer): Contender {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const LdapStrategy = require('passport-ldapauth') as new (options: unknown) => PassportLike;
  const strategy = new LdapStrategy({
    server: {
      url: server.url,
      bindDN: server.serviceDn,
      bindCredentials: server.servicePassword,
      searchBase: PEOPLE_BASE,
      searchFilter: '(|(uid={{username}})(mail={{username}}))',
      searchAttributes: ['givenName', 'sn', 'mail', 'uid'],
      groupSearchBase: GROUP_BASE,
      groupSearchFilter: `(&${GROUP_FILTER}(member={{dn}}))`,
      groupSearchAttributes: ['1.1'],
      // the strategy's defaults (OPT_NETWORK_TIMEOUT 5 s, OPT_TIMEOUT 10 s)
      connectTimeout: 5000,
      timeout: 10000,
    },
  });
  return {
    name: 'ldapauth',
    login: (username, password) => drive(strategy, loginRequest(username, password)),
    close: async () => undefined, // it keeps nothing open between logins
  };
}

// ---------------------------------------------------------------- floor (plain ldapjs 3)

/** The floor: one bound service connection and `bindConnections` connections for user binds. */
export async function floorContender(server: SlapdServer, bindConnections = POOL_SIZE): Promise<Contender> {
  const service = await connect(server.url);
  const err = await bind(service, server.serviceDn, server.servicePassword);
  if (err) throw err;
  const idle: Ldapjs3Client[] = [];
  for (let i = 0; i < bindConnections; i++) idle.push(await connect(server.url));
  const all = [service, ...idle];
  const waiters: Array<(c: Ldapjs3Client) => void> = [];
  const take = (): Promise<Ldapjs3Client> =>
    idle.length > 0 ? Promise.resolve(idle.pop() as Ldapjs3Client) : new Promise((r) => waiters.push(r));
  const give = (c: Ldapjs3Client): void => {
    const w = waiters.shift();
    if (w) w(c);
    else idle.push(c);
  };
  const attributes = ['givenName', 'sn', 'mail', 'uid'];
  return {
    name: 'floor',
    async login(username, password): Promise<Outcome> {
      try {
        const v = escapeFilter(username);
        const found = await search(service, PEOPLE_BASE, { scope: 'sub', filter: `(|(uid=${v})(mail=${v}))`, attributes, sizeLimit: 2 });
        if (found.length !== 1) return { kind: 'fail', challenge: { message: 'Invalid username or password' }, status: 401 };
        const dn = found[0].dn;
        const conn = await take();
        const bindErr = await bind(conn, dn, password).finally(() => give(conn));
        if (bindErr) {
          if (bindErr.code === 49) return { kind: 'fail', challenge: { message: 'Invalid username or password' }, status: 401 };
          return { kind: 'error', err: bindErr };
        }
        const groups = await search(service, GROUP_BASE, { scope: 'sub', filter: `(&${GROUP_FILTER}(member=${escapeFilter(dn)}))`, attributes: ['1.1'] });
        return { kind: 'success', user: { dn, groups: groups.map((g) => g.dn) }, info: undefined };
      } catch (e) {
        return { kind: 'error', err: e as Error };
      }
    },
    close: async () => {
      await Promise.all(all.map((c) => new Promise<void>((r) => {
        const t = setTimeout(() => { c.destroy(); r(); }, 500);
        c.unbind(() => { clearTimeout(t); c.destroy(); r(); });
      })));
    },
  };
}
