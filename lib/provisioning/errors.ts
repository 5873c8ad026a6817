// The one error type provisioning throws. Messages name the variable to fix where there is one and
// carry only emails, DNs and titles: an LdapUser holds no password, so none can leak from here.

export type ProvisioningErrorCode =
  /** AUTH_LDAP_ORGANIZATION_OWNER_EMAIL is not set but a store was given. */
  | 'ORGANIZATION_OWNER_NOT_SET'
  /** No organization is owned by the configured email (the owner is not registered). */
  | 'ORGANIZATION_OWNER_NOT_FOUND'
  /** The LDAP email or username already belongs to another local user. */
  | 'USER_CONFLICT'
  /** The user object handed in cannot be provisioned (e.g. empty lookup value). */
  | 'INVALID_USER'
  /** The store threw; `cause` holds its error. */
  | 'STORE_FAILED';

export class ProvisioningError extends Error {
  readonly code: ProvisioningErrorCode;
  /** The environment variable to look at, when one is to blame. */
  readonly variable: string | null;
  /** What provisioning was doing when the store failed, e.g. 'creating the user'. */
  readonly step: string | null;

  constructor(
    code: ProvisioningErrorCode,
    message: string,
    opts: { variable?: string | null; step?: string | null; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ProvisioningError';
    this.code = code;
    this.variable = opts.variable ?? null;
    this.step = opts.step ?? null;
  }
}
