// Provisioning LDAP users into the host application (semantics.md section 6).
export { provisionUser, provisioningConfigProblems, OWNER_VARIABLE } from './provision';
export type { ProvisionedUser, ProvisioningOptions, ProvisioningSettings } from './provision';
export { ProvisioningError } from './errors';
export type { ProvisioningErrorCode } from './errors';
export type { EntityId, LocalUser, LocalUserChanges, NewLocalUser, Organization, ProvisioningStore, UserLookup } from './store';
