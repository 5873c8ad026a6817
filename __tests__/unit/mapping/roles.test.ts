import { ROLE_PRECEDENCE, resolveRole } from '../../../lib/mapping/roles';
import type { ManualManagement, Role, RoleMappings } from '../../../lib/types';
import { ROLES } from '../../../lib/types';

const GROUP: Record<Role, string> = {
  deactivated: 'cn=Deactivated,ou=Groups,dc=example,dc=com',
  administrator: 'cn=Admins,ou=Groups,dc=example,dc=com',
  manager: 'cn=Managers,ou=Groups,dc=example,dc=com',
  reviewer: 'cn=Reviewers,ou=Groups,dc=example,dc=com',
  annotator: 'cn=Annotators,ou=Groups,dc=example,dc=com',
  not_activated: 'cn=Pending,ou=Groups,dc=example,dc=com',
};

function roles(partial: Partial<RoleMappings> = {}): RoleMappings {
  return { administrator: [], manager: [], reviewer: [], annotator: [], not_activated: [], deactivated: [], ...partial };
}
const allRoles = (): RoleMappings => roles(Object.fromEntries(ROLES.map((r) => [r, [GROUP[r]]])));
const manual = (role: boolean): ManualManagement => ({ role, workspace: true, projectMember: true });
const opts = (r: RoleMappings, roleManual = true) => ({ roles: r, manual: manual(roleManual) });

describe('ROLE_PRECEDENCE', () => {
  it('lists every role once, highest first', () => {
    expect(ROLE_PRECEDENCE).toEqual(['deactivated', 'administrator', 'manager', 'reviewer', 'annotator', 'not_activated']);
    expect([...ROLE_PRECEDENCE].sort()).toEqual([...ROLES].sort());
  });

  it('is frozen', () => {
    expect(Object.isFrozen(ROLE_PRECEDENCE)).toBe(true);
  });
});

describe('resolveRole', () => {
  const options = opts(allRoles());

  it.each(ROLES.map((r) => [r]))('maps the %s group', (role) => {
    expect(resolveRole([GROUP[role]], options)).toBe(role);
  });

  // Every ordered pair: the higher role wins regardless of group order.
  const pairs: [Role, Role][] = [];
  ROLE_PRECEDENCE.forEach((high, i) => ROLE_PRECEDENCE.slice(i + 1).forEach((low) => pairs.push([high, low])));
  it.each(pairs)('%s beats %s', (high, low) => {
    expect(resolveRole([GROUP[low], GROUP[high]], options)).toBe(high);
    expect(resolveRole([GROUP[high], GROUP[low]], options)).toBe(high);
  });

  it('deactivated beats all other roles together', () => {
    expect(resolveRole(ROLES.map((r) => GROUP[r]), options)).toBe('deactivated');
    expect(resolveRole([...ROLES].reverse().map((r) => GROUP[r]), options)).toBe('deactivated');
  });

  it('ignores unmapped groups', () => {
    expect(resolveRole(['cn=Other,dc=example,dc=com', GROUP.reviewer, 'garbage'], options)).toBe('reviewer');
  });

  it('matches a group listed under several roles at its highest role', () => {
    const g = 'cn=Both,dc=x';
    expect(resolveRole([g], opts(roles({ annotator: [g], manager: [g] })))).toBe('manager');
  });

  it('maps any of several groups configured for one role', () => {
    const o = opts(roles({ manager: ['cn=m1,dc=x', 'cn=m2,dc=x'] }));
    expect(resolveRole(['cn=m2,dc=x'], o)).toBe('manager');
    expect(resolveRole(['cn=m1,dc=x'], o)).toBe('manager');
  });

  it('matches configured DNs spelled differently from the server', () => {
    const o = opts(roles({ administrator: ['CN=Domain Admins, OU=Groups ,DC=Example,DC=Com'], manager: ['cn=R\\C3\\A4te+ou=x,dc=x'], reviewer: ['cn="Smith, J",dc=x'] }));
    expect(resolveRole(['cn=domain admins,ou=groups,dc=example,dc=com'], o)).toBe('administrator');
    expect(resolveRole(['OU=X+CN=Räte,DC=X'], o)).toBe('manager');
    expect(resolveRole(['cn=smith\\2C j,dc=x'], o)).toBe('reviewer');
  });

  it('does not match DNs that differ in meaning', () => {
    const o = opts(roles({ administrator: ['cn=a,dc=x'] }));
    expect(resolveRole(['cn=a\\,dc=x'], o)).toBeNull();
    expect(resolveRole(['cn=a,dc=x,dc=y'], o)).toBeNull();
    expect(resolveRole(['cn=ab,dc=x'], o)).toBeNull();
  });

  it('still matches configured and server DNs that do not parse, as trimmed lower-cased text', () => {
    const o = opts(roles({ annotator: ['Not A DN'] }));
    expect(resolveRole([' not a dn '], o)).toBe('annotator');
    expect(resolveRole(['not a dn either'], o)).toBeNull();
  });

  it('ignores blank configured entries', () => {
    const o = opts(roles({ administrator: ['', '  '] }), false);
    // blanks are no mapping, so LDAP-owned roles do not deactivate
    expect(resolveRole([''], o)).toBeNull();
  });

  describe('no matching group', () => {
    it('is null with manual role management', () => {
      expect(resolveRole(['cn=Other,dc=x'], opts(allRoles(), true))).toBeNull();
      expect(resolveRole([], opts(allRoles(), true))).toBeNull();
    });

    it('is deactivated when roles are LDAP-owned (MANUAL_ROLE_MANAGEMENT=0) and a role mapping exists', () => {
      expect(resolveRole(['cn=Other,dc=x'], opts(allRoles(), false))).toBe('deactivated');
      expect(resolveRole([], opts(roles({ annotator: [GROUP.annotator] }), false))).toBe('deactivated');
    });

    it('is null when roles are LDAP-owned but no role mapping exists', () => {
      expect(resolveRole(['cn=Other,dc=x'], opts(roles(), false))).toBeNull();
      expect(resolveRole([], opts(roles(), false))).toBeNull();
    });

    it('does not affect a match when roles are LDAP-owned', () => {
      expect(resolveRole([GROUP.annotator], opts(allRoles(), false))).toBe('annotator');
    });
  });

  it('tolerates a role missing from the mappings object', () => {
    const partial = { administrator: ['cn=a,dc=x'] } as unknown as RoleMappings;
    expect(resolveRole(['cn=a,dc=x'], opts(partial))).toBe('administrator');
  });

  it('gives the same answers on repeated calls with the same options (cached)', () => {
    const o = opts(allRoles());
    for (let i = 0; i < 3; i++) expect(resolveRole([GROUP.manager], o)).toBe('manager');
  });
});
