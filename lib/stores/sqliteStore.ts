// ProvisioningStore on better-sqlite3 12 (an optional peer dependency, loaded only when a
// SqliteStore is built). One connection: calls are serialised, and transaction() wraps the async
// provisioning in BEGIN IMMEDIATE / COMMIT / ROLLBACK so a failed login keeps nothing.
import type BetterSqlite3 from 'better-sqlite3';
import type { EntityId, LocalUser, LocalUserChanges, NewLocalUser, Organization, ProvisioningStore, UserLookup } from '../provisioning/store';
import type { Role } from '../types';
import { SerialExecutor } from './serial';
import { SCHEMA_SQL, SCHEMA_VERSION } from './sqliteSchema';
import { defaultOrganizationTitle, type ListedUser, type OwnerSeed, type ShippedStore } from './types';

interface UserRow {
  id: number;
  email: string | null;
  username: string | null;
  first_name: string;
  last_name: string;
}

const COLUMNS: Readonly<Record<keyof NewLocalUser, string>> = {
  email: 'email',
  username: 'username',
  firstName: 'first_name',
  lastName: 'last_name',
};

const toUser = (r: UserRow): LocalUser => ({ id: r.id, email: r.email, username: r.username, firstName: r.first_name, lastName: r.last_name });

/** Loaded here, not at import, so applications that never build a SqliteStore need no better-sqlite3. */
function loadDriver(): typeof BetterSqlite3 {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('better-sqlite3') as typeof BetterSqlite3;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`SqliteStore needs the optional peer dependency better-sqlite3 12.x (npm install better-sqlite3@12): ${reason}`, {
      cause: err,
    });
  }
}

export class SqliteStore implements ShippedStore {
  /** The file the store uses, or ':memory:'. */
  readonly filename: string;
  private readonly db: BetterSqlite3.Database;
  private readonly exec = new SerialExecutor();
  private schemaReady = false;

  /** `filename`: a file path (created when missing) or ':memory:'. Tables are created on first use. */
  constructor(filename = ':memory:') {
    const Driver = loadDriver();
    this.filename = filename;
    this.db = new Driver(filename);
  }

  transaction<T>(fn: (store: ProvisioningStore) => Promise<T>): Promise<T> {
    return this.exec.transaction(
      {
        begin: () => this.sql().exec('BEGIN IMMEDIATE'),
        commit: () => this.db.exec('COMMIT'),
        rollback: () => {
          // A failed COMMIT may already have ended the transaction.
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
        },
      },
      () => fn(this),
    );
  }

  findOrganizationByOwnerEmail(email: string): Promise<Organization | null> {
    return this.run((db) => {
      const row = db
        .prepare('SELECT o.id, o.title, u.email FROM organizations o JOIN users u ON u.id = o.owner_id WHERE u.email = ? LIMIT 1')
        .get(email) as { id: number; title: string; email: string } | undefined;
      return row ? { id: row.id, ownerEmail: row.email, title: row.title } : null;
    });
  }

  findUser(lookup: UserLookup): Promise<LocalUser | null> {
    const column = lookup.field === 'email' ? 'email' : 'username';
    return this.run((db) => {
      const row = db.prepare(`SELECT * FROM users WHERE ${column} = ?`).get(lookup.value) as UserRow | undefined;
      return row ? toUser(row) : null;
    });
  }

  findUserById(id: EntityId): Promise<LocalUser | null> {
    return this.run((db) => this.userById(db, id));
  }

  createUser(user: NewLocalUser): Promise<LocalUser> {
    return this.run((db) => this.insertUser(db, user));
  }

  updateUser(id: EntityId, changes: LocalUserChanges): Promise<LocalUser> {
    return this.run((db) => {
      const keys = (Object.keys(COLUMNS) as (keyof NewLocalUser)[]).filter((k) => changes[k] !== undefined);
      if (keys.length > 0) {
        const set = keys.map((k) => `${COLUMNS[k]} = @${k}`).join(', ');
        db.prepare(`UPDATE users SET ${set} WHERE id = @id`).run({ ...pick(changes, keys), id });
      }
      const user = this.userById(db, id);
      if (!user) throw new Error(`SqliteStore: no user with id ${String(id)}`);
      return user;
    });
  }

  getRole(userId: EntityId, organizationId: EntityId): Promise<Role | null> {
    return this.run((db) => {
      const row = db.prepare('SELECT role FROM memberships WHERE user_id = ? AND organization_id = ?').get(userId, organizationId) as
        | { role: Role | null }
        | undefined;
      return row?.role ?? null;
    });
  }

  setRole(userId: EntityId, organizationId: EntityId, role: Role | null): Promise<void> {
    return this.run((db) => this.putRole(db, userId, organizationId, role));
  }

  listWorkspaces(userId: EntityId, organizationId: EntityId): Promise<string[]> {
    return this.run((db) => this.workspacesOf(db, userId, organizationId));
  }

  setWorkspaces(userId: EntityId, organizationId: EntityId, titles: readonly string[]): Promise<void> {
    const wanted = [...new Set(titles)];
    return this.run((db) =>
      // db.transaction nests as a SAVEPOINT inside an open provisioning transaction.
      db.transaction(() => {
        db.prepare(
          `DELETE FROM workspace_members WHERE user_id = ? AND workspace_id IN
             (SELECT id FROM workspaces WHERE organization_id = ? AND title NOT IN (SELECT value FROM json_each(?)))`,
        ).run(userId, organizationId, JSON.stringify(wanted));
        const addWs = db.prepare('INSERT OR IGNORE INTO workspaces (organization_id, title) VALUES (?, ?)');
        const addMember = db.prepare(
          `INSERT OR IGNORE INTO workspace_members (workspace_id, user_id)
             SELECT id, ? FROM workspaces WHERE organization_id = ? AND title = ?`,
        );
        for (const title of wanted) {
          addWs.run(organizationId, title);
          addMember.run(userId, organizationId, title);
        }
      })(),
    );
  }

  seedOrganizationOwner(owner: OwnerSeed): Promise<{ user: LocalUser; organization: Organization }> {
    const email = owner.email.trim().toLowerCase();
    return this.run((db) =>
      db.transaction(() => {
        const row = db.prepare('SELECT * FROM users WHERE email = ?').get(email) as UserRow | undefined;
        const user = row
          ? toUser(row)
          : this.insertUser(db, { email, username: owner.username ?? null, firstName: owner.firstName ?? '', lastName: owner.lastName ?? '' });
        let org = db.prepare('SELECT id, title FROM organizations WHERE owner_id = ?').get(user.id) as { id: number; title: string } | undefined;
        if (!org) {
          const title = owner.title ?? defaultOrganizationTitle(email);
          const id = Number(db.prepare('INSERT INTO organizations (title, owner_id) VALUES (?, ?)').run(title, user.id).lastInsertRowid);
          org = { id, title };
          this.putRole(db, user.id, id, 'administrator');
        }
        return { user, organization: { id: org.id, ownerEmail: user.email as string, title: org.title } };
      })(),
    );
  }

  listUsers(organizationId: EntityId): Promise<ListedUser[]> {
    return this.run((db) => {
      const rows = db
        .prepare(
          `SELECT u.*, m.role, (o.owner_id = u.id) AS is_owner FROM memberships m
             JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.organization_id
             WHERE m.organization_id = ? ORDER BY u.id`,
        )
        .all(organizationId) as (UserRow & { role: Role | null; is_owner: number })[];
      return rows.map((r) => ({
        ...toUser(r),
        role: r.role,
        isOwner: r.is_owner === 1,
        workspaces: this.workspacesOf(db, r.id, organizationId),
      }));
    });
  }

  listWorkspaceTitles(organizationId: EntityId): Promise<string[]> {
    return this.run((db) =>
      (db.prepare('SELECT title FROM workspaces WHERE organization_id = ? ORDER BY id').all(organizationId) as { title: string }[]).map(
        (r) => r.title,
      ),
    );
  }

  /** Closes the database once queued work has finished. */
  close(): Promise<void> {
    return this.exec.run(() => {
      if (this.db.open) this.db.close();
    });
  }

  /** Every call goes through the queue and sees the schema in place. */
  private run<T>(fn: (db: BetterSqlite3.Database) => T): Promise<T> {
    return this.exec.run(() => fn(this.sql()));
  }

  private sql(): BetterSqlite3.Database {
    if (!this.schemaReady) {
      this.db.pragma('foreign_keys = ON');
      if (this.filename !== ':memory:') this.db.pragma('journal_mode = WAL');
      this.db.exec(SCHEMA_SQL);
      if ((this.db.pragma('user_version', { simple: true }) as number) < SCHEMA_VERSION) this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      this.schemaReady = true;
    }
    return this.db;
  }

  private userById(db: BetterSqlite3.Database, id: EntityId): LocalUser | null {
    const row = db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  private insertUser(db: BetterSqlite3.Database, user: NewLocalUser): LocalUser {
    const info = db
      .prepare('INSERT INTO users (email, username, first_name, last_name) VALUES (@email, @username, @firstName, @lastName)')
      .run(user);
    return { id: Number(info.lastInsertRowid), ...user };
  }

  private putRole(db: BetterSqlite3.Database, userId: EntityId, organizationId: EntityId, role: Role | null): void {
    db.prepare(
      `INSERT INTO memberships (organization_id, user_id, role) VALUES (?, ?, ?)
         ON CONFLICT (organization_id, user_id) DO UPDATE SET role = excluded.role`,
    ).run(organizationId, userId, role);
  }

  private workspacesOf(db: BetterSqlite3.Database, userId: EntityId, organizationId: EntityId): string[] {
    const rows = db
      .prepare(
        `SELECT w.title FROM workspaces w JOIN workspace_members wm ON wm.workspace_id = w.id
           WHERE wm.user_id = ? AND w.organization_id = ? ORDER BY w.id`,
      )
      .all(userId, organizationId) as { title: string }[];
    return rows.map((r) => r.title);
  }
}

function pick(changes: LocalUserChanges, keys: (keyof NewLocalUser)[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const k of keys) out[k] = changes[k] ?? null;
  return out;
}
