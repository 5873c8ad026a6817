// The store a host application implements so the product can provision LDAP users into it
// (semantics.md section 6). Every method is async so any database or ORM fits.
import type { LdapUser, Role } from '../types';

/** Ids are whatever the host uses (auto-increment numbers, UUID strings, ...). */
export type EntityId = string | number;

/** The application's user as provisioning sees it. Passwords are never part of it. */
export interface LocalUser {
  id: EntityId;
  /** Null only when the LDAP entry had no email and the lookup field is `username`. */
  email: string | null;
  /** Null only when the LDAP entry had no username and the lookup field is `email`. */
  username: string | null;
  firstName: string;
  lastName: string;
}

export type NewLocalUser = Omit<LocalUser, 'id'>;

/** Only the fields that changed; an absent key means "leave as is". */
export type LocalUserChanges = Partial<NewLocalUser>;

/** How the local user is found: `AUTH_LDAP_USER_QUERY_FIELD` and the value read from LDAP. */
export type UserLookup = LdapUser['lookup'];

/** The organization owned by `AUTH_LDAP_ORGANIZATION_OWNER_EMAIL`. */
export interface Organization {
  id: EntityId;
  ownerEmail: string;
  title?: string;
}

export interface ProvisioningStore {
  /** The organization whose owner has this email (compare case-insensitively), or null. */
  findOrganizationByOwnerEmail(email: string): Promise<Organization | null>;

  /** Emails arrive lower-cased; compare emails case-insensitively. */
  findUser(lookup: UserLookup): Promise<LocalUser | null>;

  createUser(user: NewLocalUser): Promise<LocalUser>;

  /** Applies `changes` and returns the updated user. */
  updateUser(id: EntityId, changes: LocalUserChanges): Promise<LocalUser>;

  /** The user's role in the organization; null when not a member or a member without a role. */
  getRole(userId: EntityId, organizationId: EntityId): Promise<Role | null>;

  /**
   * Makes the user a member of the organization with this role. `null` means "member, role left
   * to the application's default"; provisioning passes null only to make a user join without a
   * mapped role, never to take an existing role away.
   */
  setRole(userId: EntityId, organizationId: EntityId, role: Role | null): Promise<void>;

  /** Titles of the organization's workspaces the user is a member of. */
  listWorkspaces(userId: EntityId, organizationId: EntityId): Promise<string[]>;

  /**
   * Makes the user's memberships in the organization's workspaces exactly `titles`: adds the
   * missing ones (creating a workspace by title when none exists) and removes the others.
   */
  setWorkspaces(userId: EntityId, organizationId: EntityId, titles: readonly string[]): Promise<void>;

  /**
   * Optional. When present, one login's provisioning runs inside it, so a login that fails half-way
   * leaves nothing behind. Use the store passed to `fn`; throw (reject) to roll back.
   */
  transaction?<T>(fn: (store: ProvisioningStore) => Promise<T>): Promise<T>;
}
