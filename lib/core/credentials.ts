// Validates login input before any LDAP traffic (semantics.md section 2, step 1).
import type { AuthFailure } from '../types';

/** Longest login name we send to a directory; AD's UPN limit is 1024 characters. */
export const MAX_USERNAME_LENGTH = 1024;
/** Longest password we send; far above any directory's own limit. */
export const MAX_PASSWORD_LENGTH = 4096;

export const INVALID_CREDENTIALS: AuthFailure = Object.freeze({
  ok: false,
  message: 'Invalid username or password',
  status: 401,
  code: 'INVALID_CREDENTIALS',
}) as AuthFailure;

function malformed(message: string, code: 'MISSING_CREDENTIALS' | 'MALFORMED_CREDENTIALS' = 'MALFORMED_CREDENTIALS'): AuthFailure {
  return { ok: false, message, status: 400, code };
}

export type CheckedCredentials = { ok: true; username: string; password: string } | AuthFailure;

/** Checks types and shapes; the username is trimmed, the password is used exactly as given. */
export function checkCredentials(username: unknown, password: unknown, allowUsername: boolean): CheckedCredentials {
  if (typeof username !== 'string' || typeof password !== 'string') {
    return malformed('Missing username or password', 'MISSING_CREDENTIALS');
  }
  const name = username.trim();
  if (name === '' || password === '') return malformed('Missing username or password', 'MISSING_CREDENTIALS');
  if (name.length > MAX_USERNAME_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    return malformed('Username or password is too long');
  }
  // NUL and other control characters never occur in a real login name.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return malformed('Username contains invalid characters');
  if (!allowUsername && !name.includes('@')) return INVALID_CREDENTIALS;
  return { ok: true, username: name, password };
}
