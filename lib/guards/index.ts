// Guards for the application's own routes: LDAP-owned assignments and native password login.
export { ldapOwnership, isLdapManaged, checkAssignment, MANAGED_KINDS } from './ownership';
export type { GuardRefusal, LdapManagedBody, ManagedKind, OwnershipOptions } from './ownership';
export { refuseIfLdapManaged } from './middleware';
export { nativeLoginGuard, nativeLoginAllowed, NATIVE_LOGIN_DISABLED_MESSAGE } from './nativeLogin';
export type { LdapEnabledSource, NativeLoginDisabledBody, NativeLoginGuard } from './nativeLogin';
export type { GuardMiddleware, GuardNext, GuardResponse } from './http';
