// The pure decisions behind provisioning, one row per rule.
import { attributeChanges, decideRole, decideWorkspaces, newUserFrom } from '../../../lib/provisioning/rules';
import type { Role } from '../../../lib/types';
import { ldapUser } from './helpers';

type Row = [string, { mapped: Role | null; current: Role | null; manual: boolean; created: boolean; isOwner?: boolean }, { write: boolean; role: Role | null }];

const ROWS: Row[] = [
  ['LDAP-owned: new user gets the mapped role', { mapped: 'annotator', current: null, manual: false, created: true }, { write: true, role: 'annotator' }],
  ['LDAP-owned: mapped role replaces a local one', { mapped: 'manager', current: 'reviewer', manual: false, created: false }, { write: true, role: 'manager' }],
  ['LDAP-owned: unchanged role is not written', { mapped: 'manager', current: 'manager', manual: false, created: false }, { write: false, role: 'manager' }],
  ['LDAP-owned: null mapping keeps a role', { mapped: null, current: 'reviewer', manual: false, created: false }, { write: false, role: 'reviewer' }],
  ['LDAP-owned: null mapping joins without role', { mapped: null, current: null, manual: false, created: true }, { write: true, role: null }],
  ['manual: new user gets the mapped role', { mapped: 'reviewer', current: null, manual: true, created: true }, { write: true, role: 'reviewer' }],
  ['manual: existing role kept', { mapped: 'administrator', current: 'annotator', manual: true, created: false }, { write: false, role: 'annotator' }],
  ['manual: deactivated mapping wins', { mapped: 'deactivated', current: 'manager', manual: true, created: false }, { write: true, role: 'deactivated' }],
  ['manual: no role yet, mapped role set', { mapped: 'manager', current: null, manual: true, created: false }, { write: true, role: 'manager' }],
  ['owner is never re-mapped', { mapped: 'deactivated', current: 'administrator', manual: false, created: false, isOwner: true }, { write: false, role: 'administrator' }],
];

describe('decideRole', () => {
  it.each(ROWS)('%s', (_name, input, expected) => {
    expect(decideRole({ isOwner: false, ...input })).toEqual(expected);
  });
});

describe('decideWorkspaces', () => {
  it('LDAP-owned: exactly the mapped titles, de-duplicated, in mapping order', () => {
    expect(decideWorkspaces(['B', 'A', 'B'], ['A', 'C'], false)).toEqual(['B', 'A']);
  });
  it('manual: current plus mapped', () => {
    expect(decideWorkspaces(['B'], ['A', 'C'], true)).toEqual(['A', 'C', 'B']);
  });
  it('null when the set is unchanged, whatever the order', () => {
    expect(decideWorkspaces(['A', 'B'], ['B', 'A'], false)).toBeNull();
    expect(decideWorkspaces(['A'], ['A', 'B'], true)).toBeNull();
  });
});

describe('user attributes', () => {
  it('a new user takes the lookup value for its lookup field', () => {
    expect(newUserFrom(ldapUser({ username: null, lookup: { field: 'username', value: 'ann' } }))).toMatchObject({ username: 'ann' });
  });
  it('only changed, present attributes are refreshed', () => {
    const local = { id: 1, email: 'ann@example.com', username: 'ann', firstName: 'Ann', lastName: 'Old' };
    expect(attributeChanges(local, ldapUser({ firstName: null }))).toEqual({ lastName: 'Lee' });
  });
});
