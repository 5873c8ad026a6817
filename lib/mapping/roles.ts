// Role resolution (semantics.md section 5); the rules live in matcher.ts (one implementation).
import type { LdapOptions, Role } from '../types';
import { roleMatcherFor } from './matcher';

export { ROLE_PRECEDENCE } from './precedence';

/**
 * Highest-precedence role among the user's mapped groups. No match: `deactivated` when roles are
 * LDAP-owned (manual.role === false) and any role mapping exists, otherwise null.
 */
export function resolveRole(groupDns: readonly string[], options: Pick<LdapOptions, 'roles' | 'manual'>): Role | null {
  return roleMatcherFor(options)(groupDns);
}
