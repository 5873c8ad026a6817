// The guide's own example environment files must be accepted as written, quotes included.
import { optionsFromEnv, type OptionsIo } from '../../../lib/options';

/** Parses `KEY=value` lines the way docker --env-file does: no quote removal, comments skipped. */
function envFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const eq = t.indexOf('=');
    env[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return env;
}

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const io: OptionsIo = {
  readFile: (path) => {
    if (path === '/path/to/cert.crt') return CERT;
    throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  },
  listDir: () => [],
};

const GUIDE_ENV = `
AUTH_LDAP_ENABLED=1

# Use ldaps to secure the LDAP connection
AUTH_LDAP_SERVER_URI=ldaps://ldap.example.com
# LDAP admin credentials    
AUTH_LDAP_BIND_DN=uid=user,ou=sysadmins,o=123abc,dc=zexample,dc=com
AUTH_LDAP_BIND_PASSWORD=password123

# Allow users to use usernames (not only emails) to log into Label Studio
USE_USERNAME_FOR_LOGIN=1

# Simple user search in LDAP groups
AUTH_LDAP_USER_DN_TEMPLATE=uid=%(user)s,ou=Users,o=123abc,dc=example,dc=com

# Specify organization to assign it to all users on the platform
# Warning: the user with this email must be registered before any LDAP users log in 
AUTH_LDAP_ORGANIZATION_OWNER_EMAIL=heartex@heartex.net

# Populate the user from the LDAP directory:
# firstName, lastName, mail, sAMAccountName are taken from your LDAP record 
AUTH_LDAP_USER_ATTR_MAP_FIRST_NAME=firstName
AUTH_LDAP_USER_ATTR_MAP_LAST_NAME=lastName
# Specify the field to use for AUTH_LDAP_USER_QUERY_FIELD as 'email'
AUTH_LDAP_USER_ATTR_MAP_EMAIL=mail
# Specify the field to use for AUTH_LDAP_USER_QUERY_FIELD as 'username' 
AUTH_LDAP_USER_ATTR_MAP_USERNAME=sAMAccountName

# Query the authenticating user in Label Studio, it can be [email|username]
AUTH_LDAP_USER_QUERY_FIELD=email

# Group parameters
AUTH_LDAP_GROUP_SEARCH_BASE_DN=ou=Users,o=group-id,dc=example,dc=com
AUTH_LDAP_GROUP_SEARCH_FILTER_STR=(objectClass=groupOfNames)
AUTH_LDAP_GROUP_TYPE=ou
`;

const SEARCH_MODE = `
# Leave this parameter empty
AUTH_LDAP_USER_DN_TEMPLATE=""
# Specify the groups that you want to be able to log in, separated by ';' 
AUTH_LDAP_USER_SEARCH_BASES="ou=guests,dc=domain,dc=com;ou=owners,dc=domain,dc=com"
`;

const ROLES = `
AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR=cn=admins,ou=users,o=123abc,dc=example,dc=com 
AUTH_LDAP_ORGANIZATION_ROLE_MANAGER=cn=managers,ou=users,o=123abc,dc=example,dc=com 
AUTH_LDAP_ORGANIZATION_ROLE_REVIEWER=cn=reviewers,ou=users,o=123abc,dc=example,dc=com
AUTH_LDAP_ORGANIZATION_ROLE_ANNOTATOR=cn=annotators,ou=users,o=123abc,dc=example,dc=com;cn=guests,ou=users,o=123abc,dc=example,dc=com
AUTH_LDAP_ORGANIZATION_ROLE_NOT_ACTIVATED=cn=not,ou=users,o=123abc,dc=example,dc=com 
AUTH_LDAP_ORGANIZATION_ROLE_DEACTIVATED=cn=deactivated,ou=users,o=123abc,dc=example,dc=com
`;

const WORKSPACES = `
AUTH_LDAP_ORGANIZATION_WORKSPACES='{"Workspace 1":"cn=team1,ou=users,o=60cbc901ec2e8e387a3b2d3e,dc=jumpcloud,dc=com","Workspace 2":"cn=team2,ou=users,o=60cbc901ec2e8e387a3b2d3e,dc=jumpcloud,dc=com"}'
`;

const LDAP_ONLY = `
MANUAL_PROJECT_MEMBER_MANAGEMENT=0
MANUAL_WORKSPACE_MANAGEMENT=0
MANUAL_ROLE_MANAGEMENT=0
`;

const TLS = `
AUTH_LDAP_CONNECTION_OPTIONS="OPT_X_TLS_CACERTFILE=/path/to/cert.crt;OPT_X_TLS_NEWCTX=0"
`;

describe("the guide's example environment", () => {
  it('template mode parses', () => {
    const o = optionsFromEnv(envFile(GUIDE_ENV), io);
    expect(o).toEqual({
      servers: [{ url: 'ldaps://ldap.example.com:636', secure: true, host: 'ldap.example.com', port: 636 }],
      bindDn: 'uid=user,ou=sysadmins,o=123abc,dc=zexample,dc=com',
      bindPassword: 'password123',
      startTls: false,
      allowUsername: true,
      userDnTemplate: 'uid=%(user)s,ou=Users,o=123abc,dc=example,dc=com',
      userSearchBases: [],
      userSearchFilter: '(|(sAMAccountName=%(user)s)(mail=%(user)s))',
      organizationOwnerEmail: 'heartex@heartex.net',
      attributes: { firstName: 'firstName', lastName: 'lastName', email: 'mail', username: 'sAMAccountName' },
      queryField: 'email',
      group: {
        type: 'groupOfNames',
        nameAttribute: 'ou',
        searchBase: 'ou=Users,o=group-id,dc=example,dc=com',
        filter: '(objectClass=groupOfNames)',
      },
      roles: { administrator: [], manager: [], reviewer: [], annotator: [], not_activated: [], deactivated: [] },
      workspaces: [],
      manual: { role: true, workspace: true, projectMember: true },
      tls: { rejectUnauthorized: true },
      networkTimeoutMs: 5000,
      operationTimeoutMs: 10000,
      warnings: [],
    });
  });

  it('search mode (template "" with quotes, quoted bases) parses', () => {
    const o = optionsFromEnv(envFile(GUIDE_ENV + SEARCH_MODE), io);
    expect(o.userDnTemplate).toBeNull();
    expect(o.userSearchBases).toEqual(['ou=guests,dc=domain,dc=com', 'ou=owners,dc=domain,dc=com']);
    expect(o.userSearchFilter).toBe('(|(sAMAccountName=%(user)s)(mail=%(user)s))');
    expect(o.warnings).toEqual([]);
  });

  it('with every section of the guide (roles, workspaces, LDAP-only, TLS) parses', () => {
    const o = optionsFromEnv(envFile(GUIDE_ENV + SEARCH_MODE + ROLES + WORKSPACES + LDAP_ONLY + TLS), io);
    expect(o.roles).toEqual({
      administrator: ['cn=admins,ou=users,o=123abc,dc=example,dc=com'],
      manager: ['cn=managers,ou=users,o=123abc,dc=example,dc=com'],
      reviewer: ['cn=reviewers,ou=users,o=123abc,dc=example,dc=com'],
      annotator: ['cn=annotators,ou=users,o=123abc,dc=example,dc=com', 'cn=guests,ou=users,o=123abc,dc=example,dc=com'],
      not_activated: ['cn=not,ou=users,o=123abc,dc=example,dc=com'],
      deactivated: ['cn=deactivated,ou=users,o=123abc,dc=example,dc=com'],
    });
    expect(o.workspaces).toEqual([
      { title: 'Workspace 1', groups: ['cn=team1,ou=users,o=60cbc901ec2e8e387a3b2d3e,dc=jumpcloud,dc=com'] },
      { title: 'Workspace 2', groups: ['cn=team2,ou=users,o=60cbc901ec2e8e387a3b2d3e,dc=jumpcloud,dc=com'] },
    ]);
    expect(o.manual).toEqual({ role: false, workspace: false, projectMember: false });
    expect(o.tls).toEqual({ rejectUnauthorized: true, ca: [CERT.trim()] });
    expect(o.warnings).toEqual([]);
  });

  it('also parses when a shell or compose file has already removed the quotes', () => {
    const env = envFile(GUIDE_ENV + SEARCH_MODE + WORKSPACES + TLS);
    for (const k of Object.keys(env)) env[k] = env[k].replace(/^(["'])(.*)\1$/, '$2');
    const o = optionsFromEnv(env, io);
    expect(o.userDnTemplate).toBeNull();
    expect(o.workspaces).toHaveLength(2);
    expect(o.tls.ca).toHaveLength(1);
  });
});
