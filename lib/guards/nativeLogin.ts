// When LDAP login is on, native (local password) login is off (semantics.md section 6). This guard
// tells the application so and enforces it on its password-login route.
import { isLdapEnabled } from '../options/fromEnv';
import type { GuardMiddleware } from './http';
import type { GuardRefusal } from './ownership';

export interface NativeLoginDisabledBody {
  error: 'NATIVE_LOGIN_DISABLED';
  message: string;
}

export const NATIVE_LOGIN_DISABLED_MESSAGE =
  'Password login is disabled because LDAP login is enabled (AUTH_LDAP_ENABLED=1); sign in with your LDAP account instead.';

/** `true`/`false`, or an environment (AUTH_LDAP_ENABLED is read with the strategy's own rules). */
export type LdapEnabledSource = boolean | Record<string, string | undefined>;

export interface NativeLoginGuard extends GuardMiddleware {
  readonly ldapEnabled: boolean;
  /** False while LDAP is enabled. */
  readonly nativeLoginAllowed: boolean;
  /** null when native login is allowed; otherwise the 403 to answer. */
  check(): GuardRefusal<NativeLoginDisabledBody> | null;
}

export function nativeLoginAllowed(source: LdapEnabledSource): boolean {
  return !ldapEnabledFrom(source);
}

/** Put it in front of the application's password-login route: 403 JSON while LDAP is enabled. */
export function nativeLoginGuard(source: LdapEnabledSource): NativeLoginGuard {
  const enabled = ldapEnabledFrom(source);
  const refusal: GuardRefusal<NativeLoginDisabledBody> | null = enabled
    ? { status: 403, body: { error: 'NATIVE_LOGIN_DISABLED', message: NATIVE_LOGIN_DISABLED_MESSAGE } }
    : null;
  const middleware: GuardMiddleware = (_req, res, next) => {
    if (refusal) res.status(refusal.status).json(refusal.body);
    else next();
  };
  return Object.assign(middleware, { ldapEnabled: enabled, nativeLoginAllowed: !enabled, check: () => refusal });
}

function ldapEnabledFrom(source: LdapEnabledSource): boolean {
  return typeof source === 'boolean' ? source : isLdapEnabled(source);
}
