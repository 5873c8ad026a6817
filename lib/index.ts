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
export { provisionUser, provisioningConfigProblems, ProvisioningError } from './provisioning';
export type {
  EntityId,
  LocalUser,
  LocalUserChanges,
  NewLocalUser,
  Organization,
  ProvisionedUser,
  ProvisioningErrorCode,
  ProvisioningOptions,
  ProvisioningSettings,
  ProvisioningStore,
  UserLookup,
} from './provisioning';
export { MemoryStore, SqliteStore } from './stores';
export type { ListedUser, OwnerSeed, ShippedStore } from './stores';
export {
  checkAssignment,
  isLdapManaged,
  ldapOwnership,
  MANAGED_KINDS,
  refuseIfLdapManaged,
  nativeLoginGuard,
  nativeLoginAllowed,
  NATIVE_LOGIN_DISABLED_MESSAGE,
} from './guards';
export type {
  GuardMiddleware,
  GuardNext,
  GuardRefusal,
  GuardResponse,
  LdapEnabledSource,
  LdapManagedBody,
  ManagedKind,
  NativeLoginDisabledBody,
  NativeLoginGuard,
  OwnershipOptions,
} from './guards';
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
