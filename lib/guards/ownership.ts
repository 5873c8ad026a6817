// Which assignments LDAP owns (MANUAL_*_MANAGEMENT=0), and the refusal the application's own
// management API must answer for them. Framework-free; the Express middleware builds on this.
import type { LdapOptions } from '../types';

export type ManagedKind = 'role' | 'workspace' | 'projectMember';

export const MANAGED_KINDS: readonly ManagedKind[] = ['role', 'workspace', 'projectMember'];

export type OwnershipOptions = Pick<LdapOptions, 'manual'>;

const VARIABLE: Readonly<Record<ManagedKind, string>> = {
  role: 'MANUAL_ROLE_MANAGEMENT',
  workspace: 'MANUAL_WORKSPACE_MANAGEMENT',
  projectMember: 'MANUAL_PROJECT_MEMBER_MANAGEMENT',
};

const SUBJECT: Readonly<Record<ManagedKind, string>> = {
  role: 'Roles are',
  workspace: 'Workspace memberships are',
  projectMember: 'Project members are',
};

/** The JSON body of a refusal. */
export interface LdapManagedBody {
  error: 'LDAP_MANAGED';
  message: string;
  kind: ManagedKind;
  /** The variable that hands this assignment to LDAP. */
  variable: string;
}

export interface GuardRefusal<B> {
  status: 403;
  body: B;
}

/** For each kind, true when LDAP owns it (its MANUAL_*_MANAGEMENT is 0). */
export function ldapOwnership(options: OwnershipOptions): Record<ManagedKind, boolean> {
  return { role: !options.manual.role, workspace: !options.manual.workspace, projectMember: !options.manual.projectMember };
}

export function isLdapManaged(kind: ManagedKind, options: OwnershipOptions): boolean {
  return ldapOwnership(options)[kind];
}

/** null when the application may make this assignment; otherwise the 403 it must answer. */
export function checkAssignment(kind: ManagedKind, options: OwnershipOptions): GuardRefusal<LdapManagedBody> | null {
  if (!isLdapManaged(kind, options)) return null;
  const variable = VARIABLE[kind];
  return {
    status: 403,
    body: {
      error: 'LDAP_MANAGED',
      message: `${SUBJECT[kind]} managed by LDAP (${variable}=0); change the user's LDAP groups instead.`,
      kind,
      variable,
    },
  };
}
