import { GROUP_TYPES, parseGroupType } from '../../../lib/options/groupType';

describe('parseGroupType', () => {
  it('defaults to groupOfNames named by cn', () => {
    expect(parseGroupType(null)).toEqual({ type: 'groupOfNames', nameAttribute: 'cn' });
  });

  it.each(GROUP_TYPES.map((t) => [t]))('accepts the canonical name %s in any case and with Type', (t) => {
    expect(parseGroupType(t)).toEqual({ type: t, nameAttribute: 'cn' });
    expect(parseGroupType(t.toUpperCase())).toEqual({ type: t, nameAttribute: 'cn' });
    expect(parseGroupType(t.toLowerCase())).toEqual({ type: t, nameAttribute: 'cn' });
    expect(parseGroupType(`${t}Type`)).toEqual({ type: t, nameAttribute: 'cn' });
    expect(parseGroupType(`${t}type`)).toEqual({ type: t, nameAttribute: 'cn' });
  });

  it.each([
    ['GroupOfNamesType', 'groupOfNames'],
    ['NestedGroupOfNamesType', 'nestedGroupOfNames'],
    ['GroupOfUniqueNamesType', 'groupOfUniqueNames'],
    ['NestedGroupOfUniqueNamesType', 'nestedGroupOfUniqueNames'],
    ['PosixGroupType', 'posixGroup'],
    ['posix', 'posixGroup'],
    ['POSIX', 'posixGroup'],
    ['ActiveDirectoryGroupType', 'activeDirectory'],
    ['NestedActiveDirectoryGroupType', 'nestedActiveDirectory'],
    ['OrganizationalRoleGroupType', 'organizationalRole'],
    ['NestedOrganizationalRoleGroupType', 'nestedOrganizationalRole'],
    ['group_of_names', 'groupOfNames'],
    ['nested-active-directory', 'nestedActiveDirectory'],
    ['memberof', 'memberOf'],
  ])('accepts %s as %s', (input, type) => {
    expect(parseGroupType(input)).toEqual({ type, nameAttribute: 'cn' });
  });

  it.each(['ou', 'cn', 'name', 'displayName', 'sAMAccountName', 'o'])('a bare attribute %s is groupOfNames named by it', (attr) => {
    expect(parseGroupType(attr)).toEqual({ type: 'groupOfNames', nameAttribute: attr });
  });

  it.each(['x-department', '2.5.4.11', 'whatever'])('an unusual bare attribute %s is accepted with a warning', (attr) => {
    const r = parseGroupType(attr);
    expect(r).toMatchObject({ type: 'groupOfNames', nameAttribute: attr });
    expect(typeof r !== 'string' && r.warning).toMatch(/^AUTH_LDAP_GROUP_TYPE=.* bare attribute name.*posixGroup/);
  });

  it.each(['posixGroups', 'GroupOfName', 'nestedGroup', 'activeDirectoryGroups', 'memberOfs', 'x-group-name'])(
    'the misspelt type %s is an error, not an attribute',
    (v) => {
      expect(parseGroupType(v)).toMatch(/^AUTH_LDAP_GROUP_TYPE: unknown group type/);
    },
  );

  it.each(['group of names', 'foo!', 'MemberDNGroupType', 'NISGroupType', 'NestedMemberDNGroupType', 'cn;binary', '1abc'])(
    '%s is an error listing the accepted values',
    (v) => {
      const r = parseGroupType(v);
      expect(typeof r).toBe('string');
      expect(r).toMatch(/^AUTH_LDAP_GROUP_TYPE: unknown group type/);
      expect(r).toContain(JSON.stringify(v));
      for (const t of GROUP_TYPES) expect(r).toContain(t);
      expect(r).toContain('posix');
      expect(r).toContain('bare attribute');
    },
  );
});
