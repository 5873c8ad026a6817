// Shared types: the resolved configuration, the user object and authentication outcomes.
// Pure declarations only; every module may import this file.

/** Organization roles in precedence order is defined in mapping/roles.ts. */
export type Role = 'administrator' | 'manager' | 'reviewer' | 'annotator' | 'not_activated' | 'deactivated';

export const ROLES: readonly Role[] = [
  'administrator',
  'manager',
  'reviewer',
  'annotator',
  'not_activated',
  'deactivated',
];

/** Canonical group types (semantics.md section 3). */
export type GroupType =
  | 'groupOfNames'
  | 'groupOfUniqueNames'
  | 'posixGroup'
  | 'organizationalRole'
  | 'activeDirectory'
  | 'nestedGroupOfNames'
  | 'nestedGroupOfUniqueNames'
  | 'nestedOrganizationalRole'
  | 'nestedActiveDirectory'
  | 'memberOf';

export interface GroupOptions {
  type: GroupType;
  /** For the bare-attribute form (`AUTH_LDAP_GROUP_TYPE=cn`): the attribute holding a group's name. */
  nameAttribute: string;
  /** Base DN of the group search (subtree); null when no search is needed or configured. */
  searchBase: string | null;
  /** Extra filter ANDed into every group search, always parenthesised, e.g. `(objectClass=*)`. */
  filter: string;
}

export interface AttributeMap {
  firstName: string;
  lastName: string;
  email: string;
  username: string;
}

export interface WorkspaceMapping {
  title: string;
  /** Group DNs as written in the configuration. */
  groups: string[];
}

export type RoleMappings = Record<Role, string[]>;

export interface ServerUri {
  /** The URI as configured, normalised with an explicit port, e.g. `ldaps://ldap.example.com:636`. */
  url: string;
  secure: boolean;
  host: string;
  port: number;
}

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface TlsOptions {
  /** PEM text of trusted CAs; undefined means Node's default trust store. */
  ca?: string[];
  /** PEM text of a client certificate and key (both or neither). */
  cert?: string;
  key?: string;
  /** false only when OPT_X_TLS_REQUIRE_CERT is never / allow. */
  rejectUnauthorized: boolean;
  minVersion?: TlsVersion;
  maxVersion?: TlsVersion;
  ciphers?: string;
}

export interface ManualManagement {
  role: boolean;
  workspace: boolean;
  projectMember: boolean;
}

/** Everything the product needs, as produced by optionsFromEnv(). Secrets live only in bindPassword. */
export interface LdapOptions {
  servers: ServerUri[];
  /** Service account; both null means anonymous service bind. */
  bindDn: string | null;
  bindPassword: string | null;
  startTls: boolean;
  /** USE_USERNAME_FOR_LOGIN: when false the login name must be an email address. */
  allowUsername: boolean;
  /** Template with exactly one `%(user)s`; null selects search mode. */
  userDnTemplate: string | null;
  userSearchBases: string[];
  /** Search filter with `%(user)s`. */
  userSearchFilter: string;
  organizationOwnerEmail: string | null;
  attributes: AttributeMap;
  queryField: 'email' | 'username';
  group: GroupOptions;
  roles: RoleMappings;
  workspaces: WorkspaceMapping[];
  manual: ManualManagement;
  tls: TlsOptions;
  /** OPT_NETWORK_TIMEOUT in milliseconds: connect (TCP + TLS) per server. */
  networkTimeoutMs: number;
  /** OPT_TIMEOUT in milliseconds: any single LDAP operation. */
  operationTimeoutMs: number;
  /** Warnings found while reading the configuration (e.g. TLS verification off), logged at start-up. */
  warnings: string[];
}

/** Minimal logger; console works. Messages never contain secrets. */
export interface Logger {
  debug?(message: string, details?: Record<string, unknown>): void;
  info?(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

/** The user handed to the verify callback (semantics.md section 6). */
export interface LdapUser {
  dn: string;
  username: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  /** Group DNs as the server spells them. */
  groups: string[];
  role: Role | null;
  workspaces: string[];
  organization: { ownerEmail: string } | null;
  lookup: { field: 'email' | 'username'; value: string };
}

export type FailureCode =
  | 'MISSING_CREDENTIALS'
  | 'MALFORMED_CREDENTIALS'
  | 'INVALID_CREDENTIALS'
  | 'ACCOUNT_DEACTIVATED'
  | 'USER_NOT_FOUND'
  | 'PASSWORD_EXPIRED'
  | 'ACCOUNT_DISABLED'
  | 'ACCOUNT_EXPIRED'
  | 'ACCOUNT_LOCKED'
  | 'PASSWORD_MUST_CHANGE'
  | 'INVALID_LOGON_HOURS'
  | 'INVALID_WORKSTATION'
  | 'MISSING_LOOKUP_ATTRIBUTE';

export interface AuthFailure {
  ok: false;
  /** Short message safe to show the user. */
  message: string;
  status: 400 | 401 | 403;
  code: FailureCode;
  /** Only on ACCOUNT_DEACTIVATED: the user as resolved, so provisioning can record the role. */
  user?: LdapUser;
}

export interface AuthSuccess {
  ok: true;
  user: LdapUser;
}

export type AuthResult = AuthSuccess | AuthFailure;
