// Pure decisions of semantics.md section 6, kept apart from store I/O so each rule reads on its own.
import type { LdapUser, Role } from '../types';
import type { LocalUser, LocalUserChanges, NewLocalUser } from './store';

/** A new local user from the LDAP entry; the lookup field always carries the lookup value. */
export function newUserFrom(ldap: LdapUser): NewLocalUser {
  return {
    email: ldap.lookup.field === 'email' ? ldap.lookup.value : ldap.email,
    username: ldap.lookup.field === 'username' ? ldap.lookup.value : ldap.username,
    firstName: ldap.firstName ?? '',
    lastName: ldap.lastName ?? '',
  };
}

/**
 * Fields to refresh at this login. An attribute the entry lacks (null) leaves the local value
 * alone, as django-auth-ldap does: a missing attribute must not blank a user's email or name.
 */
export function attributeChanges(local: LocalUser, ldap: LdapUser): LocalUserChanges {
  const wanted = newUserFrom(ldap);
  const changes: LocalUserChanges = {};
  if (wanted.email !== null && wanted.email !== local.email) changes.email = wanted.email;
  if (wanted.username !== null && wanted.username !== local.username) changes.username = wanted.username;
  if (ldap.firstName !== null && ldap.firstName !== local.firstName) changes.firstName = ldap.firstName;
  if (ldap.lastName !== null && ldap.lastName !== local.lastName) changes.lastName = ldap.lastName;
  return changes;
}

export interface RoleInput {
  /** The role resolved from LDAP groups (section 5). */
  mapped: Role | null;
  /** The role the user has in the organization now. */
  current: Role | null;
  /** MANUAL_ROLE_MANAGEMENT: true = manual, false = LDAP-owned. */
  manual: boolean;
  /** The user was created at this login. */
  created: boolean;
  /** The user owns the organization: "owner is never mapped" (section 5). */
  isOwner: boolean;
}

/** `write` says whether setRole must be called; `role` is the role afterwards. */
export function decideRole(input: RoleInput): { write: boolean; role: Role | null } {
  const { mapped, current, manual, created, isOwner } = input;
  const keep = { write: false, role: current };
  if (isOwner) return keep;
  // No role yet (new user, or not yet a member): join the organization with the mapped role, or
  // with none when nothing is mapped. Same in both modes.
  if (created || current === null) return { write: true, role: mapped };
  if (!manual) {
    // LDAP-owned: the mapped role wins at every login. A null mapping (no role mappings at all)
    // means "the application decides", so an existing role is left alone.
    return mapped !== null && mapped !== current ? { write: true, role: mapped } : keep;
  }
  // Manual: local edits survive; only a deactivation from LDAP overrides them.
  return mapped === 'deactivated' && current !== 'deactivated' ? { write: true, role: 'deactivated' } : keep;
}

/** Titles the user must be a member of afterwards, or null when nothing changes. */
export function decideWorkspaces(mapped: readonly string[], current: readonly string[], manual: boolean): string[] | null {
  const target = manual ? unique([...current, ...mapped]) : unique(mapped);
  return sameSet(target, current) ? null : target;
}

export function emailsEqual(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
}

function unique(titles: readonly string[]): string[] {
  return [...new Set(titles)];
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((t) => sb.has(t));
}
