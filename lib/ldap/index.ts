// The LDAP layer: the only folder that touches ldapjs.
export { LdapConnection, LdapResultError, type ConnectSettings, type Entry, type SearchParams } from './connection';
export { BindPool, ServiceConnection } from './pool';
