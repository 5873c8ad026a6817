// Error classes the product throws. None of them ever carries a password: messages are built
// from DNs, URIs and variable names only.

/** Configuration is wrong. `problems` lists every problem found, each naming its variable. */
export class LdapConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(
      problems.length === 1
        ? `LDAP configuration error: ${problems[0]}`
        : `LDAP configuration has ${problems.length} problems:\n- ${problems.join('\n- ')}`,
    );
    this.name = 'LdapConfigError';
    this.problems = problems;
  }
}

export type LdapErrorKind =
  | 'UNREACHABLE'
  | 'TLS'
  | 'TIMEOUT'
  | 'SERVICE_BIND'
  | 'SEARCH'
  | 'PROTOCOL'
  | 'CONFIG';

/**
 * Infrastructure failure: the directory could not be used (Passport `error`, not `fail`).
 * `server` says which server, when one is known; the message says what to do.
 */
export class LdapInfrastructureError extends Error {
  readonly kind: LdapErrorKind;
  readonly server: string | null;
  /** LDAP result code when the server answered with one. */
  readonly ldapCode: number | null;

  constructor(kind: LdapErrorKind, message: string, opts: { server?: string | null; ldapCode?: number | null } = {}) {
    super(message);
    this.name = 'LdapInfrastructureError';
    this.kind = kind;
    this.server = opts.server ?? null;
    this.ldapCode = opts.ldapCode ?? null;
  }
}
