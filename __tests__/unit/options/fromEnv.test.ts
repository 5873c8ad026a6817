import { LdapConfigError } from '../../../lib/errors';
import { isLdapEnabled, optionsFromEnv, type OptionsIo } from '../../../lib/options';
import { DEFAULT_ATTRIBUTES, KNOWN_VARIABLES, roleVariable } from '../../../lib/options/fromEnv';
import { ROLES, type LdapOptions } from '../../../lib/types';

type Env = Record<string, string | undefined>;

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';

function fakeIo(files: Record<string, string> = {}): OptionsIo {
  return {
    readFile(path) {
      if (Object.prototype.hasOwnProperty.call(files, path)) return files[path];
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    },
    listDir(path) {
      throw Object.assign(new Error(`ENOENT: no such file or directory, scandir '${path}'`), { code: 'ENOENT' });
    },
  };
}

const TEMPLATE = 'uid=%(user)s,ou=Users,dc=example,dc=com';

/** Smallest valid configuration: template mode, ldaps, anonymous service bind. */
function base(extra: Env = {}): Env {
  return { AUTH_LDAP_ENABLED: '1', AUTH_LDAP_SERVER_URI: 'ldaps://ldap.example.com', AUTH_LDAP_USER_DN_TEMPLATE: TEMPLATE, ...extra };
}

/** Search mode instead of template mode. */
function searchBase(extra: Env = {}): Env {
  return base({ AUTH_LDAP_USER_DN_TEMPLATE: undefined, AUTH_LDAP_USER_SEARCH_BASES: 'ou=people,dc=example,dc=com', ...extra });
}

function parse(env: Env, io: OptionsIo = fakeIo()): LdapOptions {
  return optionsFromEnv(env, io);
}

/** The problems of the LdapConfigError thrown for env (fails when nothing is thrown). */
function problems(env: Env, io: OptionsIo = fakeIo()): string[] {
  try {
    optionsFromEnv(env, io);
  } catch (err) {
    expect(err).toBeInstanceOf(LdapConfigError);
    return (err as LdapConfigError).problems;
  }
  throw new Error('expected an LdapConfigError');
}

function expectOneProblem(env: Env, pattern: RegExp | string, io?: OptionsIo): string {
  const p = problems(env, io);
  expect(p).toHaveLength(1);
  if (typeof pattern === 'string') expect(p[0]).toBe(pattern);
  else expect(p[0]).toMatch(pattern);
  return p[0];
}

describe('defaults of the smallest configuration', () => {
  it('fills every field', () => {
    expect(parse(base())).toEqual({
      servers: [{ url: 'ldaps://ldap.example.com:636', secure: true, host: 'ldap.example.com', port: 636 }],
      bindDn: null,
      bindPassword: null,
      startTls: false,
      allowUsername: false,
      userDnTemplate: TEMPLATE,
      userSearchBases: [],
      userSearchFilter: '(mail=%(user)s)',
      organizationOwnerEmail: null,
      attributes: { firstName: 'givenName', lastName: 'sn', email: 'mail', username: 'uid' },
      queryField: 'email',
      group: { type: 'groupOfNames', nameAttribute: 'cn', searchBase: null, filter: '(objectClass=*)' },
      roles: { administrator: [], manager: [], reviewer: [], annotator: [], not_activated: [], deactivated: [] },
      workspaces: [],
      manual: { role: true, workspace: true, projectMember: true },
      tls: { rejectUnauthorized: true },
      networkTimeoutMs: 5000,
      operationTimeoutMs: 10000,
      warnings: [],
    });
  });

  it('does no file I/O without connection options', () => {
    const io: OptionsIo = {
      readFile: () => {
        throw new Error('no I/O expected');
      },
      listDir: () => {
        throw new Error('no I/O expected');
      },
    };
    expect(() => optionsFromEnv(base(), io)).not.toThrow();
  });
});

describe('AUTH_LDAP_ENABLED', () => {
  it.each(['1', 'true', 'TRUE', 'yes', 'Yes', 'on', 'ON', ' 1 ', '"1"', "'true'"])('%p enables', (v) => {
    expect(isLdapEnabled({ AUTH_LDAP_ENABLED: v })).toBe(true);
    expect(() => parse(base({ AUTH_LDAP_ENABLED: v }))).not.toThrow();
  });

  it.each([undefined, '', '0', 'false', 'no', 'off', '2', 'enabled', 'y'])('%p disables', (v) => {
    expect(isLdapEnabled({ AUTH_LDAP_ENABLED: v })).toBe(false);
    expectOneProblem(base({ AUTH_LDAP_ENABLED: v }), 'AUTH_LDAP_ENABLED is not set to 1 (LDAP login is disabled); set AUTH_LDAP_ENABLED=1 (1, true, yes or on) to use LDAP login, or check isLdapEnabled(process.env) before creating the strategy');
  });

  it('disabled is reported together with every other problem', () => {
    const p = problems({ AUTH_LDAP_ENABLED: '0', AUTH_LDAP_USER_DN_TEMPLATE: 'uid=x' });
    expect(p[0]).toBe('AUTH_LDAP_ENABLED is not set to 1 (LDAP login is disabled); set AUTH_LDAP_ENABLED=1 (1, true, yes or on) to use LDAP login, or check isLdapEnabled(process.env) before creating the strategy');
    expect(p.some((m) => m.startsWith('AUTH_LDAP_SERVER_URI:'))).toBe(true);
    expect(p.some((m) => m.startsWith('AUTH_LDAP_USER_DN_TEMPLATE:'))).toBe(true);
  });

  it('an empty environment is a configuration error, not a crash', () => {
    expect(() => optionsFromEnv({}, fakeIo())).toThrow(LdapConfigError);
  });
});

describe('AUTH_LDAP_SERVER_URI', () => {
  it('is required', () => {
    expectOneProblem(base({ AUTH_LDAP_SERVER_URI: undefined }), /^AUTH_LDAP_SERVER_URI: required; set it to ldaps:\/\//);
    expectOneProblem(base({ AUTH_LDAP_SERVER_URI: '""' }), /^AUTH_LDAP_SERVER_URI: required/);
  });

  it('takes several URIs in order, with default ports', () => {
    const o = parse(base({ AUTH_LDAP_SERVER_URI: ' ldaps://dc1.corp.example.com, ldaps://dc2.corp.example.com:3269\nldaps://[::1] ' }));
    expect(o.servers.map((s) => s.url)).toEqual([
      'ldaps://dc1.corp.example.com:636',
      'ldaps://dc2.corp.example.com:3269',
      'ldaps://[::1]:636',
    ]);
    expect(o.servers[2]).toEqual({ url: 'ldaps://[::1]:636', secure: true, host: '::1', port: 636 });
  });

  it('reports every bad URI, each naming the variable', () => {
    const p = problems(base({ AUTH_LDAP_SERVER_URI: 'ldap.example.com http://x ldaps://ok' }));
    expect(p).toHaveLength(2);
    for (const m of p) expect(m.startsWith('AUTH_LDAP_SERVER_URI: ')).toBe(true);
  });

  it('warns when passwords would cross the network in clear text', () => {
    const o = parse(base({ AUTH_LDAP_SERVER_URI: 'ldap://ldap.example.com' }));
    expect(o.warnings).toEqual([
      'AUTH_LDAP_SERVER_URI: ldap://ldap.example.com:389 is not encrypted and AUTH_LDAP_START_TLS is off, so passwords cross the network in clear text; use ldaps:// or AUTH_LDAP_START_TLS=1',
    ]);
  });
});

describe('AUTH_LDAP_BIND_DN / AUTH_LDAP_BIND_PASSWORD', () => {
  const DN = 'cn=reader,ou=services,dc=example,dc=com';

  it('both empty: anonymous service bind', () => {
    const o = parse(base({ AUTH_LDAP_BIND_DN: '', AUTH_LDAP_BIND_PASSWORD: '' }));
    expect(o.bindDn).toBeNull();
    expect(o.bindPassword).toBeNull();
  });

  it('both set', () => {
    const o = parse(base({ AUTH_LDAP_BIND_DN: ` "${DN}" `, AUTH_LDAP_BIND_PASSWORD: 'pa ss;word' }));
    expect(o.bindDn).toBe(DN);
    expect(o.bindPassword).toBe('pa ss;word');
  });

  it('the password keeps spaces inside quotes and loses them outside', () => {
    expect(parse(base({ AUTH_LDAP_BIND_DN: DN, AUTH_LDAP_BIND_PASSWORD: '" pw "' })).bindPassword).toBe(' pw ');
    expect(parse(base({ AUTH_LDAP_BIND_DN: DN, AUTH_LDAP_BIND_PASSWORD: '  pw  ' })).bindPassword).toBe('pw');
    expect(parse(base({ AUTH_LDAP_BIND_DN: DN, AUTH_LDAP_BIND_PASSWORD: "'pw'" })).bindPassword).toBe('pw');
  });

  it('a DN with an empty password is an error naming both', () => {
    for (const pw of [undefined, '', '  ', '""']) {
      const m = expectOneProblem(base({ AUTH_LDAP_BIND_DN: DN, AUTH_LDAP_BIND_PASSWORD: pw }), /^AUTH_LDAP_BIND_PASSWORD: empty while AUTH_LDAP_BIND_DN is set/);
      expect(m).toMatch(/unauthenticated bind/);
    }
  });

  it('a password without a DN is an error naming both', () => {
    const m = expectOneProblem(base({ AUTH_LDAP_BIND_PASSWORD: 'S3cr3t-PW!' }), /^AUTH_LDAP_BIND_DN: empty while AUTH_LDAP_BIND_PASSWORD is set/);
    expect(m).not.toContain('S3cr3t-PW!');
  });

  it('the DN must parse', () => {
    expectOneProblem(
      base({ AUTH_LDAP_BIND_DN: 'reader at example', AUTH_LDAP_BIND_PASSWORD: 'x' }),
      /^AUTH_LDAP_BIND_DN: "reader at example" is not a valid DN \(.+\); give the service account's full DN/,
    );
    expectOneProblem(base({ AUTH_LDAP_BIND_DN: 'cn=a@b,', AUTH_LDAP_BIND_PASSWORD: 'x' }), /^AUTH_LDAP_BIND_DN: /);
    expectOneProblem(base({ AUTH_LDAP_BIND_DN: 'a@b@c', AUTH_LDAP_BIND_PASSWORD: 'x' }), /^AUTH_LDAP_BIND_DN: /);
  });

  it('Active Directory bind names (UPN, CORP\\user) pass through unchanged', () => {
    for (const name of ['svc@corp.example.test', 'CORP\\svc']) {
      expect(parse(base({ AUTH_LDAP_BIND_DN: name, AUTH_LDAP_BIND_PASSWORD: 'x' })).bindDn).toBe(name);
    }
  });

  it('both wrong at once: invalid DN and missing password', () => {
    const p = problems(base({ AUTH_LDAP_BIND_DN: 'not-a-dn' }));
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/^AUTH_LDAP_BIND_DN: /);
    expect(p[1]).toMatch(/^AUTH_LDAP_BIND_PASSWORD: /);
  });
});

describe('AUTH_LDAP_START_TLS (ext)', () => {
  it('is off by default', () => {
    expect(parse(base()).startTls).toBe(false);
  });

  it.each(['1', 'true', 'yes', 'on', 'On'])('%p turns it on for ldap:// without the clear-text warning', (v) => {
    const o = parse(base({ AUTH_LDAP_SERVER_URI: 'ldap://ldap.example.com', AUTH_LDAP_START_TLS: v }));
    expect(o.startTls).toBe(true);
    expect(o.warnings).toEqual([]);
  });

  it.each(['0', 'false', 'no', 'off'])('%p keeps it off', (v) => {
    expect(parse(base({ AUTH_LDAP_START_TLS: v })).startTls).toBe(false);
  });

  it('is an error with any ldaps:// URI', () => {
    expectOneProblem(
      base({ AUTH_LDAP_SERVER_URI: 'ldap://a.example.com ldaps://b.example.com', AUTH_LDAP_START_TLS: '1' }),
      /^AUTH_LDAP_START_TLS: cannot be combined with ldaps:\/\/ \(ldaps:\/\/b\.example\.com:636 is already TLS\)/,
    );
  });

  it('an unknown word is an error', () => {
    expectOneProblem(base({ AUTH_LDAP_START_TLS: 'maybe' }), 'AUTH_LDAP_START_TLS: "maybe" is not a yes/no value; use 1/true/yes/on or 0/false/no/off');
  });
});

describe('USE_USERNAME_FOR_LOGIN', () => {
  it('is off by default', () => {
    expect(parse(base()).allowUsername).toBe(false);
  });
  it.each(['1', 'true', 'yes', 'on', 'TRUE'])('%p allows usernames', (v) => {
    expect(parse(base({ USE_USERNAME_FOR_LOGIN: v })).allowUsername).toBe(true);
  });
  it.each(['0', 'false', 'no', 'off', ''])('%p does not', (v) => {
    expect(parse(base({ USE_USERNAME_FOR_LOGIN: v })).allowUsername).toBe(false);
  });
  it('an unknown word is an error', () => {
    expectOneProblem(base({ USE_USERNAME_FOR_LOGIN: 'sometimes' }), /^USE_USERNAME_FOR_LOGIN: "sometimes" is not a yes\/no value/);
  });
});

describe('AUTH_LDAP_USER_DN_TEMPLATE', () => {
  it.each([
    TEMPLATE,
    'cn=%(user)s,ou=People,dc=example,dc=com',
    'uid=%(user)s+ou=x,dc=example,dc=com',
    'uid=%(user)s',
    'cn=user-%(user)s-x,dc=example,dc=com',
  ])('accepts %s', (t) => {
    expect(parse(base({ AUTH_LDAP_USER_DN_TEMPLATE: t })).userDnTemplate).toBe(t);
  });

  it('strips quotes the way the guide writes values', () => {
    expect(parse(base({ AUTH_LDAP_USER_DN_TEMPLATE: `"${TEMPLATE}"` })).userDnTemplate).toBe(TEMPLATE);
  });

  it('must contain %(user)s exactly once', () => {
    expectOneProblem(
      base({ AUTH_LDAP_USER_DN_TEMPLATE: 'uid=user,ou=Users,dc=example,dc=com' }),
      /^AUTH_LDAP_USER_DN_TEMPLATE: must contain %\(user\)s exactly once \(found 0\); write it like uid=%\(user\)s,ou=Users/,
    );
    expectOneProblem(base({ AUTH_LDAP_USER_DN_TEMPLATE: 'uid=%(user)s,cn=%(user)s,dc=x' }), /exactly once \(found 2\)/);
    expectOneProblem(base({ AUTH_LDAP_USER_DN_TEMPLATE: 'uid={user},dc=x' }), /found 0/);
    expectOneProblem(base({ AUTH_LDAP_USER_DN_TEMPLATE: 'uid=%(user),dc=x' }), /found 0/);
  });

  it('must give a DN once filled', () => {
    expectOneProblem(
      base({ AUTH_LDAP_USER_DN_TEMPLATE: '%(user)s,ou=Users,dc=example,dc=com' }),
      /^AUTH_LDAP_USER_DN_TEMPLATE: does not give a valid DN once %\(user\)s is filled in \(.+\); write it like/,
    );
    expectOneProblem(base({ AUTH_LDAP_USER_DN_TEMPLATE: 'uid=%(user)s,,dc=x' }), /does not give a valid DN/);
  });

  it('suggests search mode for Active Directory UPN templates', () => {
    const m = expectOneProblem(base({ AUTH_LDAP_USER_DN_TEMPLATE: '%(user)s@corp.example.com' }), /does not give a valid DN/);
    expect(m).toContain('AUTH_LDAP_USER_SEARCH_FILTER=(userPrincipalName=%(user)s)');
  });

  it('warns that search bases are ignored next to a template', () => {
    const o = parse(base({ AUTH_LDAP_USER_SEARCH_BASES: 'ou=people,dc=example,dc=com' }));
    expect(o.userDnTemplate).toBe(TEMPLATE);
    expect(o.warnings).toEqual([
      'AUTH_LDAP_USER_SEARCH_BASES is ignored because AUTH_LDAP_USER_DN_TEMPLATE is set (direct bind); empty the template to search instead',
    ]);
  });
});

describe('AUTH_LDAP_USER_SEARCH_BASES (search mode)', () => {
  it.each([undefined, '', '""', "''", '  '])('template %p selects search mode', (t) => {
    const o = parse(searchBase({ AUTH_LDAP_USER_DN_TEMPLATE: t }));
    expect(o.userDnTemplate).toBeNull();
    expect(o.userSearchBases).toEqual(['ou=people,dc=example,dc=com']);
  });

  it('splits on ; and ignores blanks and quotes', () => {
    const o = parse(searchBase({ AUTH_LDAP_USER_SEARCH_BASES: '"ou=guests,dc=domain,dc=com; ;ou=owners,dc=domain,dc=com;"' }));
    expect(o.userSearchBases).toEqual(['ou=guests,dc=domain,dc=com', 'ou=owners,dc=domain,dc=com']);
  });

  it('is required without a template', () => {
    for (const v of [undefined, '', ' ; ; ', '""']) {
      expectOneProblem(
        searchBase({ AUTH_LDAP_USER_SEARCH_BASES: v }),
        /^AUTH_LDAP_USER_SEARCH_BASES: required when AUTH_LDAP_USER_DN_TEMPLATE is empty \(search mode\)/,
      );
    }
  });

  it('names every base that does not parse', () => {
    const p = problems(searchBase({ AUTH_LDAP_USER_SEARCH_BASES: 'ou=ok,dc=x;people;ou=a,,dc=b' }));
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/^AUTH_LDAP_USER_SEARCH_BASES: "people" is not a valid DN \(.+\)$/);
    expect(p[1]).toMatch(/^AUTH_LDAP_USER_SEARCH_BASES: "ou=a,,dc=b" is not a valid DN/);
  });

  it('keeps a base with an escaped ;', () => {
    expect(parse(searchBase({ AUTH_LDAP_USER_SEARCH_BASES: 'ou=a\\;b,dc=x;ou=c,dc=x' })).userSearchBases).toEqual([
      'ou=a\\;b,dc=x',
      'ou=c,dc=x',
    ]);
  });

  it('invalid bases in template mode are still reported', () => {
    expectOneProblem(base({ AUTH_LDAP_USER_SEARCH_BASES: 'nonsense' }), /^AUTH_LDAP_USER_SEARCH_BASES: "nonsense" is not a valid DN/);
  });
});

describe('AUTH_LDAP_USER_SEARCH_FILTER (ext)', () => {
  it('defaults to the email attribute', () => {
    expect(parse(searchBase()).userSearchFilter).toBe('(mail=%(user)s)');
  });

  it('defaults to username or email when usernames are allowed', () => {
    expect(parse(searchBase({ USE_USERNAME_FOR_LOGIN: '1' })).userSearchFilter).toBe('(|(uid=%(user)s)(mail=%(user)s))');
  });

  it('the default follows the mapped attributes', () => {
    const env = searchBase({
      USE_USERNAME_FOR_LOGIN: '1',
      AUTH_LDAP_USER_ATTR_MAP_USERNAME: 'sAMAccountName',
      AUTH_LDAP_USER_ATTR_MAP_EMAIL: 'userPrincipalName',
    });
    expect(parse(env).userSearchFilter).toBe('(|(sAMAccountName=%(user)s)(userPrincipalName=%(user)s))');
    expect(parse({ ...env, USE_USERNAME_FOR_LOGIN: '0' }).userSearchFilter).toBe('(userPrincipalName=%(user)s)');
  });

  it('one clause when the username and email attributes are the same', () => {
    const env = searchBase({ USE_USERNAME_FOR_LOGIN: '1', AUTH_LDAP_USER_ATTR_MAP_USERNAME: 'MAIL' });
    expect(parse(env).userSearchFilter).toBe('(mail=%(user)s)');
  });

  it('takes a filter and wraps a bare item in parentheses', () => {
    expect(parse(searchBase({ AUTH_LDAP_USER_SEARCH_FILTER: '(&(objectClass=person)(sAMAccountName=%(user)s))' })).userSearchFilter).toBe(
      '(&(objectClass=person)(sAMAccountName=%(user)s))',
    );
    expect(parse(searchBase({ AUTH_LDAP_USER_SEARCH_FILTER: ' "uid=%(user)s" ' })).userSearchFilter).toBe('(uid=%(user)s)');
  });

  it('must parse', () => {
    expectOneProblem(
      searchBase({ AUTH_LDAP_USER_SEARCH_FILTER: '(&(uid=%(user)s)' }),
      /^AUTH_LDAP_USER_SEARCH_FILTER: "\(&\(uid=%\(user\)s\)" is not a valid LDAP filter \(.+\)$/,
    );
  });

  it('must contain %(user)s', () => {
    expectOneProblem(
      searchBase({ AUTH_LDAP_USER_SEARCH_FILTER: '(objectClass=person)' }),
      'AUTH_LDAP_USER_SEARCH_FILTER: must contain %(user)s where the login name goes, like (sAMAccountName=%(user)s)',
    );
  });
});

describe('AUTH_LDAP_ORGANIZATION_OWNER_EMAIL', () => {
  it('is optional', () => {
    expect(parse(base()).organizationOwnerEmail).toBeNull();
  });
  it('is kept as written', () => {
    expect(parse(base({ AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: ' Heartex@Heartex.net ' })).organizationOwnerEmail).toBe('Heartex@Heartex.net');
  });
  it.each(['heartex', 'a b@c.d', '@example.com', 'owner@'])('%p is not an email', (v) => {
    expectOneProblem(base({ AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: v }), /^AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: ".*" is not an email address/);
  });
});

describe('AUTH_LDAP_USER_ATTR_MAP_*', () => {
  it('defaults to givenName / sn / mail / uid', () => {
    expect(parse(base()).attributes).toEqual(DEFAULT_ATTRIBUTES);
  });

  it('takes each mapping', () => {
    const o = parse(
      base({
        AUTH_LDAP_USER_ATTR_MAP_FIRST_NAME: 'firstName',
        AUTH_LDAP_USER_ATTR_MAP_LAST_NAME: 'lastName',
        AUTH_LDAP_USER_ATTR_MAP_EMAIL: 'mail',
        AUTH_LDAP_USER_ATTR_MAP_USERNAME: 'sAMAccountName',
      }),
    );
    expect(o.attributes).toEqual({ firstName: 'firstName', lastName: 'lastName', email: 'mail', username: 'sAMAccountName' });
  });

  it.each([
    ['AUTH_LDAP_USER_ATTR_MAP_FIRST_NAME', 'first name'],
    ['AUTH_LDAP_USER_ATTR_MAP_LAST_NAME', 'sn!'],
    ['AUTH_LDAP_USER_ATTR_MAP_EMAIL', '(mail)'],
    ['AUTH_LDAP_USER_ATTR_MAP_USERNAME', '1uid'],
  ])('%s=%s is an error', (name, value) => {
    const p = problems(searchBase({ [name]: value, USE_USERNAME_FOR_LOGIN: '1' }));
    // Only the attribute is reported, not the default filter built from it.
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(new RegExp(`^${name}: ".*" is not an LDAP attribute name`));
  });
});

describe('AUTH_LDAP_USER_QUERY_FIELD', () => {
  it('defaults to email', () => {
    expect(parse(base()).queryField).toBe('email');
  });
  it.each([
    ['email', 'email'],
    ['EMAIL', 'email'],
    ['username', 'username'],
    ['UserName', 'username'],
    ["'username'", 'username'],
  ])('%p -> %p', (v, f) => {
    expect(parse(base({ AUTH_LDAP_USER_QUERY_FIELD: v })).queryField).toBe(f);
  });
  it.each(['mail', 'uid', 'email|username'])('%p is an error', (v) => {
    expectOneProblem(base({ AUTH_LDAP_USER_QUERY_FIELD: v }), `AUTH_LDAP_USER_QUERY_FIELD: ${JSON.stringify(v)} is not valid; use email or username`);
  });
});

describe('AUTH_LDAP_GROUP_TYPE', () => {
  it.each([
    ['groupOfNames', 'groupOfNames', 'cn'],
    ['GROUPOFUNIQUENAMES', 'groupOfUniqueNames', 'cn'],
    ['PosixGroupType', 'posixGroup', 'cn'],
    ['posix', 'posixGroup', 'cn'],
    ['nestedActiveDirectory', 'nestedActiveDirectory', 'cn'],
    ['ou', 'groupOfNames', 'ou'],
    ['name', 'groupOfNames', 'name'],
  ])('%s', (v, type, nameAttribute) => {
    const g = parse(base({ AUTH_LDAP_GROUP_TYPE: v })).group;
    expect(g.type).toBe(type);
    expect(g.nameAttribute).toBe(nameAttribute);
  });

  it.each(['group of names', 'foo!', 'MemberDNGroupType'])('%p is an error listing the accepted values', (v) => {
    const m = expectOneProblem(base({ AUTH_LDAP_GROUP_TYPE: v }), /^AUTH_LDAP_GROUP_TYPE: unknown group type/);
    expect(m).toContain('nestedGroupOfNames');
    expect(m).toContain('memberOf');
  });
});

describe('AUTH_LDAP_GROUP_SEARCH_FILTER_STR', () => {
  it('defaults to (objectClass=*)', () => {
    expect(parse(base()).group.filter).toBe('(objectClass=*)');
  });
  it('is normalised', () => {
    expect(parse(base({ AUTH_LDAP_GROUP_SEARCH_FILTER_STR: '(objectClass=groupOfNames)' })).group.filter).toBe('(objectClass=groupOfNames)');
    expect(parse(base({ AUTH_LDAP_GROUP_SEARCH_FILTER_STR: ' objectClass=group ' })).group.filter).toBe('(objectClass=group)');
    expect(parse(base({ AUTH_LDAP_GROUP_SEARCH_FILTER_STR: '"(|(objectClass=group)(objectClass=groupOfNames))"' })).group.filter).toBe(
      '(|(objectClass=group)(objectClass=groupOfNames))',
    );
  });
  it('must parse', () => {
    expectOneProblem(
      base({ AUTH_LDAP_GROUP_SEARCH_FILTER_STR: '(objectClass=group' }),
      /^AUTH_LDAP_GROUP_SEARCH_FILTER_STR: "\(objectClass=group" is not a valid LDAP filter \(.+\)$/,
    );
  });
  it('must not contain %(user)s', () => {
    expectOneProblem(base({ AUTH_LDAP_GROUP_SEARCH_FILTER_STR: '(member=%(user)s)' }), /^AUTH_LDAP_GROUP_SEARCH_FILTER_STR: must not contain %\(user\)s/);
  });
});

describe('AUTH_LDAP_GROUP_SEARCH_BASE_DN', () => {
  const GROUPS = 'ou=groups,dc=example,dc=com';
  const ADMINS = 'cn=admins,ou=groups,dc=example,dc=com';

  it('is optional without mappings and kept when set', () => {
    expect(parse(base()).group.searchBase).toBeNull();
    expect(parse(base({ AUTH_LDAP_GROUP_SEARCH_BASE_DN: GROUPS })).group.searchBase).toBe(GROUPS);
  });

  it('is required when a role mapping exists', () => {
    expectOneProblem(
      base({ AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: ADMINS }),
      /^AUTH_LDAP_GROUP_SEARCH_BASE_DN: required because role or workspace mappings are set and AUTH_LDAP_GROUP_TYPE=groupOfNames finds groups by searching/,
    );
  });

  it('is required when a workspace mapping exists', () => {
    expectOneProblem(base({ AUTH_LDAP_ORGANIZATION_WORKSPACES: `{"W":"${ADMINS}"}` }), /^AUTH_LDAP_GROUP_SEARCH_BASE_DN: required/);
  });

  it('is not needed for memberOf, and ignored there', () => {
    const env = base({ AUTH_LDAP_GROUP_TYPE: 'memberOf', AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: ADMINS });
    expect(parse(env).group).toEqual({ type: 'memberOf', nameAttribute: 'cn', searchBase: null, filter: '(objectClass=*)' });
    expect(parse({ ...env, AUTH_LDAP_GROUP_SEARCH_BASE_DN: GROUPS }).group.searchBase).toBeNull();
  });

  it('must parse', () => {
    expectOneProblem(base({ AUTH_LDAP_GROUP_SEARCH_BASE_DN: 'groups' }), /^AUTH_LDAP_GROUP_SEARCH_BASE_DN: "groups" is not a valid DN/);
  });
});

describe('role mappings', () => {
  const G = (cn: string) => `cn=${cn},ou=users,o=123abc,dc=example,dc=com`;

  it.each(ROLES.map((r) => [r, roleVariable(r)]))('%s is read from %s', (role, variable) => {
    const o = parse(base({ AUTH_LDAP_GROUP_SEARCH_BASE_DN: 'dc=example,dc=com', [variable]: `${G('a')} ;; ${G('b')};` }));
    expect(o.roles[role]).toEqual([G('a'), G('b')]);
    for (const other of ROLES) if (other !== role) expect(o.roles[other]).toEqual([]);
  });

  it('variable names are the guide’s', () => {
    expect(ROLES.map(roleVariable)).toEqual([
      'AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR',
      'AUTH_LDAP_ORGANIZATION_ROLE_MANAGER',
      'AUTH_LDAP_ORGANIZATION_ROLE_REVIEWER',
      'AUTH_LDAP_ORGANIZATION_ROLE_ANNOTATOR',
      'AUTH_LDAP_ORGANIZATION_ROLE_NOT_ACTIVATED',
      'AUTH_LDAP_ORGANIZATION_ROLE_DEACTIVATED',
    ]);
  });

  it('every DN must parse; the error names the variable and the DN', () => {
    const p = problems(
      base({
        AUTH_LDAP_GROUP_SEARCH_BASE_DN: 'dc=example,dc=com',
        AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: `${G('m')};managers`,
        AUTH_LDAP_ORGANIZATION_ROLE_REVIEWER: 'cn=r,,dc=x',
      }),
    );
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/^AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: "managers" is not a valid DN \(.+\)$/);
    expect(p[1]).toMatch(/^AUTH_LDAP_ORGANIZATION_ROLE_REVIEWER: "cn=r,,dc=x" is not a valid DN/);
  });
});

describe('AUTH_LDAP_ORGANIZATION_WORKSPACES', () => {
  const env = (ws: string) => base({ AUTH_LDAP_GROUP_SEARCH_BASE_DN: 'dc=example,dc=com', AUTH_LDAP_ORGANIZATION_WORKSPACES: ws });

  it('defaults to none', () => {
    expect(parse(base()).workspaces).toEqual([]);
  });

  it('parses the JSON with single quotes around it, as the guide writes it', () => {
    expect(parse(env(`'{"B":"cn=b,dc=x;cn=c,dc=x","A":"cn=a,dc=x"}'`)).workspaces).toEqual([
      { title: 'B', groups: ['cn=b,dc=x', 'cn=c,dc=x'] },
      { title: 'A', groups: ['cn=a,dc=x'] },
    ]);
  });

  it('errors name the variable and say what is wrong', () => {
    expectOneProblem(env('{"Workspace 1": cn=x}'), /^AUTH_LDAP_ORGANIZATION_WORKSPACES: not valid JSON \(.*Unexpected token/);
    expectOneProblem(env('{"Workspace 1": 1}'), 'AUTH_LDAP_ORGANIZATION_WORKSPACES: value for "Workspace 1" must be a string of ;-separated group DNs, got a number');
    expectOneProblem(env('["cn=x,dc=y"]'), /^AUTH_LDAP_ORGANIZATION_WORKSPACES: must be a JSON object/);
    expectOneProblem(env('{"W":"bad"}'), /^AUTH_LDAP_ORGANIZATION_WORKSPACES: group "bad" of workspace "W" is not a valid DN/);
  });
});

describe('MANUAL_*_MANAGEMENT', () => {
  const VARS = {
    role: 'MANUAL_ROLE_MANAGEMENT',
    workspace: 'MANUAL_WORKSPACE_MANAGEMENT',
    projectMember: 'MANUAL_PROJECT_MEMBER_MANAGEMENT',
  } as const;

  it('defaults to manual', () => {
    expect(parse(base()).manual).toEqual({ role: true, workspace: true, projectMember: true });
  });

  it.each(Object.entries(VARS))('%s is read from %s', (field, variable) => {
    for (const v of ['0', 'false', 'No', 'OFF', '"0"']) {
      const m = parse(base({ [variable]: v })).manual;
      expect(m[field as keyof typeof m]).toBe(false);
      for (const other of Object.keys(VARS)) if (other !== field) expect(m[other as keyof typeof m]).toBe(true);
    }
    for (const v of ['1', 'true', 'yes', 'on', '']) {
      expect(parse(base({ [variable]: v })).manual[field as keyof LdapOptions['manual']]).toBe(true);
    }
    expectOneProblem(base({ [variable]: 'ldap' }), new RegExp(`^${variable}: "ldap" is not a yes/no value`));
  });

  it("the guide's LDAP-only block", () => {
    const m = parse(base({ MANUAL_PROJECT_MEMBER_MANAGEMENT: '0', MANUAL_WORKSPACE_MANAGEMENT: '0', MANUAL_ROLE_MANAGEMENT: '0' })).manual;
    expect(m).toEqual({ role: false, workspace: false, projectMember: false });
  });
});

describe('AUTH_LDAP_CONNECTION_OPTIONS', () => {
  it('reads the CA file through the io given', () => {
    const o = parse(
      base({ AUTH_LDAP_CONNECTION_OPTIONS: '"OPT_X_TLS_CACERTFILE=/path/to/cert.crt;OPT_X_TLS_NEWCTX=0"' }),
      fakeIo({ '/path/to/cert.crt': CERT }),
    );
    expect(o.tls).toEqual({ rejectUnauthorized: true, ca: [CERT] });
  });

  it('timeouts and TLS settings reach the options', () => {
    const o = parse(
      base({ AUTH_LDAP_CONNECTION_OPTIONS: 'OPT_NETWORK_TIMEOUT=2;OPT_TIMEOUT=7.5;OPT_X_TLS_PROTOCOL_MIN=TLSv1.2;OPT_X_TLS_CIPHER_SUITE=HIGH' }),
    );
    expect(o.networkTimeoutMs).toBe(2000);
    expect(o.operationTimeoutMs).toBe(7500);
    expect(o.tls).toEqual({ rejectUnauthorized: true, minVersion: 'TLSv1.2', ciphers: 'HIGH' });
  });

  it('REQUIRE_CERT=never turns verification off and adds a warning', () => {
    const o = parse(base({ AUTH_LDAP_CONNECTION_OPTIONS: 'OPT_X_TLS_REQUIRE_CERT=OPT_X_TLS_NEVER' }));
    expect(o.tls.rejectUnauthorized).toBe(false);
    expect(o.warnings).toHaveLength(1);
    expect(o.warnings[0]).toMatch(/^TLS certificate verification is OFF \(OPT_X_TLS_REQUIRE_CERT=never\): /);
  });

  it('problems are reported with the others', () => {
    const p = problems(base({ AUTH_LDAP_CONNECTION_OPTIONS: 'OPT_BOGUS=1', AUTH_LDAP_USER_QUERY_FIELD: 'x' }));
    expect(p).toHaveLength(2);
    expect(p[0]).toMatch(/^AUTH_LDAP_USER_QUERY_FIELD: /);
    expect(p[1]).toMatch(/^AUTH_LDAP_CONNECTION_OPTIONS: unknown option "OPT_BOGUS"/);
  });
});

describe('unknown AUTH_LDAP_* variables', () => {
  it('warn, suggesting the closest known name', () => {
    const o = parse(base({ AUTH_LDAP_USER_ON_TEMPLATE: 'x', AUTH_LDAP_CACHE_TIMEOUT: '3600', OTHER_THING: '1' }));
    expect(o.warnings).toEqual([
      'AUTH_LDAP_CACHE_TIMEOUT is set but not used by this strategy',
      'AUTH_LDAP_USER_ON_TEMPLATE is set but not used by this strategy; did you mean AUTH_LDAP_USER_DN_TEMPLATE?',
    ]);
  });

  it('every variable this module reads is known', () => {
    expect(KNOWN_VARIABLES).toHaveLength(29);
    expect(new Set(KNOWN_VARIABLES).size).toBe(KNOWN_VARIABLES.length);
  });
});

describe('AUTH_LDAP_GROUP_SEARCH_BASE_DN with an unknown group type', () => {
  it('only the group type is reported', () => {
    expectOneProblem(
      base({ AUTH_LDAP_GROUP_TYPE: 'foo!', AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: 'cn=m,dc=x' }),
      /^AUTH_LDAP_GROUP_TYPE: unknown group type "foo!"/,
    );
  });
});

describe('AUTH_LDAP_GROUP_SEARCH_BASE_DN with only blank role values', () => {
  it('is not required', () => {
    expect(parse(base({ AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: ' ; ' })).roles.manager).toEqual([]);
  });
});
