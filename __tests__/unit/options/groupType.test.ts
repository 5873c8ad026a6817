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

  it.each(['ou', 'cn', 'name', 'displayName', 'x-group-name', '2.5.4.11', 'type'])(
    'a bare attribute %s is groupOfNames named by it',
    (attr) => {
      expect(parseGroupType(attr)).toEqual({ type: 'groupOfNames', nameAttribute: attr });
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
