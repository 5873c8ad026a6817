/**
 * Provisioning (semantics.md section 6) through the strategy with a store, against a real slapd,
 * for both shipped stores (MemoryStore and SqliteStore ':memory:'): re-login after group changes
 * made with ldapmodify, under manual (MANUAL_*=1) and LDAP-owned (MANUAL_*=0) settings; a
 * deactivated mapping with manual roles; a missing organization owner.
 *
 * The strategy is driven as Passport drives it: a per-request object made with Object.create,
 * with success / fail / error attached, then authenticate(req).
 */
import {
  LabelStudioLdapStrategy,
  MemoryStore,
  optionsFromEnv,
  ProvisioningError,
  SqliteStore,
  type Organization,
  type ProvisionedUser,
  type ShippedStore,
} from '../../lib';
import { captureLogger, ldapEnv, GROUP_BASE, PEOPLE_BASE, type EnvOverrides } from '../support/env';
import { describeWithSlapd, startSlapd, type SlapdServer } from '../support/slapd';

const ANNOTATORS = `cn=annotators,${GROUP_BASE}`;
const MANAGERS = `cn=managers,${GROUP_BASE}`;
const DEACTIVATED = `cn=deactivated,${GROUP_BASE}`;
const TEAM1 = `cn=team1,${GROUP_BASE}`;
const TEAM2 = `cn=team2,${GROUP_BASE}`;
const OWNER_EMAIL = 'owner@example.test';

/** Roles and two workspaces mapped; team1 = "Team One", team2 = "Team Two". */
const MAPPING: EnvOverrides = {
  AUTH_LDAP_GROUP_TYPE: 'groupOfNames',
  AUTH_LDAP_USER_QUERY_FIELD: 'email',
  AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: OWNER_EMAIL,
  AUTH_LDAP_ORGANIZATION_ROLE_ADMINISTRATOR: `cn=admins,${GROUP_BASE}`,
  AUTH_LDAP_ORGANIZATION_ROLE_MANAGER: MANAGERS,
  AUTH_LDAP_ORGANIZATION_ROLE_ANNOTATOR: ANNOTATORS,
  AUTH_LDAP_ORGANIZATION_ROLE_DEACTIVATED: DEACTIVATED,
  AUTH_LDAP_ORGANIZATION_WORKSPACES: JSON.stringify({ 'Team One': TEAM1, 'Team Two': TEAM2 }),
};

const MANUAL: EnvOverrides = { MANUAL_ROLE_MANAGEMENT: '1', MANUAL_WORKSPACE_MANAGEMENT: '1' };
const LDAP_OWNED: EnvOverrides = { MANUAL_ROLE_MANAGEMENT: '0', MANUAL_WORKSPACE_MANAGEMENT: '0' };

const STORES: Array<[string, () => ShippedStore & { close?(): Promise<void> }]> = [
  ['MemoryStore', () => new MemoryStore()],
  ['SqliteStore', () => new SqliteStore(':memory:')],
];

type Outcome =
  | { kind: 'success'; user: ProvisionedUser }
  | { kind: 'fail'; challenge: { message?: string; code?: string }; status: number | undefined }
  | { kind: 'error'; err: Error };

const userDn = (uid: string): string => `uid=${uid},${PEOPLE_BASE}`;

/** One ldapmodify change record adding or deleting `member: <user>` on a group. */
function member(op: 'add' | 'delete', group: string, uid: string): string {
  return `dn: ${group}\nchangetype: modify\n${op}: member\nmember: ${userDn(uid)}\n`;
}

describeWithSlapd('provisioning through the strategy with a store, against slapd', () => {
  let server: SlapdServer;
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    server = await startSlapd({ tls: false });
  });

  afterAll(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  /** A store with the organization owner registered, and a strategy provisioning into it. */
  async function setUp(
    makeStore: () => ShippedStore & { close?(): Promise<void> },
    overrides: EnvOverrides,
    owner: string | null = OWNER_EMAIL,
  ): Promise<{ store: ShippedStore; strategy: LabelStudioLdapStrategy; organization: Organization | null }> {
    const store = makeStore();
    cleanups.push(async () => store.close?.());
    const organization = owner ? (await store.seedOrganizationOwner({ email: owner, title: 'Example Org' })).organization : null;
    const env = ldapEnv(server, { ...MAPPING, ...overrides });
    const strategy = new LabelStudioLdapStrategy({ ...optionsFromEnv(env), store, logger: captureLogger().logger });
    cleanups.push(() => strategy.close());
    return { store, strategy, organization };
  }

  /** What Passport does for one request. */
  function attempt(strategy: LabelStudioLdapStrategy, username: string, password: string): Promise<Outcome> {
    return new Promise((resolve) => {
      const s = Object.create(strategy) as LabelStudioLdapStrategy & Record<string, unknown>;
      s.success = (user: ProvisionedUser) => resolve({ kind: 'success', user });
      s.fail = (challenge: { message?: string; code?: string }, status?: number) => resolve({ kind: 'fail', challenge, status });
      s.error = (err: Error) => resolve({ kind: 'error', err });
      s.redirect = () => resolve({ kind: 'error', err: new Error('unexpected redirect') });
      s.pass = () => resolve({ kind: 'error', err: new Error('unexpected pass') });
      s.authenticate({ body: { username, password } });
    });
  }

  async function logIn(strategy: LabelStudioLdapStrategy, uid: string): Promise<ProvisionedUser> {
    const outcome = await attempt(strategy, uid, `pw-${uid}`);
    if (outcome.kind !== 'success') {
      throw new Error(`login of ${uid} did not succeed: ${outcome.kind === 'error' ? outcome.err.message : JSON.stringify(outcome)}`);
    }
    return outcome.user;
  }

  /**
   * Users for the group-change scenario: each starts in annotators and team1 (base fixture) and is
   * given to one store/mode pair, since the directory changes are shared.
   */
  const SCENARIOS: Array<{ store: string; mode: 'manual' | 'LDAP-owned'; uid: string }> = [
    { store: 'MemoryStore', mode: 'manual', uid: 'u01' },
    { store: 'MemoryStore', mode: 'LDAP-owned', uid: 'u03' },
    { store: 'SqliteStore', mode: 'manual', uid: 'u05' },
    { store: 'SqliteStore', mode: 'LDAP-owned', uid: 'u07' },
  ];

  describe.each(STORES)('%s', (storeName, makeStore) => {
    describe.each(['manual', 'LDAP-owned'] as const)('%s roles and workspaces', (mode) => {
      const uid = SCENARIOS.find((x) => x.store === storeName && x.mode === mode)?.uid as string;
      const email = `${uid}@example.test`;

      test(`re-login after ${uid} moves from annotators to managers and from team1 to team2`, async () => {
        const { store, strategy, organization } = await setUp(makeStore, mode === 'manual' ? MANUAL : LDAP_OWNED);
        const orgId = (organization as Organization).id;

        // First login: created with the mapped role and workspaces.
        const first = await logIn(strategy, uid);
        expect(first).toMatchObject({ created: true, role: 'annotator', workspaces: ['Team One'] });
        expect(first.organization).toMatchObject({ id: orgId, ownerEmail: OWNER_EMAIL });
        expect(first.user).toMatchObject({ email, username: uid, firstName: 'User' });
        expect(first.ldap.groups.map((g) => g.toLowerCase())).toEqual(expect.arrayContaining([ANNOTATORS, TEAM1]));

        // The directory changes: annotators -> managers, team1 -> team2, and a new first name.
        await server.ldapModify(
          [
            member('delete', ANNOTATORS, uid),
            member('add', MANAGERS, uid),
            member('delete', TEAM1, uid),
            member('add', TEAM2, uid),
            `dn: ${userDn(uid)}\nchangetype: modify\nreplace: givenName\ngivenName: Renamed\n`,
          ].join('\n'),
        );

        const second = await logIn(strategy, uid);
        expect(second.created).toBe(false);
        expect(second.user.id).toBe(first.user.id);
        expect(second.ldap.role).toBe('manager');
        expect(second.ldap.workspaces).toEqual(['Team Two']);
        // Attributes are refreshed at every login, in both modes.
        expect(second.user.firstName).toBe('Renamed');
        expect((await store.findUser({ field: 'email', value: email }))?.firstName).toBe('Renamed');

        if (mode === 'manual') {
          // Manual: the role set at creation is kept; workspaces are only added.
          expect(second.role).toBe('annotator');
          expect(second.workspaces).toEqual(['Team One', 'Team Two']);
          expect(await store.getRole(first.user.id, orgId)).toBe('annotator');
          expect(await store.listWorkspaces(first.user.id, orgId)).toEqual(['Team One', 'Team Two']);

          // A local change survives the next login too.
          await store.setRole(first.user.id, orgId, 'reviewer');
          const third = await logIn(strategy, uid);
          expect(third.role).toBe('reviewer');
          expect(await store.getRole(first.user.id, orgId)).toBe('reviewer');
        } else {
          // LDAP-owned: the role follows the groups; workspaces become exactly the mapped set.
          expect(second.role).toBe('manager');
          expect(second.workspaces).toEqual(['Team Two']);
          expect(await store.getRole(first.user.id, orgId)).toBe('manager');
          expect(await store.listWorkspaces(first.user.id, orgId)).toEqual(['Team Two']);

          // A local change is overwritten at the next login.
          await store.setRole(first.user.id, orgId, 'reviewer');
          const third = await logIn(strategy, uid);
          expect(third.role).toBe('manager');
          expect(await store.getRole(first.user.id, orgId)).toBe('manager');
        }
        // Workspaces are never deleted, only memberships.
        expect(await store.listWorkspaceTitles(orgId)).toEqual(['Team One', 'Team Two']);
        const listed = (await store.listUsers(orgId)).map((u) => u.email);
        expect(listed).toEqual([OWNER_EMAIL, email]);
      });
    });

    test('a deactivated mapping with manual roles still changes the stored role, and the login fails 403', async () => {
      const uid = storeName === 'MemoryStore' ? 'u09' : 'u11';
      const { store, strategy, organization } = await setUp(makeStore, MANUAL);
      const orgId = (organization as Organization).id;
      const first = await logIn(strategy, uid);
      expect(first.role).toBe('annotator');

      await server.ldapModify(member('add', DEACTIVATED, uid));
      const outcome = await attempt(strategy, uid, `pw-${uid}`);
      expect(outcome).toMatchObject({ kind: 'fail', status: 403, challenge: { code: 'ACCOUNT_DEACTIVATED' } });
      expect(await store.getRole(first.user.id, orgId)).toBe('deactivated');
      // Workspaces are untouched by the refusal beyond the normal rules (manual: kept).
      expect(await store.listWorkspaces(first.user.id, orgId)).toEqual(['Team One']);

      // Taken out of the group again: with manual roles the stored deactivation stays until someone
      // changes it locally, and the strategy keeps refusing on the stored role.
      await server.ldapModify(member('delete', DEACTIVATED, uid));
      const again = await attempt(strategy, uid, `pw-${uid}`);
      expect(again).toMatchObject({ kind: 'fail', status: 403, challenge: { code: 'ACCOUNT_DEACTIVATED' } });
      expect(await store.getRole(first.user.id, orgId)).toBe('deactivated');
      await store.setRole(first.user.id, orgId, 'annotator');
      expect(await attempt(strategy, uid, `pw-${uid}`)).toMatchObject({ kind: 'success' });
    });

    test('a missing organization owner is a Passport error naming AUTH_LDAP_ORGANIZATION_OWNER_EMAIL, and nothing is created', async () => {
      const uid = storeName === 'MemoryStore' ? 'u13' : 'u15';
      // The store knows another organization only; the configured owner is not registered.
      const { store, strategy } = await setUp(makeStore, { ...LDAP_OWNED, AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: 'Ghost@Example.test' }, null);
      const other = await store.seedOrganizationOwner({ email: 'someone-else@example.test' });

      const outcome = await attempt(strategy, uid, `pw-${uid}`);
      expect(outcome.kind).toBe('error');
      const err = (outcome as { err: Error }).err;
      expect(err).toBeInstanceOf(ProvisioningError);
      expect(err).toMatchObject({ code: 'ORGANIZATION_OWNER_NOT_FOUND', variable: 'AUTH_LDAP_ORGANIZATION_OWNER_EMAIL' });
      expect(err.message).toContain('AUTH_LDAP_ORGANIZATION_OWNER_EMAIL=Ghost@Example.test');

      expect(await store.findUser({ field: 'email', value: `${uid}@example.test` })).toBeNull();
      expect(await store.findUser({ field: 'username', value: uid })).toBeNull();
      expect((await store.listUsers(other.organization.id)).map((u) => u.email)).toEqual(['someone-else@example.test']);
      expect(await store.listWorkspaceTitles(other.organization.id)).toEqual([]);

      // A wrong password is still a plain failure, before provisioning is reached.
      expect(await attempt(strategy, uid, 'wrong')).toMatchObject({ kind: 'fail', status: 401 });
    });

    test('the configured owner email finds the registered owner whatever its case', async () => {
      const uid = storeName === 'MemoryStore' ? 'u17' : 'u19';
      const { strategy, organization } = await setUp(makeStore, { ...LDAP_OWNED, AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: 'Owner@Example.TEST' });
      const p = await logIn(strategy, uid);
      expect(p.organization.id).toBe(organization?.id);
      expect(p.role).toBe('annotator');
    });
  });
});
