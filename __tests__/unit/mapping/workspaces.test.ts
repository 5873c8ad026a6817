import { compileMapping } from '../../../lib/mapping/matcher';
import { resolveRole } from '../../../lib/mapping/roles';
import { resolveWorkspaces } from '../../../lib/mapping/workspaces';
import type { RoleMappings, WorkspaceMapping } from '../../../lib/types';

const ws = (title: string, ...groups: string[]): WorkspaceMapping => ({ title, groups });

describe('resolveWorkspaces', () => {
  const options = {
    workspaces: [
      ws('Workspace 1', 'cn=team1,ou=users,dc=x', 'cn=shared,ou=users,dc=x'),
      ws('Workspace 2', 'cn=team2,ou=users,dc=x'),
      ws('Zeta', 'cn=shared,ou=users,dc=x'),
      ws('Alpha', 'cn=alpha,ou=users,dc=x'),
    ],
  };

  it('returns every title one of whose groups matches', () => {
    expect(resolveWorkspaces(['cn=team2,ou=users,dc=x'], options)).toEqual(['Workspace 2']);
    expect(resolveWorkspaces(['cn=shared,ou=users,dc=x'], options)).toEqual(['Workspace 1', 'Zeta']);
  });

  it('keeps configuration order, not group order or alphabetical order', () => {
    const groups = ['cn=alpha,ou=users,dc=x', 'cn=team2,ou=users,dc=x', 'cn=shared,ou=users,dc=x'];
    expect(resolveWorkspaces(groups, options)).toEqual(['Workspace 1', 'Workspace 2', 'Zeta', 'Alpha']);
  });

  it('lists each title once even when several of its groups match', () => {
    expect(resolveWorkspaces(['cn=team1,ou=users,dc=x', 'cn=shared,ou=users,dc=x', 'cn=team1,ou=users,dc=x'], options)).toEqual([
      'Workspace 1',
      'Zeta',
    ]);
  });

  it('lists a title configured twice once, at its first position', () => {
    const o = { workspaces: [ws('A', 'cn=a,dc=x'), ws('B', 'cn=b,dc=x'), ws('A', 'cn=c,dc=x')] };
    expect(resolveWorkspaces(['cn=c,dc=x', 'cn=b,dc=x'], o)).toEqual(['B', 'A']);
    expect(resolveWorkspaces(['cn=a,dc=x', 'cn=b,dc=x', 'cn=c,dc=x'], o)).toEqual(['A', 'B']);
  });

  it('returns [] when nothing matches or nothing is configured', () => {
    expect(resolveWorkspaces(['cn=other,dc=x'], options)).toEqual([]);
    expect(resolveWorkspaces([], options)).toEqual([]);
    expect(resolveWorkspaces(['cn=team1,ou=users,dc=x'], { workspaces: [] })).toEqual([]);
  });

  it('matches DNs spelled differently by the server', () => {
    const o = { workspaces: [ws('W', 'CN=Team\\2C One, OU=Users,DC=X', 'cn=b+uid=c,dc=x')] };
    expect(resolveWorkspaces(['cn=team\\, one,ou=users,dc=x'], o)).toEqual(['W']);
    expect(resolveWorkspaces(['cn="Team, One",ou=users,dc=x'], o)).toEqual(['W']);
    expect(resolveWorkspaces(['UID=C + CN=B, DC=X'], o)).toEqual(['W']);
    expect(resolveWorkspaces(['cn=team one,ou=users,dc=x'], o)).toEqual([]);
  });

  it('ignores blank group entries', () => {
    expect(resolveWorkspaces(['', ' '], { workspaces: [ws('W', '', ' ')] })).toEqual([]);
  });
});

describe('compileMapping', () => {
  const roles: RoleMappings = {
    administrator: ['CN=Admins,DC=X'],
    manager: [],
    reviewer: [],
    annotator: ['cn=team1,dc=x'],
    not_activated: [],
    deactivated: [],
  };
  const options = {
    roles,
    manual: { role: true, workspace: true, projectMember: true },
    workspaces: [ws('One', 'cn=team1,dc=x'), ws('Admins', 'cn=admins,dc=x')],
  };

  it('resolves roles and workspaces from one compiled matcher', () => {
    const m = compileMapping(options);
    expect(m.role(['cn=admins,dc=x', 'cn=team1,dc=x'])).toBe('administrator');
    expect(m.workspaces(['cn=admins,dc=x', 'cn=team1,dc=x'])).toEqual(['One', 'Admins']);
    expect(m.role(['cn=none,dc=x'])).toBeNull();
    expect(m.workspaces(['cn=none,dc=x'])).toEqual([]);
  });

  it('agrees with resolveRole and resolveWorkspaces', () => {
    const m = compileMapping(options);
    for (const groups of [['cn=team1,dc=x'], ['cn=admins,dc=x'], [], ['garbage']]) {
      expect(m.role(groups)).toBe(resolveRole(groups, options));
      expect(m.workspaces(groups)).toEqual(resolveWorkspaces(groups, options));
    }
  });

  it('handles a large group list quickly', () => {
    const m = compileMapping(options);
    const groups = Array.from({ length: 5000 }, (_, i) => `cn=group${i},ou=groups,dc=x`).concat('cn=team1,dc=x');
    const start = Date.now();
    expect(m.role(groups)).toBe('annotator');
    expect(m.workspaces(groups)).toEqual(['One']);
    expect(Date.now() - start).toBeLessThan(2000);
  });
});
