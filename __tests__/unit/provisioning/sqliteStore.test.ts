// SqliteStore specifics: lazy driver, schema on first use, persistence, serialised transactions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { provisionUser } from '../../../lib/provisioning/provision';
import { SqliteStore } from '../../../lib/stores/sqliteStore';
import { OWNER, ldapUser, manual, options } from './helpers';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'plsl-sqlite-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const tables = (file: string): string[] => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map(
      (r) => r.name,
    );
  } finally {
    db.close();
  }
};

describe('SqliteStore', () => {
  it('creates its schema on first use, not before', async () => {
    const file = join(dir, 'app.db');
    const store = new SqliteStore(file);
    expect(tables(file)).toEqual([]);
    expect(await store.findUser({ field: 'email', value: 'x@example.com' })).toBeNull();
    expect(tables(file)).toEqual(['memberships', 'organizations', 'users', 'workspace_members', 'workspaces']);
    await store.close();
  });

  it('persists to the file across instances', async () => {
    const file = join(dir, 'app.db');
    const first = new SqliteStore(file);
    await first.seedOrganizationOwner({ email: OWNER, title: 'Acme' });
    const provisioned = await provisionUser(ldapUser({ workspaces: ['Alpha'] }), options(manual(false)), first);
    await first.close();

    const second = new SqliteStore(file);
    const org = await second.findOrganizationByOwnerEmail(OWNER);
    expect(org).toEqual({ id: provisioned.organization.id, ownerEmail: OWNER, title: 'Acme' });
    expect(await second.listUsers(org!.id)).toEqual([
      expect.objectContaining({ email: OWNER, role: 'administrator', isOwner: true, workspaces: [] }),
      { ...provisioned.user, role: 'annotator', isOwner: false, workspaces: ['Alpha'] },
    ]);
    // A second seed is idempotent.
    expect((await second.seedOrganizationOwner({ email: OWNER })).organization.id).toBe(org!.id);
    await second.close();
  });

  it('accepts ":memory:" (the default)', async () => {
    const store = new SqliteStore();
    expect(store.filename).toBe(':memory:');
    const { user } = await store.seedOrganizationOwner({ email: 'Boss@Example.com' });
    expect(user.email).toBe('boss@example.com');
    expect(await store.findUserById(user.id)).toEqual(user);
    await store.close();
  });

  it('rejects a role outside the Role type (CHECK constraint)', async () => {
    const store = new SqliteStore();
    const { user, organization } = await store.seedOrganizationOwner({ email: OWNER });
    // better-sqlite3 registers its SqliteError class once per process, so in a jest worker that
    // already ran another SQLite test file it comes from another module registry and fails
    // toThrow's instanceof check. Match the message instead.
    await expect(store.setRole(user.id, organization.id, 'owner' as never)).rejects.toMatchObject({
      message: expect.stringMatching(/CHECK constraint/),
    });
    await store.close();
  });

  it('holds other calls until an open transaction ends, and rolls back only that transaction', async () => {
    const store = new SqliteStore();
    await store.seedOrganizationOwner({ email: OWNER });
    const order: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const tx = store.transaction(async (s) => {
      await s.createUser({ email: 'tx@example.com', username: null, firstName: '', lastName: '' });
      order.push('tx wrote');
      await gate;
      // Calls on the outer store from inside the transaction join it instead of deadlocking.
      expect(await store.findUser({ field: 'email', value: 'tx@example.com' })).not.toBeNull();
      throw new Error('abort');
    });
    const outside = store.createUser({ email: 'out@example.com', username: null, firstName: '', lastName: '' }).then(() => order.push('outside wrote'));
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(['tx wrote']);
    release();
    await expect(tx).rejects.toThrow('abort');
    await outside;
    expect(order).toEqual(['tx wrote', 'outside wrote']);
    expect(await store.findUser({ field: 'email', value: 'tx@example.com' })).toBeNull();
    expect(await store.findUser({ field: 'email', value: 'out@example.com' })).not.toBeNull();
    await store.close();
  });

  it('loads better-sqlite3 only when constructed, with a clear message when it is missing', () => {
    jest.isolateModules(() => {
      jest.doMock('better-sqlite3', () => {
        throw Object.assign(new Error("Cannot find module 'better-sqlite3'"), { code: 'MODULE_NOT_FOUND' });
      });
      // Importing the stores (as lib/index.ts does) must not need the driver.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const stores = require('../../../lib/stores') as typeof import('../../../lib/stores');
      expect(() => new stores.MemoryStore()).not.toThrow();
      expect(() => new stores.SqliteStore(':memory:')).toThrow(/optional peer dependency better-sqlite3 12\.x \(npm install better-sqlite3@12\)/);
    });
    jest.dontMock('better-sqlite3');
  });
});
