// MemoryStore specifics: copies instead of shared objects, snapshot rollback, unique fields.
import { MemoryStore } from '../../../lib/stores/memoryStore';
import { OWNER } from './helpers';

describe('MemoryStore', () => {
  it('hands out copies, so editing a returned user does not edit the store', async () => {
    const store = new MemoryStore();
    const u = await store.createUser({ email: 'a@example.com', username: 'a', firstName: 'A', lastName: 'B' });
    u.firstName = 'changed';
    expect((await store.findUserById(u.id))?.firstName).toBe('A');
  });

  it('seeds the owner once and makes them administrator', async () => {
    const store = new MemoryStore();
    const first = await store.seedOrganizationOwner({ email: OWNER, title: 'Acme' });
    const again = await store.seedOrganizationOwner({ email: OWNER.toUpperCase() });
    expect(again.organization).toEqual(first.organization);
    expect(await store.getRole(first.user.id, first.organization.id)).toBe('administrator');
    expect(await store.findOrganizationByOwnerEmail('nobody@example.com')).toBeNull();
  });

  it('restores the snapshot when a transaction fails; a nested transaction joins the outer one', async () => {
    const store = new MemoryStore();
    await expect(
      store.transaction(async (s) => {
        await s.createUser({ email: 'a@example.com', username: null, firstName: '', lastName: '' });
        await store.transaction(async (inner) => inner.createUser({ email: 'b@example.com', username: null, firstName: '', lastName: '' }));
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await store.findUser({ field: 'email', value: 'a@example.com' })).toBeNull();
    expect(await store.findUser({ field: 'email', value: 'b@example.com' })).toBeNull();
  });

  it('keeps emails and usernames unique without regard to case, like the SQLite schema', async () => {
    const store = new MemoryStore();
    await store.createUser({ email: 'a@example.com', username: 'ann', firstName: '', lastName: '' });
    await expect(store.createUser({ email: 'A@example.com', username: null, firstName: '', lastName: '' })).rejects.toThrow(/email/);
    const b = await store.createUser({ email: 'b@example.com', username: null, firstName: '', lastName: '' });
    await expect(store.updateUser(b.id, { username: 'ANN' })).rejects.toThrow(/username/);
  });
});
