// In-memory ProvisioningStore, for tests and demos only: nothing survives a restart. Transactions
// snapshot the whole state and restore it on failure; calls are serialised like SQLite's.
import type { EntityId, LocalUser, LocalUserChanges, NewLocalUser, Organization, ProvisioningStore, UserLookup } from '../provisioning/store';
import type { Role } from '../types';
import { SerialExecutor } from './serial';
import { defaultOrganizationTitle, type ListedUser, type OwnerSeed, type ShippedStore } from './types';

interface State {
  nextId: number;
  users: LocalUser[];
  organizations: { id: number; ownerId: EntityId; title: string }[];
  memberships: { organizationId: EntityId; userId: EntityId; role: Role | null }[];
  workspaces: { id: number; organizationId: EntityId; title: string }[];
  workspaceMembers: { workspaceId: number; userId: EntityId }[];
}

const sameId = (a: EntityId, b: EntityId): boolean => String(a) === String(b);
const sameText = (a: string | null, b: string | null): boolean => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
// Callers get copies, so editing a returned object never edits the store behind its back.
const copy = (u: LocalUser): LocalUser => ({ ...u });

export class MemoryStore implements ShippedStore {
  private state: State = { nextId: 1, users: [], organizations: [], memberships: [], workspaces: [], workspaceMembers: [] };
  private readonly exec = new SerialExecutor();

  transaction<T>(fn: (store: ProvisioningStore) => Promise<T>): Promise<T> {
    let snapshot: State | null = null;
    return this.exec.transaction(
      {
        begin: () => (snapshot = structuredClone(this.state)),
        commit: () => (snapshot = null),
        rollback: () => {
          if (snapshot) this.state = snapshot;
        },
      },
      () => fn(this),
    );
  }

  findOrganizationByOwnerEmail(email: string): Promise<Organization | null> {
    return this.exec.run(() => {
      for (const org of this.state.organizations) {
        const owner = this.userById(org.ownerId);
        if (owner && sameText(owner.email, email)) return { id: org.id, ownerEmail: owner.email as string, title: org.title };
      }
      return null;
    });
  }

  findUser(lookup: UserLookup): Promise<LocalUser | null> {
    return this.exec.run(() => {
      const u = this.state.users.find((x) => sameText(x[lookup.field], lookup.value));
      return u ? copy(u) : null;
    });
  }

  findUserById(id: EntityId): Promise<LocalUser | null> {
    return this.exec.run(() => {
      const u = this.userById(id);
      return u ? copy(u) : null;
    });
  }

  createUser(user: NewLocalUser): Promise<LocalUser> {
    return this.exec.run(() => this.insertUser(user));
  }

  updateUser(id: EntityId, changes: LocalUserChanges): Promise<LocalUser> {
    return this.exec.run(() => {
      const u = this.userById(id);
      if (!u) throw new Error(`MemoryStore: no user with id ${String(id)}`);
      this.assertUnique({ ...u, ...changes }, id);
      Object.assign(u, changes);
      return copy(u);
    });
  }

  getRole(userId: EntityId, organizationId: EntityId): Promise<Role | null> {
    return this.exec.run(() => this.membership(userId, organizationId)?.role ?? null);
  }

  setRole(userId: EntityId, organizationId: EntityId, role: Role | null): Promise<void> {
    return this.exec.run(() => this.putRole(userId, organizationId, role));
  }

  listWorkspaces(userId: EntityId, organizationId: EntityId): Promise<string[]> {
    return this.exec.run(() => this.workspacesOf(userId, organizationId));
  }

  setWorkspaces(userId: EntityId, organizationId: EntityId, titles: readonly string[]): Promise<void> {
    return this.exec.run(() => {
      const s = this.state;
      const wanted = new Set(titles);
      const orgWs = s.workspaces.filter((w) => sameId(w.organizationId, organizationId));
      const dropIds = new Set(orgWs.filter((w) => !wanted.has(w.title)).map((w) => w.id));
      s.workspaceMembers = s.workspaceMembers.filter((m) => !(sameId(m.userId, userId) && dropIds.has(m.workspaceId)));
      for (const title of wanted) {
        let ws = orgWs.find((w) => w.title === title);
        if (!ws) {
          ws = { id: s.nextId++, organizationId, title };
          s.workspaces.push(ws);
        }
        const wsId = ws.id;
        if (!s.workspaceMembers.some((m) => m.workspaceId === wsId && sameId(m.userId, userId))) {
          s.workspaceMembers.push({ workspaceId: wsId, userId });
        }
      }
    });
  }

  seedOrganizationOwner(owner: OwnerSeed): Promise<{ user: LocalUser; organization: Organization }> {
    return this.exec.run(() => {
      const email = owner.email.trim().toLowerCase();
      const s = this.state;
      const user =
        s.users.find((u) => sameText(u.email, email)) ??
        this.insertUser({ email, username: owner.username ?? null, firstName: owner.firstName ?? '', lastName: owner.lastName ?? '' });
      let org = s.organizations.find((o) => sameId(o.ownerId, user.id));
      if (!org) {
        org = { id: s.nextId++, ownerId: user.id, title: owner.title ?? defaultOrganizationTitle(email) };
        s.organizations.push(org);
        this.putRole(user.id, org.id, 'administrator');
      }
      return { user: copy(user), organization: { id: org.id, ownerEmail: user.email as string, title: org.title } };
    });
  }

  listUsers(organizationId: EntityId): Promise<ListedUser[]> {
    return this.exec.run(() => {
      const org = this.state.organizations.find((o) => sameId(o.id, organizationId));
      return this.state.memberships
        .filter((m) => sameId(m.organizationId, organizationId))
        .map((m) => this.userById(m.userId))
        .filter((u): u is LocalUser => u !== undefined)
        .sort((a, b) => Number(a.id) - Number(b.id))
        .map((u) => ({
          ...copy(u),
          role: this.membership(u.id, organizationId)?.role ?? null,
          isOwner: org !== undefined && sameId(org.ownerId, u.id),
          workspaces: this.workspacesOf(u.id, organizationId),
        }));
    });
  }

  listWorkspaceTitles(organizationId: EntityId): Promise<string[]> {
    return this.exec.run(() => this.state.workspaces.filter((w) => sameId(w.organizationId, organizationId)).map((w) => w.title));
  }

  private userById(id: EntityId): LocalUser | undefined {
    return this.state.users.find((u) => sameId(u.id, id));
  }

  private membership(userId: EntityId, organizationId: EntityId): State['memberships'][number] | undefined {
    return this.state.memberships.find((m) => sameId(m.userId, userId) && sameId(m.organizationId, organizationId));
  }

  private putRole(userId: EntityId, organizationId: EntityId, role: Role | null): void {
    if (!this.userById(userId)) throw new Error(`MemoryStore: no user with id ${String(userId)}`);
    const m = this.membership(userId, organizationId);
    if (m) m.role = role;
    else this.state.memberships.push({ organizationId, userId, role });
  }

  private workspacesOf(userId: EntityId, organizationId: EntityId): string[] {
    const s = this.state;
    const mine = new Set(s.workspaceMembers.filter((m) => sameId(m.userId, userId)).map((m) => m.workspaceId));
    return s.workspaces.filter((w) => sameId(w.organizationId, organizationId) && mine.has(w.id)).map((w) => w.title);
  }

  private insertUser(user: NewLocalUser): LocalUser {
    this.assertUnique(user, null);
    const created: LocalUser = { id: this.state.nextId++, ...user };
    this.state.users.push(created);
    return copy(created);
  }

  /** Mirrors the SQLite UNIQUE constraints so both stores fail the same way. */
  private assertUnique(user: NewLocalUser, self: EntityId | null): void {
    for (const field of ['email', 'username'] as const) {
      const clash = this.state.users.find((u) => (self === null || !sameId(u.id, self)) && sameText(u[field], user[field]));
      if (clash) throw new Error(`MemoryStore: ${field} "${String(user[field])}" is already taken`);
    }
  }
}
