import { parseWorkspaces, topLevelKeys } from '../../../lib/options/workspaces';

const V = 'AUTH_LDAP_ORGANIZATION_WORKSPACES';

describe('topLevelKeys', () => {
  it('returns the keys of the outer object in source order', () => {
    expect(topLevelKeys('{"b":1,"2":{"x":[1,{"y":2}]},"a":"s,\\"t\\":","1":null}')).toEqual(['b', '2', 'a', '1']);
    expect(topLevelKeys('{}')).toEqual([]);
    expect(topLevelKeys(' { "k\\u0041" : "v" } ')).toEqual(['kA']);
  });
});

describe('parseWorkspaces', () => {
  it('unset gives no workspaces', () => {
    expect(parseWorkspaces(null)).toEqual({ workspaces: [], problems: [] });
  });

  it("parses the guide's example", () => {
    const r = parseWorkspaces(
      '{"Workspace 1":"cn=team1,ou=users,o=60cbc901ec2e8e387a3b2d3e,dc=jumpcloud,dc=com","Workspace 2":"cn=team2,ou=users,o=60cbc901ec2e8e387a3b2d3e,dc=jumpcloud,dc=com"}',
    );
    expect(r.problems).toEqual([]);
    expect(r.workspaces).toEqual([
      { title: 'Workspace 1', groups: ['cn=team1,ou=users,o=60cbc901ec2e8e387a3b2d3e,dc=jumpcloud,dc=com'] },
      { title: 'Workspace 2', groups: ['cn=team2,ou=users,o=60cbc901ec2e8e387a3b2d3e,dc=jumpcloud,dc=com'] },
    ]);
  });

  it('keeps title order even for number-like titles, splits ;-separated groups and ignores blanks', () => {
    const r = parseWorkspaces('{"Zeta":"cn=z,dc=x","2024":"cn=a,dc=x; ;cn=b,dc=x;","10":"cn=c,dc=x"}');
    expect(r.problems).toEqual([]);
    expect(r.workspaces).toEqual([
      { title: 'Zeta', groups: ['cn=z,dc=x'] },
      { title: '2024', groups: ['cn=a,dc=x', 'cn=b,dc=x'] },
      { title: '10', groups: ['cn=c,dc=x'] },
    ]);
  });

  it('an empty object is no workspaces', () => {
    expect(parseWorkspaces('{}')).toEqual({ workspaces: [], problems: [] });
  });

  it('invalid JSON says so with the parser message', () => {
    const r = parseWorkspaces('{"Workspace 1": cn=team1}');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(new RegExp(`^${V}: not valid JSON \\(.*Unexpected token`));
  });

  it.each([
    ['[]', 'an array'],
    ['"cn=x"', 'a string'],
    ['null', 'null'],
    ['42', 'a number'],
  ])('%s is not an object', (json, kind) => {
    expect(parseWorkspaces(json).problems).toEqual([
      `${V}: must be a JSON object of workspace title -> ;-separated group DNs, got ${kind}`,
    ]);
  });

  it('each value must be a string; good workspaces still count', () => {
    const r = parseWorkspaces('{"Workspace 1":["cn=a,dc=x"],"W2":3,"W3":null,"Good":"cn=g,dc=x"}');
    expect(r.problems).toEqual([
      `${V}: value for "Workspace 1" must be a string of ;-separated group DNs, got an array`,
      `${V}: value for "W2" must be a string of ;-separated group DNs, got a number`,
      `${V}: value for "W3" must be a string of ;-separated group DNs, got null`,
    ]);
    expect(r.workspaces).toEqual([{ title: 'Good', groups: ['cn=g,dc=x'] }]);
  });

  it('names the workspace and the DN that does not parse', () => {
    const r = parseWorkspaces('{"Team":"cn=ok,dc=x;not a dn"}');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^AUTH_LDAP_ORGANIZATION_WORKSPACES: group "not a dn" of workspace "Team" is not a valid DN \(.+\)$/);
    expect(r.workspaces).toEqual([]);
  });

  it('refuses an empty group list, an empty title and a repeated title', () => {
    const r = parseWorkspaces('{"A":" ; ","":"cn=x,dc=y","B":"cn=1,dc=y","B":"cn=2,dc=y"}');
    expect(r.problems).toEqual([
      `${V}: value for "A" lists no group DN`,
      `${V}: a workspace title is empty`,
      `${V}: workspace "B" appears more than once; list all its groups in one ;-separated string`,
    ]);
  });
});
