// Shared fixtures: the stores under test, LDAP users, options, and a store that fails on demand.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProvisioningStore } from '../../../lib/provisioning/store';
import { MemoryStore } from '../../../lib/stores/memoryStore';
import { SqliteStore } from '../../../lib/stores/sqliteStore';
import type { ShippedStore } from '../../../lib/stores/types';
import type { LdapUser, ManualManagement, Role } from '../../../lib/types';

export const OWNER = 'owner@example.com';

export interface StoreCase {
  name: string;
  make(): ShippedStore;
  cleanup(): void;
}

/** One shared test table runs against each of these. */
export function storeCases(): StoreCase[] {
  const dirs: string[] = [];
  const opened: SqliteStore[] = [];
  const sqlite = (file: string): SqliteStore => {
    const s = new SqliteStore(file);
    opened.push(s);
    return s;
  };
  const closeAll = (): void => {
    for (const s of opened.splice(0)) void s.close();
  };
  return [
    { name: 'MemoryStore', make: () => new MemoryStore(), cleanup: () => undefined },
    { name: 'SqliteStore(:memory:)', make: () => sqlite(':memory:'), cleanup: closeAll },
    {
      name: 'SqliteStore(file)',
      make: () => {
        const dir = mkdtempSync(join(tmpdir(), 'plsl-prov-'));
        dirs.push(dir);
        return sqlite(join(dir, 'app.db'));
      },
      cleanup: () => {
        closeAll();
        for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
      },
    },
  ];
}

export function ldapUser(over: Partial<LdapUser> = {}): LdapUser {
  const email = over.email === undefined ? 'ann@example.com' : over.email;
  return {
    dn: 'uid=ann,ou=Users,dc=example,dc=com',
    username: 'ann',
    email,
    firstName: 'Ann',
    lastName: 'Lee',
    groups: [],
    role: 'annotator',
    workspaces: [],
    organization: { ownerEmail: OWNER },
    lookup: { field: 'email', value: email ?? 'ann@example.com' },
    ...over,
  };
}

export function manual(all: boolean, over: Partial<ManualManagement> = {}): ManualManagement {
  return { role: all, workspace: all, projectMember: all, ...over };
}

export function options(m: ManualManagement, ownerEmail: string | null = OWNER) {
  return { manual: m, organizationOwnerEmail: ownerEmail };
}

type Method = Exclude<keyof ProvisioningStore, 'transaction'>;

/**
 * Wraps a store so `method` throws; transaction() is kept and hands the failing wrapper to fn, so
 * the failure happens inside the real transaction.
 */
export function failingOn(store: ShippedStore, method: Method, withTransaction = true): ProvisioningStore {
  const wrap = (s: ProvisioningStore): ProvisioningStore => {
    const proxy: ProvisioningStore = {
      findOrganizationByOwnerEmail: (e) => s.findOrganizationByOwnerEmail(e),
      findUser: (l) => s.findUser(l),
      createUser: (u) => s.createUser(u),
      updateUser: (id, c) => s.updateUser(id, c),
      getRole: (u, o) => s.getRole(u, o),
      setRole: (u, o, r) => s.setRole(u, o, r),
      listWorkspaces: (u, o) => s.listWorkspaces(u, o),
      setWorkspaces: (u, o, t) => s.setWorkspaces(u, o, t),
    };
    proxy[method] = (() => Promise.reject(new Error(`disk full during ${method}`))) as never;
    return proxy;
  };
  const outer = wrap(store);
  if (withTransaction) outer.transaction = <T>(fn: (s: ProvisioningStore) => Promise<T>) => store.transaction((tx) => fn(wrap(tx)));
  return outer;
}

export async function roleOf(store: ShippedStore, email: string): Promise<Role | null | undefined> {
  const org = await store.findOrganizationByOwnerEmail(OWNER);
  const u = await store.findUser({ field: 'email', value: email });
  if (!org || !u) return undefined;
  return store.getRole(u.id, org.id);
}

export async function workspacesOf(store: ShippedStore, email: string): Promise<string[]> {
  const org = await store.findOrganizationByOwnerEmail(OWNER);
  const u = await store.findUser({ field: 'email', value: email });
  if (!org || !u) return [];
  return (await store.listWorkspaces(u.id, org.id)).sort();
}
