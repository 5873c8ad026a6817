// Public API of passport-label-studio-ldap. Everything an application may use is exported here.
export { LabelStudioLdapStrategy } from './strategy';
export type {
  LoginRequest,
  StrategyOptions,
  StrategySettings,
  VerifyDone,
  VerifyFunction,
  VerifyFunctionWithRequest,
} from './strategy';
export { LdapAuthenticator } from './core/authenticator';
export type { AuthenticatorSettings } from './core/authenticator';
export { defaultLogger, silentLogger } from './core/logger';
export { optionsFromEnv, isLdapEnabled } from './options';
export type { OptionsIo } from './options';
export { resolveRole, resolveWorkspaces, normalizeDn, dnEquals, escapeDnValue, escapeFilterValue } from './mapping';
export { LdapConfigError, LdapInfrastructureError } from './errors';
export type { LdapErrorKind } from './errors';
export { ROLES } from './types';
export type {
  AttributeMap,
  AuthFailure,
  AuthResult,
  AuthSuccess,
  FailureCode,
  GroupOptions,
  GroupType,
  LdapOptions,
  LdapUser,
  Logger,
  ManualManagement,
  Role,
  RoleMappings,
  ServerUri,
  TlsOptions,
  TlsVersion,
  WorkspaceMapping,
} from './types';
