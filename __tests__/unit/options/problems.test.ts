// All problems come back together, each naming its variable, and no password ever leaks.
import { LdapConfigError } from '../../../lib/errors';
import { optionsFromEnv, type OptionsIo } from '../../../lib/options';

const PW = 'S3cr3t-PW!';

const noFiles: OptionsIo = {
  readFile: (path) => {
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
  },
  listDir: (path) => {
    throw Object.assign(new Error(`ENOENT: no such file or directory, scandir '${path}'`), { code: 'ENOENT' });
  },
};

function thrown(env: Record<string, string | undefined>): LdapConfigError {
  try {
    optionsFromEnv(env, noFiles);
  } catch (err) {
    if (err instanceof LdapConfigError) return err;
    throw err;
  }
  throw new Error('expected an LdapConfigError');
}

describe('several mistakes at once', () => {
  it('reports every one of them, each naming its variable', () => {
    const err = thrown({
      AUTH_LDAP_ENABLED: '1',
      AUTH_LDAP_SERVER_URI: 'ldaps://ldap.example.com',
      AUTH_LDAP_BIND_DN: 'cn=reader,ou=services,dc=example,dc=com',
      AUTH_LDAP_BIND_PASSWORD: '',
      AUTH_LDAP_USER_DN_TEMPLATE: 'uid=user,ou=Users,dc=example,dc=com',
      AUTH_LDAP_GROUP_TYPE: 'group of names',
      AUTH_LDAP_GROUP_SEARCH_BASE_DN: 'ou=groups,dc=example,dc=com',
      AUTH_LDAP_ORGANIZATION_WORKSPACES: '{"Workspace 1": "cn=team1,dc=example,dc=com",}',
      AUTH_LDAP_CONNECTION_OPTIONS: 'OPT_X_TLS_CACERTFILE=/etc/ldap/missing-ca.crt;OPT_X_TLS_FROBNICATE=1',
    });
    const p = err.problems;
    expect(p).toHaveLength(6);
    const find = (prefix: string, text: string) => p.find((m) => m.startsWith(prefix) && m.includes(text));
    expect(find('AUTH_LDAP_BIND_PASSWORD:', 'AUTH_LDAP_BIND_DN')).toBeDefined();
    expect(find('AUTH_LDAP_USER_DN_TEMPLATE:', 'exactly once (found 0)')).toBeDefined();
    expect(find('AUTH_LDAP_GROUP_TYPE:', 'group of names')).toBeDefined();
    expect(find('AUTH_LDAP_ORGANIZATION_WORKSPACES:', 'not valid JSON')).toBeDefined();
    expect(find('AUTH_LDAP_CONNECTION_OPTIONS:', 'OPT_X_TLS_FROBNICATE')).toBeDefined();
    expect(find('AUTH_LDAP_CONNECTION_OPTIONS:', '/etc/ldap/missing-ca.crt')).toBeDefined();
    expect(err.message).toMatch(/^LDAP configuration has 6 problems:\n- /);
    for (const m of p) expect(err.message).toContain(m);
  });

  it('a single problem gives a one-line message', () => {
    const err = thrown({ AUTH_LDAP_ENABLED: '1', AUTH_LDAP_USER_DN_TEMPLATE: 'uid=%(user)s,dc=x' });
    expect(err.problems).toHaveLength(1);
    expect(err.message).toBe(`LDAP configuration error: ${err.problems[0]}`);
  });
});

describe('the bind password never appears', () => {
  const base = {
    AUTH_LDAP_ENABLED: '1',
    AUTH_LDAP_SERVER_URI: 'ldaps://ldap.example.com',
    AUTH_LDAP_BIND_DN: 'cn=reader,ou=services,dc=example,dc=com',
    AUTH_LDAP_BIND_PASSWORD: PW,
    AUTH_LDAP_USER_DN_TEMPLATE: 'uid=%(user)s,dc=example,dc=com',
  };

  const mistaken: Record<string, Record<string, string | undefined>> = {
    'disabled': { AUTH_LDAP_ENABLED: '0' },
    'password without a DN': { AUTH_LDAP_BIND_DN: undefined },
    'password with an invalid DN': { AUTH_LDAP_BIND_DN: 'reader' },
    'quoted password without a DN': { AUTH_LDAP_BIND_DN: '', AUTH_LDAP_BIND_PASSWORD: `"${PW}"` },
    'password pasted into the DN': { AUTH_LDAP_BIND_DN: PW },
    'password pasted into the URI': { AUTH_LDAP_SERVER_URI: `ldaps://reader:${PW}@ldap.example.com` },
    'password as the URI': { AUTH_LDAP_SERVER_URI: PW },
    'password pasted into the template': { AUTH_LDAP_USER_DN_TEMPLATE: `uid=${PW}` },
    'password pasted into the search bases': { AUTH_LDAP_USER_DN_TEMPLATE: '', AUTH_LDAP_USER_SEARCH_BASES: PW },
    'password pasted into the search filter': { AUTH_LDAP_USER_SEARCH_FILTER: `(${PW}` },
    'password pasted into the workspaces': { AUTH_LDAP_ORGANIZATION_WORKSPACES: `{"${PW}": 1, x}` },
    'password as workspace JSON': { AUTH_LDAP_ORGANIZATION_WORKSPACES: PW },
    'password pasted into a role': { AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: PW, AUTH_LDAP_GROUP_SEARCH_BASE_DN: 'dc=x' },
    'password pasted into the owner email': { AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: PW },
    'password pasted into the group type': { AUTH_LDAP_GROUP_TYPE: PW },
    'password pasted into the group filter': { AUTH_LDAP_GROUP_SEARCH_FILTER_STR: `(cn=${PW}` },
    'password pasted into the query field': { AUTH_LDAP_USER_QUERY_FIELD: PW },
    'password pasted into a yes/no variable': { USE_USERNAME_FOR_LOGIN: PW, MANUAL_ROLE_MANAGEMENT: PW },
    'password pasted into an attribute map': { AUTH_LDAP_USER_ATTR_MAP_EMAIL: PW },
    'password pasted into connection options': {
      AUTH_LDAP_CONNECTION_OPTIONS: `OPT_X_TLS_CACERTFILE=/${PW};${PW}=1;OPT_TIMEOUT=${PW};OPT_X_TLS_REQUIRE_CERT=${PW};OPT_X_TLS_PROTOCOL_MIN=${PW}`,
    },
    'start TLS on ldaps with a password': { AUTH_LDAP_START_TLS: '1' },
  };

  it.each(Object.entries(mistaken))('%s', (_name, changes) => {
    const err = thrown({ ...base, ...changes });
    expect(err.problems.length).toBeGreaterThan(0);
    const everything = [
      err.message,
      String(err),
      err.stack ?? '',
      JSON.stringify(err),
      JSON.stringify(Object.entries(err)),
      ...Object.getOwnPropertyNames(err).map((k) => String((err as unknown as Record<string, unknown>)[k])),
      ...err.problems,
    ].join('\n');
    expect(everything).not.toContain(PW);
    expect(everything).not.toContain('S3cr3t');
  });

  it('everything at once', () => {
    const all = Object.values(mistaken).reduce((acc, c) => ({ ...acc, ...c }), {});
    const err = thrown({ ...base, ...all, AUTH_LDAP_BIND_PASSWORD: PW });
    expect(err.problems.length).toBeGreaterThan(10);
    expect(JSON.stringify({ ...err, text: err.message, list: err.problems })).not.toContain(PW);
  });

  it('warnings never contain it either', () => {
    const o = optionsFromEnv(
      {
        ...base,
        AUTH_LDAP_SERVER_URI: 'ldap://ldap.example.com',
        AUTH_LDAP_CONNECTION_OPTIONS: 'OPT_X_TLS_REQUIRE_CERT=never;OPT_REFERRALS=1',
        [`AUTH_LDAP_${PW}`]: PW,
      },
      noFiles,
    );
    expect(o.warnings.length).toBeGreaterThan(0);
    expect(o.warnings.join('\n')).not.toContain(PW);
    expect(o.bindPassword).toBe(PW);
  });
});

describe('a password with quotes and backslashes', () => {
  it('is not leaked in its JSON-escaped form either', () => {
    const pw = 'a"b\\c-S3cr3t';
    const err = thrown({
      AUTH_LDAP_ENABLED: '1',
      AUTH_LDAP_SERVER_URI: 'ldaps://ldap.example.com',
      AUTH_LDAP_BIND_DN: 'cn=x,dc=y',
      AUTH_LDAP_BIND_PASSWORD: pw,
      AUTH_LDAP_USER_DN_TEMPLATE: pw,
      AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: pw,
    });
    expect(err.problems).toHaveLength(2);
    expect(err.message).not.toContain('S3cr3t');
  });
});
