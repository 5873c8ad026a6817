import { parseServerUri, parseServerUris } from '../../../lib/options/serverUri';

describe('parseServerUri', () => {
  it.each([
    ['ldap://ldap.example.com', 'ldap://ldap.example.com:389', false, 'ldap.example.com', 389],
    ['ldaps://ldap.example.com', 'ldaps://ldap.example.com:636', true, 'ldap.example.com', 636],
    ['LDAPS://LDAP.Example.COM:1636', 'ldaps://ldap.example.com:1636', true, 'ldap.example.com', 1636],
    ['ldap://ldap.example.com/', 'ldap://ldap.example.com:389', false, 'ldap.example.com', 389],
    ['ldap://10.0.0.5:10389', 'ldap://10.0.0.5:10389', false, '10.0.0.5', 10389],
    ['ldap://[::1]', 'ldap://[::1]:389', false, '::1', 389],
    ['ldaps://[2001:DB8::1]:6360', 'ldaps://[2001:db8::1]:6360', true, '2001:db8::1', 6360],
    ['ldap://localhost', 'ldap://localhost:389', false, 'localhost', 389],
    ['ldap://dc_01.corp.local', 'ldap://dc_01.corp.local:389', false, 'dc_01.corp.local', 389],
  ])('%s', (input, url, secure, host, port) => {
    expect(parseServerUri(input)).toEqual({ url, secure, host, port });
  });

  it.each([
    ['ldap.example.com', /not an ldap:\/\/ or ldaps:\/\/ URI/],
    ['http://ldap.example.com', /scheme "http:\/\/"/],
    ['ldapi://%2Fvar%2Frun%2Fslapd.sock', /scheme "ldapi:\/\/"/],
    ['ldap://host/dc=example', /has a path/],
    ['ldap://host?cn', /has a path, query or fragment/],
    ['ldap://', /no host name/],
    ['ldap://:389', /no host name/],
    ['ldap://host:0', /invalid port "0"/],
    ['ldap://host:65536', /invalid port/],
    ['ldap://host:abc', /invalid port/],
    ['ldap://host:', /invalid port ""/],
    ['ldap://::1', /IPv6 address in brackets/],
    ['ldap://[nothex]', /invalid IPv6 address/],
    ['ldap://[::1', /invalid IPv6 address/],
    ['ldap://bad host', /invalid host name/],
    ['ldap://-bad.example.com', /invalid host name/],
  ])('%s is refused', (input, message) => {
    const r = parseServerUri(input);
    expect(typeof r).toBe('string');
    expect(r).toMatch(/^AUTH_LDAP_SERVER_URI: /);
    expect(r).toMatch(message);
  });

  it('never echoes user information such as a password in the URI', () => {
    const r = parseServerUri('ldap://admin:S3cr3t-PW!@ldap.example.com');
    expect(r).toMatch(/user information/);
    expect(r).not.toContain('S3cr3t-PW!');
    expect(r).not.toContain('admin');
  });
});

describe('parseServerUris', () => {
  it('splits on whitespace and commas, keeping the order', () => {
    const r = parseServerUris(' ldaps://a.example.com, ldaps://b.example.com\tldap://c.example.com:3389 ,');
    expect(r.problems).toEqual([]);
    expect(r.servers.map((s) => s.url)).toEqual([
      'ldaps://a.example.com:636',
      'ldaps://b.example.com:636',
      'ldap://c.example.com:3389',
    ]);
  });

  it('reports every bad URI', () => {
    const r = parseServerUris('ldaps://ok.example.com http://x ldap://y:99999');
    expect(r.servers).toHaveLength(1);
    expect(r.problems).toHaveLength(2);
  });

  it('needs at least one URI', () => {
    expect(parseServerUris(' , ').problems[0]).toMatch(/^AUTH_LDAP_SERVER_URI: no URI given/);
  });
});
