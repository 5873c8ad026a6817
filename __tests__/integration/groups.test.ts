/**
 * Group membership, roles, workspaces and the user object (semantics.md sections 3, 5 and 6),
 * against a real slapd (with the memberof overlay), through LdapAuthenticator.authenticate.
 */
import { dnEquals, LdapAuthenticator, LdapInfrastructureError, optionsFromEnv } from '../../lib';
import type { AuthResult, LdapUser } from '../../lib';
import { captureLogger, ldapEnv, GROUP_BASE, PEOPLE_BASE, type EnvOverrides } from '../support/env';
import { describeWithSlapd, startSlapd, type SlapdServer } from '../support/slapd';

const G = GROUP_BASE;
const P = PEOPLE_BASE;
const ADMINS = `cn=admins,${G}`;
const MANAGERS = `cn=managers,${G}`;
const ANNOTATORS = `cn=annotators,${G}`;
const DEACTIVATED = `cn=deactivated,${G}`;
const TEAM1 = `cn=team1,${G}`;
const TEAM2 = `cn=team2,${G}`;
const UADMINS = `cn=uadmins,${G}`;
const POSIXERS = `cn=posixers,${G}`;
const REVIEWERS_ROLE = `cn=reviewers-role,${G}`;
const SPECIAL_CHARS = `cn=Special Chars,${G}`;
/** Added below as `cn=Research\, Dev`; slapd spells it with `\2C` (checked by a test). */
const RESEARCH_SERVER_SPELLING = `cn=Research\\2C Dev,${G}`;
const WEIRD = `cn=weird,${G}`;

/** Fixture users whose DNs need escaping, with their emails and passwords (base.ldif). */
const SPECIAL_USERS: Array<{ dn: string; mail: string; password: string }> = [
  { dn: `uid=star*user,${P}`, mail: 'star@example.test', password: 'star-pw' },
  { dn: `uid=paren(x),${P}`, mail: 'paren@example.test', password: 'paren-pw' },
  { dn: `uid=jones\\, bob,${P}`, mail: 'jones@example.test', password: 'jones-pw' },
  { dn: `uid=a\\+b\\=c,${P}`, mail: 'plus@example.test', password: 'plus-pw' },
  { dn: `uid=quote\\"q,${P}`, mail: 'quote@example.test', password: 'quote-pw' },
  { dn: `uid=\\#hash,${P}`, mail: 'hash@example.test', password: 'hash-pw' },
  { dn: `uid=back\\5cslash,${P}`, mail: 'backslash@example.test', password: 'back-pw' },
  { dn: `uid=zoë,${P}`, mail: 'zoe@example.test', password: 'zoe-pw' },
];

const EXTRA_LDIF = [
  `dn: cn=Research\\, Dev,${G}
objectClass: groupOfNames
cn: Research, Dev
member: uid=erin,${P}
`,
  [`dn: ${WEIRD}`, 'objectClass: groupOfNames', 'cn: weird', ...SPECIAL_USERS.map((u) => `member: ${u.dn}`), ''].join('\n'),
  `dn: uid=upper,${P}
objectClass: inetOrgPerson
uid: upper
cn: Upper Case
sn: Case
givenName: Upper
mail: Upper.Case@Example.TEST
userPassword: upper-pw
`,
];

const sorted = (xs: readonly string[]): string[] => [...xs].sort();

describeWithSlapd('groups, roles, workspaces and the user object against slapd', () => {
  let server: SlapdServer;
  const open: LdapAuthenticator[] = [];

  beforeAll(async () => {
    server = await startSlapd({ overlays: ['memberof'], ldif: EXTRA_LDIF });
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((a) => a.close()));
  });

  function authenticator(overrides: EnvOverrides = {}): LdapAuthenticator {
    const a = new LdapAuthenticator(optionsFromEnv(ldapEnv(server, overrides)), { logger: captureLogger().logger });
    open.push(a);
    return a;
  }

  function login(overrides: EnvOverrides, username: string, password: string): Promise<AuthResult> {
    return authenticator(overrides).authenticate(username, password);
  }

  async function user(overrides: EnvOverrides, username: string, password: string): Promise<LdapUser> {
    const r = await login(overrides, username, password);
    if (!r.ok) throw new Error(`expected ${username} to log in, got ${JSON.stringify(r)}`);
    return r.user;
  }

  async function groupsOf(overrides: EnvOverrides, username: string, password: string): Promise<string[]> {
    return sorted((await user(overrides, username, password)).groups);
  }

  /** Adds memberDn to groupDn (attribute `member`) for the duration of fn. */
  async function withMember<T>(groupDn: string, memberDn: string, fn: () => Promise<T>): Promise<T> {
    await server.ldapModify(`dn: ${groupDn}\nchangetype: modify\nadd: member\nmember: ${memberDn}\n`);
    try {
      return await fn();
    } finally {
      await server.ldapModify(`dn: ${groupDn}\nchangetype: modify\ndelete: member\nmember: ${memberDn}\n`);
    }
  }

  // ------------------------------------------------------------------ group types (section 3)

  describe('AUTH_LDAP_GROUP_TYPE', () => {
    test('groupOfNames (default): member=<user DN>, only groupOfNames groups', async () => {
      expect(await groupsOf({}, 'alice', 'alice-pw')).toEqual([ADMINS]);
      expect(await groupsOf({}, 'bob', 'bob-pw')).toEqual(sorted([ANNOTATORS, MANAGERS]));
      expect(await groupsOf({}, 'carol', 'carol-pw')).toEqual([ANNOTATORS]); // second base
      expect(await groupsOf({}, 'u03', 'pw-u03')).toEqual(sorted([ANNOTATORS, TEAM1]));
      expect(await groupsOf({ AUTH_LDAP_USER_QUERY_FIELD: 'username' }, 'nomail', 'nomail-pw')).toEqual([]);
    });

    test.each(['groupOfNames', 'GroupOfNamesType', 'groupofnames', 'GROUPOFNAMES'])(
      'spelling %s is groupOfNames',
      async (type) => {
        expect(await groupsOf({ AUTH_LDAP_GROUP_TYPE: type }, 'alice', 'alice-pw')).toEqual([ADMINS]);
        expect(await groupsOf({ AUTH_LDAP_GROUP_TYPE: type }, 'bob', 'bob-pw')).toEqual(sorted([ANNOTATORS, MANAGERS]));
      },
    );

    test('groupOfUniqueNames: uniqueMember=<user DN>; alice is in uadmins and maps to administrator', async () => {
      const env = { AUTH_LDAP_GROUP_TYPE: 'groupOfUniqueNames', AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: UADMINS };
      const alice = await user(env, 'alice', 'alice-pw');
      expect(alice.groups).toEqual([UADMINS]);
      expect(alice.role).toBe('administrator');
      const bob = await user(env, 'bob', 'bob-pw');
      expect(bob.groups).toEqual([]);
      expect(bob.role).toBeNull();
    });

    test.each(['posixGroup', 'posix', 'PosixGroupType'])(
      '%s: bob by memberUid, alice by her gidNumber 5001',
      async (type) => {
        const env = { AUTH_LDAP_GROUP_TYPE: type, AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: POSIXERS };
        const bob = await user(env, 'bob', 'bob-pw');
        expect(bob.groups).toEqual([POSIXERS]);
        expect(bob.role).toBe('manager');
        const alice = await user(env, 'alice', 'alice-pw');
        expect(alice.groups).toEqual([POSIXERS]);
        expect(alice.role).toBe('manager');
        expect(await groupsOf(env, 'carol', 'carol-pw')).toEqual([]);
      },
    );

    test('organizationalRole: roleOccupant=<user DN>; bob in reviewers-role is a reviewer', async () => {
      const env = { AUTH_LDAP_GROUP_TYPE: 'organizationalRole', AUTH_LDAP_ORGANIZATION_ROLE_REVIEWER: REVIEWERS_ROLE };
      const bob = await user(env, 'bob', 'bob-pw');
      expect(bob.groups).toEqual([REVIEWERS_ROLE]);
      expect(bob.role).toBe('reviewer');
      expect(await groupsOf(env, 'alice', 'alice-pw')).toEqual([]);
    });

    test.each(['cn', 'ou'])('bare attribute form AUTH_LDAP_GROUP_TYPE=%s works like groupOfNames', async (type) => {
      const env = {
        AUTH_LDAP_GROUP_TYPE: type,
        AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: ADMINS,
        AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: MANAGERS,
      };
      const alice = await user(env, 'alice', 'alice-pw');
      expect(alice.groups).toEqual([ADMINS]);
      expect(alice.role).toBe('administrator');
      const bob = await user(env, 'bob', 'bob-pw');
      expect(sorted(bob.groups)).toEqual(sorted([ANNOTATORS, MANAGERS]));
      expect(bob.role).toBe('manager');
    });

    test('memberOf (slapd memberof overlay): the entry\'s own memberOf values, no group search', async () => {
      const env = {
        AUTH_LDAP_GROUP_TYPE: 'memberOf',
        AUTH_LDAP_GROUP_SEARCH_BASE_DN: undefined, // not needed by memberOf
        AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: ADMINS,
        AUTH_LDAP_ORGANIZATION_ROLE_ANNOTATOR: ANNOTATORS,
      };
      server.clearAccessLog();
      const alice = await user(env, 'alice', 'alice-pw');
      expect(alice.groups).toEqual([ADMINS]);
      expect(alice.role).toBe('administrator');
      const erin = await user(env, 'erin', 'pässwörd-✓');
      expect(sorted(erin.groups)).toEqual(sorted([ANNOTATORS, RESEARCH_SERVER_SPELLING]));
      expect(erin.role).toBe('annotator');
      const log = await server.waitForAccessLog(/BIND dn="uid=erin,ou=people,dc=example,dc=test"/);
      expect(log).not.toMatch(/SRCH base="ou=groups,dc=example,dc=test"/i);
      // memberOf follows changes made after the fixture was loaded
      await withMember(ADMINS, `uid=bob,${P}`, async () => {
        expect(await groupsOf(env, 'bob', 'bob-pw')).toEqual(sorted([ADMINS, ANNOTATORS, MANAGERS]));
      });
      expect(await groupsOf(env, 'u01', 'pw-u01')).toEqual(sorted([ANNOTATORS, TEAM1]));
      // a user in no group has no memberOf at all
      expect(await groupsOf({ ...env, AUTH_LDAP_USER_QUERY_FIELD: 'username' }, 'nomail', 'nomail-pw')).toEqual([]);
    });

    test('memberOf even with AUTH_LDAP_GROUP_SEARCH_BASE_DN set reads memberOf (no group search)', async () => {
      server.clearAccessLog();
      expect(await groupsOf({ AUTH_LDAP_GROUP_TYPE: 'memberOf' }, 'bob', 'bob-pw')).toEqual(sorted([ANNOTATORS, MANAGERS]));
      const log = await server.waitForAccessLog(/BIND dn="uid=bob,ou=people,dc=example,dc=test"/);
      expect(log).not.toMatch(/SRCH base="ou=groups,dc=example,dc=test"/i);
    });

    test('AUTH_LDAP_GROUP_SEARCH_FILTER_STR is ANDed into the group search', async () => {
      const uniqueOnly = { AUTH_LDAP_GROUP_SEARCH_FILTER_STR: '(objectClass=groupOfUniqueNames)' };
      // groupOfNames membership, but only groupOfUniqueNames entries count: nothing left
      expect(await groupsOf(uniqueOnly, 'alice', 'alice-pw')).toEqual([]);
      expect(await groupsOf(uniqueOnly, 'bob', 'bob-pw')).toEqual([]);
      expect(await groupsOf({ ...uniqueOnly, AUTH_LDAP_GROUP_TYPE: 'groupOfUniqueNames' }, 'alice', 'alice-pw')).toEqual([
        UADMINS,
      ]);
      expect(await groupsOf({ AUTH_LDAP_GROUP_SEARCH_FILTER_STR: '(cn=managers)' }, 'bob', 'bob-pw')).toEqual([MANAGERS]);
      expect(await groupsOf({ AUTH_LDAP_GROUP_SEARCH_FILTER_STR: '(objectClass=groupOfNames)' }, 'bob', 'bob-pw')).toEqual(
        sorted([ANNOTATORS, MANAGERS]),
      );
      server.clearAccessLog();
      await groupsOf({ AUTH_LDAP_GROUP_SEARCH_FILTER_STR: '(cn=managers)' }, 'bob', 'bob-pw');
      const log = await server.waitForAccessLog(/SRCH base="ou=groups,dc=example,dc=test".*filter=/i);
      expect(log).toMatch(/filter="\(&\(cn=managers\)\(member=uid=bob,ou=people,dc=example,dc=test\)\)"/i);
    });

    test("the guide's own shape: GROUP_TYPE=ou, FILTER_STR=(objectClass=groupOfNames), quoted JSON, trailing spaces", async () => {
      const env = {
        AUTH_LDAP_GROUP_SEARCH_FILTER_STR: '(objectClass=groupOfNames)',
        AUTH_LDAP_GROUP_TYPE: 'ou',
        AUTH_LDAP_USER_QUERY_FIELD: 'email',
        AUTH_LDAP_USER_DN_TEMPLATE: '""',
        AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: `${ADMINS} `,
        AUTH_LDAP_ORGANIZATION_ROLE_ANNOTATOR: `${ANNOTATORS};cn=guests,${G}`,
        AUTH_LDAP_ORGANIZATION_WORKSPACES: `'{"Workspace 1":"${TEAM1}","Workspace 2":"${TEAM2}"}'`,
        MANUAL_ROLE_MANAGEMENT: '0',
        MANUAL_WORKSPACE_MANAGEMENT: '0',
        MANUAL_PROJECT_MEMBER_MANAGEMENT: '0',
      };
      expect(await user(env, 'alice', 'alice-pw')).toMatchObject({ role: 'administrator', workspaces: [] });
      expect(await user(env, 'u01', 'pw-u01')).toMatchObject({ role: 'annotator', workspaces: ['Workspace 1'] });
      expect(await user(env, 'u02@example.test', 'pw-u02')).toMatchObject({ role: 'annotator', workspaces: ['Workspace 2'] });
      // in no mapped group, with LDAP-owned roles: deactivated
      expect(await login(env, 'dave', 'dave-pw')).toMatchObject({ ok: false, status: 403, code: 'ACCOUNT_DEACTIVATED' });
    });

    test.each(SPECIAL_USERS.map((u) => [u.dn, u] as const))(
      'membership filter escapes the user DN %s exactly once (groupOfNames and memberOf)',
      async (_dn, u) => {
        const found = await user({}, u.mail, u.password);
        // the server spells the DN its own way (`\2C`, `\2B`, ...); it is the same DN
        expect([found.dn, dnEquals(found.dn, u.dn)]).toEqual([found.dn, true]);
        expect(found.groups).toContain(WEIRD);
        const viaMemberOf = await user({ AUTH_LDAP_GROUP_TYPE: 'memberOf' }, u.mail, u.password);
        expect(viaMemberOf.groups).toContain(WEIRD);
      },
    );
  });

  // ------------------------------------------------------------------ roles (section 5)

  describe('roles', () => {
    const allRoles = {
      AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: ADMINS,
      AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: MANAGERS,
      AUTH_LDAP_ORGANIZATION_ROLE_ANNOTATOR: ANNOTATORS,
      AUTH_LDAP_ORGANIZATION_ROLE_DEACTIVATED: DEACTIVATED,
    };

    test('the highest mapped role wins', async () => {
      expect((await user(allRoles, 'alice', 'alice-pw')).role).toBe('administrator');
      expect((await user(allRoles, 'bob', 'bob-pw')).role).toBe('manager'); // managers + annotators
      expect((await user(allRoles, 'u05', 'pw-u05')).role).toBe('annotator');
      await withMember(ADMINS, `uid=u05,${P}`, async () => {
        const u05 = await user(allRoles, 'u05', 'pw-u05');
        expect(sorted(u05.groups)).toEqual(sorted([ADMINS, ANNOTATORS, `cn=team1,${G}`]));
        expect(u05.role).toBe('administrator');
      });
      // reviewer above annotator, not_activated lowest
      const env = {
        AUTH_LDAP_ORGANIZATION_ROLE_REVIEWER: MANAGERS,
        AUTH_LDAP_ORGANIZATION_ROLE_NOT_ACTIVATED: ANNOTATORS,
      };
      expect((await user(env, 'bob', 'bob-pw')).role).toBe('reviewer');
      expect((await user(env, 'carol', 'carol-pw')).role).toBe('not_activated');
      // several groups for one role, blanks between `;` ignored
      const multi = { AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: ` ${TEAM1} ;; ${TEAM2} ; ` };
      expect((await user(multi, 'u01', 'pw-u01')).role).toBe('manager');
      expect((await user(multi, 'u02', 'pw-u02')).role).toBe('manager');
    });

    test('deactivated wins over everything and is a 403 ACCOUNT_DEACTIVATED failure', async () => {
      const dave = await login(allRoles, 'dave', 'dave-pw');
      expect(dave).toMatchObject({ ok: false, status: 403, code: 'ACCOUNT_DEACTIVATED', message: expect.any(String) });
      // the failure may carry the resolved user (for provisioning); if so, it says deactivated
      const carried = (dave as { user?: LdapUser }).user;
      if (carried !== undefined) expect(carried).toMatchObject({ dn: `uid=dave,${P}`, role: 'deactivated', groups: [DEACTIVATED] });
      await withMember(ADMINS, `uid=dave,${P}`, async () => {
        const r = await login(allRoles, 'dave', 'dave-pw');
        expect(r).toMatchObject({ ok: false, status: 403, code: 'ACCOUNT_DEACTIVATED' });
      });
      await withMember(DEACTIVATED, `uid=alice,${P}`, async () => {
        const r = await login(allRoles, 'alice', 'alice-pw');
        expect(r).toMatchObject({ ok: false, status: 403, code: 'ACCOUNT_DEACTIVATED' });
      });
      // a wrong password for a deactivated user is still just invalid credentials
      expect(await login(allRoles, 'dave', 'not-dave-pw')).toMatchObject({ ok: false, status: 401 });
    });

    test('role DNs that differ from the directory in case, spaces and escaping still map', async () => {
      const spelled = { AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: 'CN=Admins, OU=Groups,DC=Example,DC=Test' };
      expect((await user(spelled, 'alice', 'alice-pw')).role).toBe('administrator');
      const spaced = { AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: 'cn = admins , ou = groups , dc = example , dc = test' };
      expect((await user(spaced, 'alice', 'alice-pw')).role).toBe('administrator');
      for (const dn of [
        `cn=Research\\, Dev,${G}`,
        `cn=Research\\2C Dev,${G}`,
        `CN=research\\2c dev, OU=Groups, DC=Example, DC=Test`,
        `cn=Research\\, Dev,ou=groups,dc=EXAMPLE,dc=test`,
      ]) {
        const env = { AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: dn };
        const erin = await user(env, 'erin', 'pässwörd-✓');
        expect([dn, erin.role]).toEqual([dn, 'manager']);
      }
      // a similar-looking but different DN does not map
      const other = { AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: `cn=Research Dev,${G}` };
      expect((await user(other, 'erin', 'pässwörd-✓')).role).toBeNull();
    });

    test('a group mapped to several roles gives the highest of them', async () => {
      const env = {
        AUTH_LDAP_ORGANIZATION_ROLE_ANNOTATOR: ANNOTATORS,
        AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: ANNOTATORS,
      };
      expect((await user(env, 'carol', 'carol-pw')).role).toBe('administrator');
      const deact = { ...env, AUTH_LDAP_ORGANIZATION_ROLE_DEACTIVATED: ANNOTATORS };
      expect(await login(deact, 'carol', 'carol-pw')).toMatchObject({ ok: false, status: 403, code: 'ACCOUNT_DEACTIVATED' });
    });

    test('MANUAL_ROLE_MANAGEMENT=0 with no matching group: deactivated (403); =1: role null', async () => {
      const mapping = { AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: ADMINS };
      const owned = await login({ ...mapping, MANUAL_ROLE_MANAGEMENT: '0' }, 'bob', 'bob-pw');
      expect(owned).toMatchObject({ ok: false, status: 403, code: 'ACCOUNT_DEACTIVATED' });
      expect((await user({ ...mapping, MANUAL_ROLE_MANAGEMENT: '0' }, 'alice', 'alice-pw')).role).toBe('administrator');
      const manual = await user({ ...mapping, MANUAL_ROLE_MANAGEMENT: '1' }, 'bob', 'bob-pw');
      expect(manual.role).toBeNull();
      expect((await user(mapping, 'bob', 'bob-pw')).role).toBeNull(); // default is manual
      // no role mapping at all: LDAP-owned roles leave the decision to the application
      expect((await user({ MANUAL_ROLE_MANAGEMENT: '0' }, 'bob', 'bob-pw')).role).toBeNull();
    });
  });

  // ------------------------------------------------------------------ workspaces

  describe('workspaces', () => {
    const ws = (obj: Record<string, string>): EnvOverrides => ({ AUTH_LDAP_ORGANIZATION_WORKSPACES: JSON.stringify(obj) });

    test('several groups per title; every matching title, in the order of the JSON object', async () => {
      const env = ws({ W1: `${TEAM1};${TEAM2}`, W2: ADMINS });
      expect((await user(env, 'u01', 'pw-u01')).workspaces).toEqual(['W1']);
      expect((await user(env, 'u02', 'pw-u02')).workspaces).toEqual(['W1']);
      expect((await user(env, 'alice', 'alice-pw')).workspaces).toEqual(['W2']);
      expect((await user(env, 'bob', 'bob-pw')).workspaces).toEqual([]);
      await withMember(ADMINS, `uid=u03,${P}`, async () => {
        expect((await user(env, 'u03', 'pw-u03')).workspaces).toEqual(['W1', 'W2']);
        const reversed = ws({ W2: ADMINS, W1: `${TEAM1};${TEAM2}` });
        expect((await user(reversed, 'u03', 'pw-u03')).workspaces).toEqual(['W2', 'W1']);
        // integer-like titles keep their written position (JSON.parse would move them first)
        const numeric = { AUTH_LDAP_ORGANIZATION_WORKSPACES: `{"Zeta":"${ADMINS}","2024":"${TEAM1}","Alpha":"${ANNOTATORS}"}` };
        expect((await user(numeric, 'u03', 'pw-u03')).workspaces).toEqual(['Zeta', '2024', 'Alpha']);
      });
    });

    test('a group listed under several titles puts the user in each', async () => {
      const env = ws({ A: TEAM1, B: `${ADMINS};${TEAM1}`, C: TEAM2 });
      expect((await user(env, 'u01', 'pw-u01')).workspaces).toEqual(['A', 'B']);
    });

    test('workspace group DNs compare by meaning too', async () => {
      const env = ws({ 'R&D': 'CN=Research\\, Dev, OU=Groups, DC=Example, DC=Test', Everyone: ANNOTATORS.toUpperCase() });
      expect((await user(env, 'erin', 'pässwörd-✓')).workspaces).toEqual(['R&D', 'Everyone']);
    });

    test('user.groups are the DNs exactly as the server spells them', async () => {
      const erin = await user({}, 'erin', 'pässwörd-✓');
      expect(sorted(erin.groups)).toEqual(sorted([ANNOTATORS, RESEARCH_SERVER_SPELLING]));
      const star = await user({}, 'star@example.test', 'star-pw');
      expect(sorted(star.groups)).toEqual(sorted([SPECIAL_CHARS, WEIRD]));
    });
  });

  // ------------------------------------------------------------------ user object (section 6)

  describe('user object', () => {
    test('exact shape: { dn, username, email, firstName, lastName, groups, role, workspaces, organization, lookup }', async () => {
      const env = {
        AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: 'owner@example.test',
        AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: ADMINS,
        AUTH_LDAP_ORGANIZATION_WORKSPACES: JSON.stringify({ Admins: ADMINS, Teams: TEAM1 }),
      };
      const r = await login(env, 'alice', 'alice-pw');
      expect(r).toEqual({
        ok: true,
        user: {
          dn: `uid=alice,${P}`,
          username: 'alice',
          email: 'alice@example.test',
          firstName: 'Alice',
          lastName: 'Admin',
          groups: [ADMINS],
          role: 'administrator',
          workspaces: ['Admins'],
          organization: { ownerEmail: 'owner@example.test' },
          lookup: { field: 'email', value: 'alice@example.test' },
        },
      });
      expect(Object.keys((r as { user: object }).user).sort()).toEqual(
        ['dn', 'username', 'email', 'firstName', 'lastName', 'groups', 'role', 'workspaces', 'organization', 'lookup'].sort(),
      );
    });

    test('organization is null without AUTH_LDAP_ORGANIZATION_OWNER_EMAIL; non-ASCII attributes come back as text', async () => {
      const zoe = await user({}, 'zoë', 'zoe-pw');
      expect(zoe).toEqual({
        dn: `uid=zoë,${P}`,
        username: 'zoë',
        email: 'zoe@example.test',
        firstName: 'Zoë',
        lastName: 'Unicode',
        groups: [WEIRD],
        role: null,
        workspaces: [],
        organization: null,
        lookup: { field: 'email', value: 'zoe@example.test' },
      });
    });

    test('lookup by email is lower-cased (email too)', async () => {
      const upper = await user({}, 'upper', 'upper-pw');
      expect(upper.email).toBe('upper.case@example.test');
      expect(upper.lookup).toEqual({ field: 'email', value: 'upper.case@example.test' });
      // logging in with the mixed-case address finds the same entry
      const byMail = await user({}, 'Upper.Case@Example.TEST', 'upper-pw');
      expect(byMail.dn).toBe(`uid=upper,${P}`);
    });

    test('AUTH_LDAP_USER_QUERY_FIELD=username: lookup by uid', async () => {
      const alice = await user({ AUTH_LDAP_USER_QUERY_FIELD: 'username' }, 'alice@example.test', 'alice-pw');
      expect(alice.lookup).toEqual({ field: 'username', value: 'alice' });
      expect(alice.username).toBe('alice');
      // a user without mail is fine when the lookup is by username ...
      const nomail = await user({ AUTH_LDAP_USER_QUERY_FIELD: 'username' }, 'nomail', 'nomail-pw');
      expect(nomail).toMatchObject({ email: null, username: 'nomail', lookup: { field: 'username', value: 'nomail' } });
      // ... and refused with a clear message (never a crash) when the lookup is by email
      const refused = await login({}, 'nomail', 'nomail-pw');
      expect(refused).toMatchObject({ ok: false, code: 'MISSING_LOOKUP_ATTRIBUTE' });
    });

    test('custom attribute map (AUTH_LDAP_USER_ATTR_MAP_*) is read case-insensitively', async () => {
      const env = {
        AUTH_LDAP_USER_ATTR_MAP_FIRST_NAME: 'CN',
        AUTH_LDAP_USER_ATTR_MAP_LAST_NAME: 'GIVENNAME',
        AUTH_LDAP_USER_ATTR_MAP_USERNAME: 'UID',
      };
      const bob = await user(env, 'bob', 'bob-pw');
      expect(bob).toMatchObject({ firstName: 'Bob Builder', lastName: 'Bob', username: 'bob' });
    });
  });

  // ------------------------------------------------------------------ template mode

  describe('groups in template (direct bind) mode', () => {
    const template = { AUTH_LDAP_USER_DN_TEMPLATE: `uid=%(user)s,${P}`, AUTH_LDAP_USER_SEARCH_BASES: undefined };

    test('with the service account', async () => {
      const env = { ...template, AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: MANAGERS };
      const bob = await user(env, 'bob', 'bob-pw');
      expect(sorted(bob.groups)).toEqual(sorted([ANNOTATORS, MANAGERS]));
      expect(bob.role).toBe('manager');
      const jones = await user(env, 'jones, bob', 'jones-pw');
      expect(jones.groups).toEqual([WEIRD]);
    });

    test('without a service account: the user\'s own connection reads entry and groups', async () => {
      const env = {
        ...template,
        AUTH_LDAP_BIND_DN: undefined,
        AUTH_LDAP_BIND_PASSWORD: undefined,
        AUTH_LDAP_GROUP_TYPE: 'posixGroup',
        AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: POSIXERS,
      };
      const alice = await user(env, 'alice', 'alice-pw');
      expect(alice).toMatchObject({ dn: `uid=alice,${P}`, groups: [POSIXERS], role: 'administrator', email: 'alice@example.test' });
      const a = authenticator({ ...env, AUTH_LDAP_GROUP_SEARCH_BASE_DN: `ou=nowhere,${'dc=example,dc=test'}` });
      await expect(a.authenticate('alice', 'alice-pw')).rejects.toThrow(/AUTH_LDAP_GROUP_SEARCH_BASE_DN/);
    });
  });

  // ------------------------------------------------------------------ failing group search

  describe('a group search that fails rejects (never a login with fewer groups)', () => {
    test.each([
      ['a base that does not exist', `ou=nowhere,dc=example,dc=test`, 'groupOfNames'],
      ['a base outside the suffix', 'ou=groups,dc=elsewhere,dc=test', 'groupOfNames'],
      ['posixGroup with a missing base', `ou=nowhere,dc=example,dc=test`, 'posixGroup'],
      ['organizationalRole with a missing base', `ou=nowhere,dc=example,dc=test`, 'organizationalRole'],
    ])('%s', async (_what, base, type) => {
      const a = authenticator({
        AUTH_LDAP_GROUP_SEARCH_BASE_DN: base,
        AUTH_LDAP_GROUP_TYPE: type,
        AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: ADMINS,
      });
      const err = await a.authenticate('alice', 'alice-pw').then(
        (r) => {
          throw new Error(`expected a rejection, got ${JSON.stringify(r)}`);
        },
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LdapInfrastructureError);
      expect((err as Error).message).toContain('AUTH_LDAP_GROUP_SEARCH_BASE_DN');
      expect((err as Error).message).toContain(base);
      expect((err as Error).message).not.toContain('alice-pw');
      expect((err as Error).message).not.toContain(server.servicePassword);
      // the authenticator is still usable afterwards: the next login errors the same way, not a success
      await expect(a.authenticate('bob', 'bob-pw')).rejects.toBeInstanceOf(LdapInfrastructureError);
    });
  });
});
