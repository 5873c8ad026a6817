// Express-style middleware for the application's role / workspace / project-member routes.
import type { GuardMiddleware } from './http';
import { checkAssignment, type ManagedKind, type OwnershipOptions } from './ownership';

/**
 * Answers 403 JSON when LDAP owns `kind`, otherwise passes on. Decided once, at start-up: the
 * MANUAL_* variables are read when the application starts, like the rest of the configuration.
 */
export function refuseIfLdapManaged(kind: ManagedKind, options: OwnershipOptions): GuardMiddleware {
  const refusal = checkAssignment(kind, options);
  return (_req, res, next) => {
    if (refusal) res.status(refusal.status).json(refusal.body);
    else next();
  };
}
