// Extra operations the shipped stores offer beyond ProvisioningStore: seeding the organization
// owner (who must exist before LDAP users log in) and the listings an admin page needs.
import type { EntityId, LocalUser, Organization, ProvisioningStore } from '../provisioning/store';
import type { Role } from '../types';

export interface OwnerSeed {
  email: string;
  username?: string | null;
  firstName?: string;
  lastName?: string;
  /** Organization title; default "<email>'s organization". */
  title?: string;
}

/** A user as an admin page shows it. */
export interface ListedUser extends LocalUser {
  role: Role | null;
  /** True for the organization owner (who keeps the administrator role and is never re-mapped). */
  isOwner: boolean;
  workspaces: string[];
}

export interface ShippedStore extends ProvisioningStore {
  /**
   * Creates the owner and their organization, or returns the existing ones (idempotent). The owner
   * joins as administrator, since Role has no "owner".
   */
  seedOrganizationOwner(owner: OwnerSeed): Promise<{ user: LocalUser; organization: Organization }>;
  findUserById(id: EntityId): Promise<LocalUser | null>;
  /** Members of the organization with role and workspaces, ordered by id. */
  listUsers(organizationId: EntityId): Promise<ListedUser[]>;
  /** Every workspace title of the organization, ordered by creation. */
  listWorkspaceTitles(organizationId: EntityId): Promise<string[]>;
  transaction<T>(fn: (store: ProvisioningStore) => Promise<T>): Promise<T>;
}

export function defaultOrganizationTitle(email: string): string {
  return `${email}'s organization`;
}
