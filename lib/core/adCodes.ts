// Active Directory puts the reason for a refused bind in the diagnostic message
// (`80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 775, v4563`).
import type { AuthFailure, FailureCode } from '../types';

interface AdState {
  code: FailureCode;
  message: string;
  log: string;
}

const AD_STATES: Record<string, AdState> = {
  '525': { code: 'INVALID_CREDENTIALS', message: 'Invalid username or password', log: 'user not found (525)' },
  '52e': { code: 'INVALID_CREDENTIALS', message: 'Invalid username or password', log: 'invalid credentials (52e)' },
  '530': {
    code: 'INVALID_LOGON_HOURS',
    message: 'Your account may not sign in at this time',
    log: 'not permitted to logon at this time (530)',
  },
  '531': {
    code: 'INVALID_WORKSTATION',
    message: 'Your account may not sign in from this computer',
    log: 'not permitted to logon at this workstation (531)',
  },
  '532': { code: 'PASSWORD_EXPIRED', message: 'Your password has expired', log: 'password expired (532)' },
  '533': { code: 'ACCOUNT_DISABLED', message: 'Your account is disabled', log: 'account disabled (533)' },
  '701': { code: 'ACCOUNT_EXPIRED', message: 'Your account has expired', log: 'account expired (701)' },
  '773': {
    code: 'PASSWORD_MUST_CHANGE',
    message: 'You must change your password before signing in',
    log: 'user must reset password (773)',
  },
  '775': { code: 'ACCOUNT_LOCKED', message: 'Your account is locked', log: 'account locked out (775)' },
};

/** The AD sub-code in a diagnostic message, lower-cased, or null. */
export function adSubCode(diagnostic: string): string | null {
  const m = /\bdata ([0-9a-f]{3,8})\b/i.exec(diagnostic);
  return m ? m[1].toLowerCase() : null;
}

/** Maps a refused bind (result 49) to the failure the user sees, and a line for the log. */
export function bindFailure(diagnostic: string): { failure: AuthFailure; log: string } {
  const sub = adSubCode(diagnostic);
  const state = sub ? AD_STATES[sub] : undefined;
  if (!state) {
    return {
      failure: { ok: false, message: 'Invalid username or password', status: 401, code: 'INVALID_CREDENTIALS' },
      log: sub ? `invalid credentials (AD data ${sub})` : 'invalid credentials',
    };
  }
  return { failure: { ok: false, message: state.message, status: 401, code: state.code }, log: state.log };
}
