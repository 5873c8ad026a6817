/**
 * Proves the slapd test harness (__tests__/support/slapd.ts) and the base fixture work,
 * using only the OpenLDAP command-line tools (no code under test).
 */
import * as fs from 'fs';
import * as net from 'net';
import { run, RunResult } from '../support/exec';
import { describeWithSlapd, SlapdServer, slapdAvailability, startSlapd, stopAllSlapd } from '../support/slapd';

const BASE = 'dc=example,dc=test';
const P = `ou=people,${BASE}`;
const S = `ou=staff,${BASE}`;
const G = `ou=groups,${BASE}`;

/** Every fixture account that can bind, with its password (see fixtures/base.ldif). */
const USERS: Array<[dn: string, password: string]> = [
  [`uid=alice,${P}`, 'alice-pw'],
  [`uid=bob,${P}`, 'bob-pw'],
  [`uid=carol,${S}`, 'carol-pw'],
  [`uid=dave,${P}`, 'dave-pw'],
  [`uid=erin,${P}`, 'pässwörd-✓'],
  [`uid=twin,${P}`, 'twin-pw'],
  [`uid=twin,${S}`, 'twin-pw'],
  [`uid=star*user,${P}`, 'star-pw'],
  [`uid=paren(x),${P}`, 'paren-pw'],
  [`uid=jones\\, bob,${P}`, 'jones-pw'],
  [`uid=a\\+b\\=c,${P}`, 'plus-pw'],
  [`uid=quote\\"q,${P}`, 'quote-pw'],
  [`uid=\\#hash,${P}`, 'hash-pw'],
  [`uid=back\\5cslash,${P}`, 'back-pw'],
  [`uid=zoë,${P}`, 'zoe-pw'],
  [`uid=nomail,${P}`, 'nomail-pw'],
  [`cn=svc,${BASE}`, 'svc-pw'],
  ...Array.from({ length: 20 }, (_, i): [string, string] => {
    const u = `u${String(i + 1).padStart(2, '0')}`;
    return [`uid=${u},${P}`, `pw-${u}`];
  }),
];

const dnCount = (r: RunResult): number => (r.stdout.match(/^dn::? /gm) ?? []).length;

function search(srv: SlapdServer, args: string[], bind: [string, string] = [srv.adminDn, srv.adminPassword]) {
  return run('ldapsearch', ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', srv.url, '-D', bind[0], '-w', bind[1], ...args]);
}

function whoami(url: string, dn: string, pw: string, env: NodeJS.ProcessEnv = {}, extra: string[] = []) {
  return run('ldapwhoami', ['-x', ...extra, '-H', url, '-D', dn, '-w', pw], { env });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

test('slapd is available on this machine (CI installs it via scripts/ensure-servers.sh)', () => {
  const a = slapdAvailability();
  if (!a.available && process.env.CI) throw new Error(a.reason);
  expect(typeof a.available).toBe('boolean');
});

let first: SlapdServer | undefined;

describeWithSlapd('slapd harness: base fixture, TLS, memberof, monitor, restart', () => {
  let srv: SlapdServer;
  beforeAll(async () => {
    srv = await startSlapd({ overlays: ['memberof', 'monitor'] });
    first = srv;
  });

  test('urls, ports and files', () => {
    expect(srv.url).toBe(`ldap://127.0.0.1:${srv.port}`);
    expect(srv.ldapsUrl).toBe(`ldaps://localhost:${srv.ldapsPort}`);
    expect(srv.port).not.toBe(srv.ldapsPort);
    expect(srv.baseDn).toBe(BASE);
    expect(srv.adminDn).toBe(`cn=admin,${BASE}`);
    expect(srv.caFile).not.toBe(srv.otherCaFile);
  });

  test('every entry of the base fixture loaded (52)', async () => {
    const r = await search(srv, ['-b', BASE, '(objectClass=*)', '1.1']);
    expect(r.stderr).toBe('');
    expect(dnCount(r)).toBe(52);
    const people = await search(srv, ['-b', P, '-s', 'one', '(objectClass=inetOrgPerson)', '1.1']);
    expect(dnCount(people)).toBe(35);
    const staff = await search(srv, ['-b', S, '-s', 'one', '(objectClass=inetOrgPerson)', '1.1']);
    expect(dnCount(staff)).toBe(2);
  });

  test('special-character uids are stored with the exact values', async () => {
    const r = await search(srv, ['-b', P, '(|(uid=a+b=c)(uid=jones, bob)(uid=quote"q)(uid=#hash)(uid=back\\5cslash)(uid=star\\2auser))', 'mail']);
    const mails = r.stdout.match(/^mail: .*/gm)?.sort();
    expect(mails).toEqual(['mail: backslash@example.test', 'mail: hash@example.test', 'mail: jones@example.test',
      'mail: plus@example.test', 'mail: quote@example.test', 'mail: star@example.test']);
    const twins = await search(srv, ['-b', BASE, '(mail=twin@example.test)', '1.1']);
    expect(dnCount(twins)).toBe(2);
  });

  test('every fixture account binds (ldapwhoami), concurrently', async () => {
    const results = await Promise.all(USERS.map(([dn, pw]) => whoami(srv.url, dn, pw)));
    results.forEach((r, i) => expect([USERS[i][0], r.code, r.stderr]).toEqual([USERS[i][0], 0, '']));
  });

  test('wrong password, empty-password user and anonymous search are refused', async () => {
    expect((await whoami(srv.url, `uid=alice,${P}`, 'nope')).code).toBe(49);
    expect((await whoami(srv.url, `uid=emptypw,${P}`, 'anything')).code).toBe(49);
    const anon = await run('ldapsearch', ['-x', '-LLL', '-H', srv.url, '-b', BASE, '(uid=alice)', 'mail']);
    expect(dnCount(anon)).toBe(0);
  });

  test('users read other entries but not their passwords', async () => {
    const r = await search(srv, ['-b', `uid=bob,${P}`, '-s', 'base', '(objectClass=*)', 'mail', 'userPassword'], USERS[0]);
    expect(r.stdout).toContain('mail: bob@example.test');
    expect(r.stdout).not.toContain('userPassword');
  });

  test('ldaps with caFile works; the unrelated CA is rejected; StartTLS on the plain port', async () => {
    const ok = await whoami(srv.ldapsUrl, `uid=bob,${P}`, 'bob-pw', { LDAPTLS_CACERT: srv.caFile });
    expect([ok.code, ok.stdout.trim()]).toEqual([0, `dn:uid=bob,${P}`]);
    const wrong = await whoami(srv.ldapsUrl, `uid=bob,${P}`, 'bob-pw', { LDAPTLS_CACERT: srv.otherCaFile });
    expect(wrong.code).not.toBe(0);
    const r = await run('ldapsearch', ['-x', '-LLL', '-H', srv.ldapsUrl, '-D', srv.adminDn, '-w', srv.adminPassword,
      '-b', `uid=alice,${P}`, 'mail'], { env: { LDAPTLS_CACERT: srv.caFile } });
    expect(r.stdout).toContain('mail: alice@example.test');
    const tls = await whoami(srv.url, `uid=carol,${S}`, 'carol-pw', { LDAPTLS_CACERT: srv.caFile }, ['-ZZ']);
    expect(tls.code).toBe(0);
  });

  test('access log records BIND and RESULT lines', async () => {
    srv.clearAccessLog();
    expect(srv.accessLog()).not.toContain('uid=dave');
    await whoami(srv.url, `uid=dave,${P}`, 'dave-pw');
    const log = await srv.waitForAccessLog(/op=\d+ UNBIND/);
    expect(log).toMatch(/BIND dn="uid=dave,ou=people,dc=example,dc=test" method=128/);
    expect(log).toMatch(/RESULT tag=97 err=0/);
  });

  test('memberof overlay maintains memberOf', async () => {
    const memberOf = async (dn: string): Promise<string[]> => {
      const r = await search(srv, ['-b', dn, '-s', 'base', '(objectClass=*)', 'memberOf']);
      return (r.stdout.match(/^memberOf: .*/gm) ?? []).map((l) => l.slice(10)).sort();
    };
    expect(await memberOf(`uid=alice,${P}`)).toEqual([`cn=admins,${G}`]);
    expect(await memberOf(`uid=bob,${P}`)).toEqual([`cn=annotators,${G}`, `cn=managers,${G}`]);
    expect(await memberOf(`uid=u03,${P}`)).toEqual([`cn=annotators,${G}`, `cn=team1,${G}`]);
    await srv.ldapModify(`dn: cn=admins,${G}\nchangetype: modify\nadd: member\nmember: uid=dave,${P}\n`);
    expect(await memberOf(`uid=dave,${P}`)).toEqual([`cn=admins,${G}`, `cn=deactivated,${G}`]);
    await srv.ldapModify(`dn: cn=admins,${G}\nchangetype: modify\ndelete: member\nmember: uid=dave,${P}\n`);
    expect(await memberOf(`uid=dave,${P}`)).toEqual([`cn=deactivated,${G}`]);
  });

  test('monitor backend answers the rootdn only', async () => {
    const r = await search(srv, ['-b', 'cn=Current,cn=Connections,cn=Monitor', '-s', 'base', '(objectClass=*)', 'monitorCounter']);
    expect(r.stdout).toMatch(/^monitorCounter: \d+$/m);
    const user = await search(srv, ['-b', 'cn=Monitor', '-s', 'base', '(objectClass=*)'], USERS[1]);
    expect(dnCount(user)).toBe(0);
  });

  test('ldapModify/ldapAdd report failures', async () => {
    await expect(srv.ldapAdd(`dn: uid=bob,${P}\nobjectClass: inetOrgPerson\nuid: bob\ncn: b\nsn: b\n`)).rejects.toThrow(
      /Already exists/,
    );
  });

  test('stop closes the port; start comes back on the same ports with the same data', async () => {
    const { port, ldapsPort } = srv;
    await srv.ldapModify(`dn: uid=bob,${P}\nchangetype: modify\nreplace: description\ndescription: survives restarts\n`);
    await srv.stop();
    expect(srv.isRunning()).toBe(false);
    expect(await portOpen(port)).toBe(false);
    expect((await whoami(srv.url, `uid=bob,${P}`, 'bob-pw')).code).toBe(255); // can't contact
    await srv.start();
    expect([srv.port, srv.ldapsPort]).toEqual([port, ldapsPort]);
    expect((await whoami(srv.url, `uid=bob,${P}`, 'bob-pw')).code).toBe(0);
    expect((await whoami(srv.ldapsUrl, `uid=bob,${P}`, 'bob-pw', { LDAPTLS_CACERT: srv.caFile })).code).toBe(0);
    const r = await search(srv, ['-b', `uid=bob,${P}`, 'description']);
    expect(r.stdout).toContain('description: survives restarts');
  });
});

describeWithSlapd('slapd harness: sizeLimit vs paged results', () => {
  let srv: SlapdServer;
  const bulk = ['dn: ou=bulk,dc=example,dc=test', 'objectClass: organizationalUnit', 'ou: bulk', ''];
  for (let i = 0; i < 120; i++) {
    bulk.push(`dn: uid=bulk${i},ou=bulk,${BASE}`, 'objectClass: inetOrgPerson', `uid: bulk${i}`, `cn: Bulk ${i}`,
      'sn: Bulk', '');
  }
  beforeAll(async () => {
    srv = await startSlapd({ sizeLimit: 50, ldif: [bulk.join('\n')] });
  });

  test('a plain search by a non-root account is truncated at 50 (rc 4)', async () => {
    const r = await search(srv, ['-b', `ou=bulk,${BASE}`, '(objectClass=inetOrgPerson)', '1.1'], [srv.serviceDn, srv.servicePassword]);
    expect(r.code).toBe(4);
    expect(dnCount(r)).toBe(50);
  });

  test('a paged search (page size 10) returns all 120', async () => {
    const r = await search(srv, ['-E', 'pr=10/noprompt', '-b', `ou=bulk,${BASE}`, '(objectClass=inetOrgPerson)', '1.1'],
      [srv.serviceDn, srv.servicePassword]);
    expect(r.code).toBe(0);
    expect(dnCount(r)).toBe(120);
  });

  test('the rootdn is not subject to size limits', async () => {
    const r = await search(srv, ['-b', `ou=bulk,${BASE}`, '(objectClass=inetOrgPerson)', '1.1']);
    expect([r.code, dnCount(r)]).toEqual([0, 120]);
  });
});

describeWithSlapd('slapd harness: ppolicy, tls:false, baseFixture:false', () => {
  test('ppolicy locks an account after 3 failed binds', async () => {
    const srv = await startSlapd({ overlays: ['ppolicy'] });
    for (let i = 0; i < 3; i++) expect((await whoami(srv.url, `uid=bob,${P}`, 'wrong')).code).toBe(49);
    expect((await whoami(srv.url, `uid=bob,${P}`, 'bob-pw')).code).toBe(49);
    expect((await whoami(srv.url, `uid=alice,${P}`, 'alice-pw')).code).toBe(0);
    await srv.ldapModify(`dn: uid=bob,${P}\nchangetype: modify\ndelete: pwdAccountLockedTime\n`);
    expect((await whoami(srv.url, `uid=bob,${P}`, 'bob-pw')).code).toBe(0);
    await stopAllSlapd();
    expect(srv.isRunning()).toBe(false);
  });

  test('tls:false has no ldaps listener and refuses StartTLS; baseFixture:false starts empty', async () => {
    const srv = await startSlapd({
      tls: false,
      baseFixture: false,
      ldif: [`dn: ${BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: x\n`],
    });
    expect([srv.ldapsPort, srv.ldapsUrl]).toEqual([0, '']);
    const r = await search(srv, ['-b', BASE, '(objectClass=*)', '1.1']);
    expect(dnCount(r)).toBe(1);
    const tls = await whoami(srv.url, srv.adminDn, srv.adminPassword, { LDAPTLS_CACERT: srv.caFile }, ['-ZZ']);
    expect(tls.code).not.toBe(0);
  });
});

describeWithSlapd('slapd harness: cleanup', () => {
  test('servers of a finished describeWithSlapd block are stopped and their folders removed', async () => {
    expect(first).toBeDefined();
    expect(first?.isRunning()).toBe(false);
    expect(fs.existsSync(first?.dir ?? '')).toBe(false);
    expect(await portOpen(first?.port ?? 0)).toBe(false);
  });
});
