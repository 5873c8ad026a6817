// Every rule of semantics.md section 6, run as one table against each shipped store.
import { ProvisioningError } from '../../../lib/provisioning/errors';
import { provisionUser, provisioningConfigProblems } from '../../../lib/provisioning/provision';
import type { ShippedStore } from '../../../lib/stores/types';
import type { Logger } from '../../../lib/types';
import { OWNER, failingOn, ldapUser, manual, options, roleOf, storeCases, workspacesOf } from './helpers';

const LDAP_OWNED = options(manual(false));
const MANUAL = options(manual(true));

describe.each(storeCases())('provisionUser with $name', (storeCase) => {
  let store: ShippedStore;

  beforeEach(async () => {
    store = storeCase.make();
    await store.seedOrganizationOwner({ email: OWNER, username: 'owner', title: 'Acme' });
  });
  afterEach(() => storeCase.cleanup());

  const countUsers = async (): Promise<number> => {
    const org = await store.findOrganizationByOwnerEmail(OWNER);
    return org ? (await store.listUsers(org.id)).length : 0;
  };

  describe('the local user', () => {
    it('is created on first login with attributes, role and workspaces', async () => {
      const result = await provisionUser(ldapUser({ workspaces: ['Alpha', 'Beta'] }), MANUAL, store);
      expect(result.created).toBe(true);
      expect(result.user).toMatchObject({ email: 'ann@example.com', username: 'ann', firstName: 'Ann', lastName: 'Lee' });
      expect(result.organization).toMatchObject({ ownerEmail: OWNER, title: 'Acme' });
      expect(result.role).toBe('annotator');
      expect(result.workspaces).toEqual(['Alpha', 'Beta']);
      expect(result.ldap.dn).toBe('uid=ann,ou=Users,dc=example,dc=com');
      expect(await store.findUser({ field: 'email', value: 'ann@example.com' })).toEqual(result.user);
      expect(await roleOf(store, 'ann@example.com')).toBe('annotator');
      expect(await workspacesOf(store, 'ann@example.com')).toEqual(['Alpha', 'Beta']);
    });

    it('is found again, not duplicated, and its attributes are refreshed at every login', async () => {
      const first = await provisionUser(ldapUser(), MANUAL, store);
      const again = await provisionUser(ldapUser({ firstName: 'Anna', lastName: 'Li', username: 'anna' }), MANUAL, store);
      expect(again.created).toBe(false);
      expect(again.user).toEqual({ id: first.user.id, email: 'ann@example.com', username: 'anna', firstName: 'Anna', lastName: 'Li' });
      expect(await store.findUserById(first.user.id)).toEqual(again.user);
      expect(await countUsers()).toBe(2); // owner + Ann
    });

    it('is found by username when AUTH_LDAP_USER_QUERY_FIELD=username, and its email refreshed', async () => {
      const byName = (email: string) => ldapUser({ email, lookup: { field: 'username', value: 'ann' } });
      const first = await provisionUser(byName('ann@old.example.com'), MANUAL, store);
      const again = await provisionUser(byName('ann@new.example.com'), MANUAL, store);
      expect(again.user.id).toBe(first.user.id);
      expect(again.user.email).toBe('ann@new.example.com');
    });

    it('finds an existing user whatever the case of its email, and refreshes it', async () => {
      const existing = await store.createUser({ email: 'Ann@Example.COM', username: null, firstName: '', lastName: '' });
      const result = await provisionUser(ldapUser(), MANUAL, store);
      expect(result.user.id).toBe(existing.id);
      expect(result.user.email).toBe('ann@example.com');
      expect(result.user.username).toBe('ann');
    });

    it('keeps a local value when the LDAP entry lacks the attribute', async () => {
      await provisionUser(ldapUser(), MANUAL, store);
      const again = await provisionUser(ldapUser({ firstName: null, username: null }), MANUAL, store);
      expect(again.user).toMatchObject({ firstName: 'Ann', username: 'ann', lastName: 'Lee' });
    });

    it('creates a user without names as empty strings', async () => {
      const result = await provisionUser(ldapUser({ firstName: null, lastName: null }), MANUAL, store);
      expect(result.user).toMatchObject({ firstName: '', lastName: '' });
    });

    it('refuses an email that belongs to another local user, creating nothing', async () => {
      await store.createUser({ email: 'taken@example.com', username: 'someone', firstName: '', lastName: '' });
      const user = ldapUser({ email: 'taken@example.com', lookup: { field: 'username', value: 'ann' } });
      const err = await provisionUser(user, MANUAL, store).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProvisioningError);
      expect(err).toMatchObject({ code: 'USER_CONFLICT' });
      expect((err as Error).message).toContain('taken@example.com');
      expect(await store.findUser({ field: 'username', value: 'ann' })).toBeNull();
    });
  });

  describe('the organization', () => {
    it('missing owner: an error naming AUTH_LDAP_ORGANIZATION_OWNER_EMAIL, and nothing is created', async () => {
      const err = await provisionUser(ldapUser(), options(manual(false), 'nobody@example.com'), store).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProvisioningError);
      expect(err).toMatchObject({ code: 'ORGANIZATION_OWNER_NOT_FOUND', variable: 'AUTH_LDAP_ORGANIZATION_OWNER_EMAIL' });
      expect((err as Error).message).toMatch(/AUTH_LDAP_ORGANIZATION_OWNER_EMAIL=nobody@example\.com/);
      expect(await store.findUser({ field: 'email', value: 'ann@example.com' })).toBeNull();
      expect(await countUsers()).toBe(1);
    });

    it('owner email not configured: an error naming the variable before the store is touched', async () => {
      const findUser = jest.spyOn(store, 'findUser');
      const err = await provisionUser(ldapUser(), options(manual(false), null), store).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ORGANIZATION_OWNER_NOT_SET', variable: 'AUTH_LDAP_ORGANIZATION_OWNER_EMAIL' });
      expect((err as Error).message).toContain('AUTH_LDAP_ORGANIZATION_OWNER_EMAIL');
      expect(findUser).not.toHaveBeenCalled();
      expect(await countUsers()).toBe(1);
    });

    it('matches the owner email case-insensitively', async () => {
      const result = await provisionUser(ldapUser(), options(manual(true), 'OWNER@Example.com'), store);
      expect(result.organization.ownerEmail).toBe(OWNER);
    });
  });

  describe('roles, LDAP-owned (MANUAL_ROLE_MANAGEMENT=0)', () => {
    it('are set at every login, overriding local edits', async () => {
      const { user, organization } = await provisionUser(ldapUser({ role: 'annotator' }), LDAP_OWNED, store);
      expect((await provisionUser(ldapUser({ role: 'manager' }), LDAP_OWNED, store)).role).toBe('manager');
      await store.setRole(user.id, organization.id, 'administrator'); // someone edits it locally
      const again = await provisionUser(ldapUser({ role: 'manager' }), LDAP_OWNED, store);
      expect(again.role).toBe('manager');
      expect(await roleOf(store, 'ann@example.com')).toBe('manager');
    });

    it('a deactivated mapping is recorded', async () => {
      await provisionUser(ldapUser({ role: 'manager' }), LDAP_OWNED, store);
      expect((await provisionUser(ldapUser({ role: 'deactivated' }), LDAP_OWNED, store)).role).toBe('deactivated');
      expect(await roleOf(store, 'ann@example.com')).toBe('deactivated');
    });

    it('with no role mapped (null), a new user joins without a role and an existing role is kept', async () => {
      const first = await provisionUser(ldapUser({ role: null }), LDAP_OWNED, store);
      expect(first.role).toBeNull();
      expect((await store.listUsers(first.organization.id)).map((u) => u.email)).toContain('ann@example.com');
      await store.setRole(first.user.id, first.organization.id, 'reviewer');
      expect((await provisionUser(ldapUser({ role: null }), LDAP_OWNED, store)).role).toBe('reviewer');
    });

    it('never re-maps the organization owner', async () => {
      const owner = ldapUser({ email: OWNER, username: 'owner', lookup: { field: 'email', value: OWNER }, role: 'annotator' });
      const result = await provisionUser(owner, LDAP_OWNED, store);
      expect(result.created).toBe(false);
      expect(result.role).toBe('administrator');
    });
  });

  describe('roles, manual (MANUAL_ROLE_MANAGEMENT=1)', () => {
    it('the mapped role is set when the user is created, then left alone', async () => {
      expect((await provisionUser(ldapUser({ role: 'annotator' }), MANUAL, store)).role).toBe('annotator');
      const again = await provisionUser(ldapUser({ role: 'manager' }), MANUAL, store);
      expect(again.role).toBe('annotator');
      expect(again.ldap.role).toBe('manager');
    });

    it('a role edited locally survives re-login', async () => {
      const { user, organization } = await provisionUser(ldapUser({ role: 'annotator' }), MANUAL, store);
      await store.setRole(user.id, organization.id, 'reviewer');
      expect((await provisionUser(ldapUser({ role: 'annotator' }), MANUAL, store)).role).toBe('reviewer');
      expect(await roleOf(store, 'ann@example.com')).toBe('reviewer');
    });

    it('a deactivated mapping still changes it, and leaving that group does not undo it', async () => {
      const { user, organization } = await provisionUser(ldapUser({ role: 'annotator' }), MANUAL, store);
      await store.setRole(user.id, organization.id, 'manager');
      expect((await provisionUser(ldapUser({ role: 'deactivated' }), MANUAL, store)).role).toBe('deactivated');
      expect((await provisionUser(ldapUser({ role: 'manager' }), MANUAL, store)).role).toBe('deactivated');
    });

    it('a local user with no role in the organization yet gets the mapped role', async () => {
      await store.createUser({ email: 'ann@example.com', username: 'ann', firstName: 'Ann', lastName: 'Lee' });
      const result = await provisionUser(ldapUser({ role: 'reviewer' }), MANUAL, store);
      expect(result.created).toBe(false);
      expect(result.role).toBe('reviewer');
    });
  });

  describe('workspaces', () => {
    it('LDAP-owned (MANUAL_WORKSPACE_MANAGEMENT=0): exactly the mapped set, removed from unmapped ones', async () => {
      const { user, organization } = await provisionUser(ldapUser({ workspaces: ['Alpha', 'Beta'] }), LDAP_OWNED, store);
      await store.setWorkspaces(user.id, organization.id, ['Alpha', 'Beta', 'Local']); // added by hand
      const again = await provisionUser(ldapUser({ workspaces: ['Beta', 'Gamma'] }), LDAP_OWNED, store);
      expect(again.workspaces).toEqual(['Beta', 'Gamma']);
      expect(await workspacesOf(store, 'ann@example.com')).toEqual(['Beta', 'Gamma']);
      expect((await provisionUser(ldapUser({ workspaces: [] }), LDAP_OWNED, store)).workspaces).toEqual([]);
      expect(await workspacesOf(store, 'ann@example.com')).toEqual([]);
      // Workspaces themselves stay; only memberships change.
      expect((await store.listWorkspaceTitles(organization.id)).sort()).toEqual(['Alpha', 'Beta', 'Gamma', 'Local']);
    });

    it('manual (MANUAL_WORKSPACE_MANAGEMENT=1): mapped ones are added, none removed', async () => {
      const { user, organization } = await provisionUser(ldapUser({ workspaces: ['Alpha'] }), MANUAL, store);
      await store.setWorkspaces(user.id, organization.id, ['Alpha', 'Local']);
      const again = await provisionUser(ldapUser({ workspaces: ['Beta'] }), MANUAL, store);
      expect([...again.workspaces].sort()).toEqual(['Alpha', 'Beta', 'Local']);
      expect(await workspacesOf(store, 'ann@example.com')).toEqual(['Alpha', 'Beta', 'Local']);
    });

    it('joins an existing workspace by title instead of creating a second one', async () => {
      const bob = await store.createUser({ email: 'bob@example.com', username: 'bob', firstName: '', lastName: '' });
      const org = await store.findOrganizationByOwnerEmail(OWNER);
      await store.setWorkspaces(bob.id, org!.id, ['Alpha']);
      await provisionUser(ldapUser({ workspaces: ['Alpha'] }), MANUAL, store);
      expect(await store.listWorkspaceTitles(org!.id)).toEqual(['Alpha']);
      const listed = await store.listUsers(org!.id);
      expect(listed.find((u) => u.email === 'ann@example.com')).toMatchObject({ role: 'annotator', isOwner: false, workspaces: ['Alpha'] });
      expect(listed.find((u) => u.email === OWNER)).toMatchObject({ role: 'administrator', isOwner: true });
    });

    it('does not write when nothing changed', async () => {
      await provisionUser(ldapUser({ workspaces: ['Alpha'] }), LDAP_OWNED, store);
      const setWorkspaces = jest.spyOn(store, 'setWorkspaces');
      const setRole = jest.spyOn(store, 'setRole');
      const updateUser = jest.spyOn(store, 'updateUser');
      await provisionUser(ldapUser({ workspaces: ['Alpha'] }), LDAP_OWNED, store);
      expect(setWorkspaces).not.toHaveBeenCalled();
      expect(setRole).not.toHaveBeenCalled();
      expect(updateUser).not.toHaveBeenCalled();
    });
  });

  describe('a store that fails half-way', () => {
    it.each(['createUser', 'setRole', 'setWorkspaces'] as const)('inside a transaction (%s throws): no user is left behind', async (method) => {
      const failing = failingOn(store, method);
      const err = await provisionUser(ldapUser({ workspaces: ['Alpha'] }), LDAP_OWNED, failing).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProvisioningError);
      expect(err).toMatchObject({ code: 'STORE_FAILED' });
      expect((err as Error).message).toContain(`disk full during ${method}`);
      expect((err as Error).cause).toBeInstanceOf(Error);
      expect(await store.findUser({ field: 'email', value: 'ann@example.com' })).toBeNull();
      expect(await countUsers()).toBe(1);
      const org = await store.findOrganizationByOwnerEmail(OWNER);
      expect(await store.listWorkspaceTitles(org!.id)).toEqual([]);
      // The store still works afterwards.
      expect((await provisionUser(ldapUser(), LDAP_OWNED, store)).created).toBe(true);
    });

    it('inside a transaction: an existing user keeps its old attributes and role', async () => {
      await provisionUser(ldapUser({ role: 'annotator' }), LDAP_OWNED, store);
      const failing = failingOn(store, 'setWorkspaces');
      await expect(
        provisionUser(ldapUser({ firstName: 'Changed', role: 'manager', workspaces: ['Alpha'] }), LDAP_OWNED, failing),
      ).rejects.toMatchObject({ code: 'STORE_FAILED', step: 'setting workspaces' });
      expect((await store.findUser({ field: 'email', value: 'ann@example.com' }))?.firstName).toBe('Ann');
      expect(await roleOf(store, 'ann@example.com')).toBe('annotator');
    });

    it('without a transaction: the next login completes the half-made user', async () => {
      const failing = failingOn(store, 'setWorkspaces', false);
      await expect(provisionUser(ldapUser({ workspaces: ['Alpha'] }), LDAP_OWNED, failing)).rejects.toBeInstanceOf(ProvisioningError);
      expect(await store.findUser({ field: 'email', value: 'ann@example.com' })).not.toBeNull();
      const again = await provisionUser(ldapUser({ workspaces: ['Alpha'] }), LDAP_OWNED, store);
      expect(again).toMatchObject({ created: false, role: 'annotator', workspaces: ['Alpha'] });
    });

    it('concurrent logins do not share a transaction: one failing leaves the other intact', async () => {
      const bob = ldapUser({ dn: 'uid=bob', email: 'bob@example.com', username: 'bob', lookup: { field: 'email', value: 'bob@example.com' } });
      const results = await Promise.allSettled([
        provisionUser(ldapUser({ workspaces: ['Alpha'] }), LDAP_OWNED, failingOn(store, 'setWorkspaces')),
        provisionUser({ ...bob, workspaces: ['Beta'] }, LDAP_OWNED, store),
        store.findUser({ field: 'email', value: OWNER }), // a plain call queued meanwhile
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
      expect(await store.findUser({ field: 'email', value: 'ann@example.com' })).toBeNull();
      expect(await workspacesOf(store, 'bob@example.com')).toEqual(['Beta']);
    });
  });
});

describe('provisionUser logging and configuration', () => {
  const logs = (): { logger: Logger; lines: string[] } => {
    const lines: string[] = [];
    const put = (m: string, d?: Record<string, unknown>) => void lines.push(`${m} ${JSON.stringify(d ?? {})}`);
    return { lines, logger: { info: put, warn: put, error: put } };
  };

  it('logs changes and failures through the given logger only', async () => {
    const { MemoryStore } = await import('../../../lib/stores/memoryStore');
    const store = new MemoryStore();
    await store.seedOrganizationOwner({ email: OWNER });
    const { logger, lines } = logs();
    await provisionUser(ldapUser({ workspaces: ['Alpha'] }), LDAP_OWNED, store, { logger });
    expect(lines.some((l) => l.startsWith('LDAP provisioning created a user'))).toBe(true);
    await provisionUser(ldapUser(), options(manual(true), 'none@example.com'), store, { logger }).catch(() => undefined);
    expect(lines.some((l) => l.includes('ORGANIZATION_OWNER_NOT_FOUND'))).toBe(true);
  });

  it('provisioningConfigProblems names the owner variable only when it is missing', () => {
    expect(provisioningConfigProblems(options(manual(true)))).toEqual([]);
    expect(provisioningConfigProblems(options(manual(true), null))).toEqual([expect.stringMatching(/^AUTH_LDAP_ORGANIZATION_OWNER_EMAIL: /)]);
  });

  it('refuses a user without a lookup value', async () => {
    const { MemoryStore } = await import('../../../lib/stores/memoryStore');
    const err = await provisionUser(ldapUser({ lookup: { field: 'email', value: '' } }), LDAP_OWNED, new MemoryStore()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_USER', variable: 'AUTH_LDAP_USER_QUERY_FIELD' });
  });
});
