/**
 * Proves the Samba AD DC harness (__tests__/support/samba.ts) against a real Samba AD domain
 * controller, using only the OpenLDAP command-line tools and Node's tls (no code under test).
 */
import * as fs from 'fs';
import * as net from 'net';
import * as tls from 'tls';
import { testCerts } from '../support/certs';
import { run } from '../support/exec';
import {
  ADMIN_UPN,
  BindResult,
  describeWithSamba,
  harnessSambaProcesses,
  ldapBind,
  SAMBA_START_TIMEOUT_MS,
  SambaDc,
  sambaAvailability,
  startSambaDc,
} from '../support/samba';

const PW = 'Correct-Horse-1';

function expectAdFailure(r: BindResult, code: string): void {
  expect({ ok: r.ok, code: r.code, adCode: r.adCode }).toEqual({ ok: false, code: 49, adCode: code });
  expect(r.diagnostic).toContain(`data ${code}`);
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('sambaAvailability reports a reason when unavailable', () => {
  const a = sambaAvailability();
  if (!a.available) expect(a.reason).toMatch(/ensure-samba\.sh|root|Linux/);
  else expect(a).toEqual({ available: true });
});

describeWithSamba('Samba AD DC harness (real samba)', () => {
  let dc: SambaDc;
  let aliceDn: string;

  beforeAll(async () => {
    dc = await startSambaDc();
    aliceDn = (
      await dc.addUser('alice', PW, { givenName: 'Alice', surname: 'Smith', mail: 'alice@corp.example.test' })
    ).dn;
  }, SAMBA_START_TIMEOUT_MS);

  test('listens on a loopback address only, with the documented names', () => {
    expect(dc.realm).toBe('CORP.EXAMPLE.TEST');
    expect(dc.baseDn).toBe('DC=corp,DC=example,DC=test');
    expect(dc.url).toMatch(/^ldap:\/\/127\.0\.0\.\d+:389$/);
    expect(dc.ldapsUrl).toMatch(/^ldaps:\/\/127\.0\.0\.\d+:636$/);
    expect(fs.existsSync(dc.caFile)).toBe(true);
    expect(dc.confFile.startsWith(dc.dir)).toBe(true);
    expect(fs.readFileSync(dc.confFile, 'utf8')).toMatch(/bind interfaces only = yes/);
  });

  test('simple bind as Administrator over ldap:// by DN and by UPN', async () => {
    expect(await ldapBind(dc.url, dc.adminDn, dc.adminPassword)).toMatchObject({ ok: true, code: 0 });
    expect(await ldapBind(dc.url, ADMIN_UPN, dc.adminPassword)).toMatchObject({ ok: true, code: 0 });
    expectAdFailure(await ldapBind(dc.url, dc.adminDn, 'wrong'), '52e');
  });

  test('ldapwhoami: the bind succeeds, Samba just has no Who-am-I extended operation', async () => {
    const ok = await run('ldapwhoami', ['-x', '-H', dc.url, '-D', dc.adminDn, '-w', dc.adminPassword]);
    expect(ok.stderr).not.toMatch(/ldap_bind/);
    expect(ok.stderr).toMatch(/1\.3\.6\.1\.4\.1\.4203\.1\.11\.3.*not supported/);
    const bad = await run('ldapwhoami', ['-x', '-H', dc.url, '-D', dc.adminDn, '-w', 'wrong']);
    expect(bad.code).toBe(49);
    expect(bad.stderr).toMatch(/ldap_bind: Invalid credentials \(49\)[\s\S]*data 52e/);
  });

  test('a user added with addUser binds by DN and by UPN; a wrong password is data 52e', async () => {
    expect(aliceDn).toBe('CN=alice,CN=Users,DC=corp,DC=example,DC=test');
    expect(await dc.bind(aliceDn, PW)).toMatchObject({ ok: true });
    expect(await dc.bind('alice@corp.example.test', PW)).toMatchObject({ ok: true });
    expectAdFailure(await dc.bind(aliceDn, 'not-it'), '52e');
    expectAdFailure(await dc.bind('alice@corp.example.test', 'not-it'), '52e');
    const r = await dc.search('(sAMAccountName=alice)', { attrs: ['givenName', 'sn', 'mail', 'userPrincipalName'] });
    expect(r.entries).toEqual([
      {
        dn: aliceDn,
        attributes: {
          givenName: ['Alice'],
          sn: ['Smith'],
          mail: ['alice@corp.example.test'],
          userPrincipalName: ['alice@corp.example.test'],
        },
      },
    ]);
  });

  test('a CN with a comma and parentheses, in an OU, with its own UPN', async () => {
    const u = await dc.addUser('bjones', PW, {
      cn: 'Jones, Bob (Contractor)',
      givenName: 'Bob',
      surname: 'Jones',
      mail: 'bob.jones@corp.example.test',
      upn: 'bob.jones@corp.example.test',
      ou: 'Contractors',
    });
    expect(u.dn).toBe('CN=Jones\\, Bob (Contractor),OU=Contractors,DC=corp,DC=example,DC=test');
    const r = await dc.search('(sAMAccountName=bjones)', { attrs: ['cn', 'displayName'] });
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0].attributes).toEqual({ cn: ['Jones, Bob (Contractor)'], displayName: ['Jones, Bob (Contractor)'] });
    expect(await dc.bind(r.entries[0].dn, PW)).toMatchObject({ ok: true });
    expect(await dc.bind(u.dn, PW)).toMatchObject({ ok: true });
    expect(await dc.bind('bob.jones@corp.example.test', PW)).toMatchObject({ ok: true });
  });

  test('disabled account: data 533 (with the right password)', async () => {
    await dc.addUser('dis', PW);
    await dc.disableUser('dis');
    expectAdFailure(await dc.bind('dis@corp.example.test', PW), '533');
    expectAdFailure(await dc.bind('dis@corp.example.test', 'wrong'), '52e');
    await dc.enableUser('dis');
    expect(await dc.bind('dis@corp.example.test', PW)).toMatchObject({ ok: true });
  });

  test('expired account: data 701', async () => {
    const u = await dc.addUser('exp', PW);
    await dc.expireUser('exp');
    expectAdFailure(await dc.bind(u.dn, PW), '701');
  });

  test('must change password (pwdLastSet=0): data 773', async () => {
    const u = await dc.addUser('chg', PW);
    await dc.mustChangePassword('chg');
    expectAdFailure(await dc.bind(u.dn, PW), '773');
  });

  test('password expired (pwdLastSet older than the max password age): data 532', async () => {
    const u = await dc.addUser('old', PW);
    expect(await dc.bind(u.dn, PW)).toMatchObject({ ok: true });
    await dc.expirePassword('old');
    expectAdFailure(await dc.bind(u.dn, PW), '532');
    expectAdFailure(await dc.bind(u.dn, 'wrong'), '52e');
  });

  test('lockout: with threshold N, after N bad passwords the bind shows data 775', async () => {
    const N = 3;
    await dc.setLockout(N);
    try {
      const u = await dc.addUser('lock', PW);
      for (let i = 0; i < N; i++) expectAdFailure(await dc.bind(u.dn, `bad-${i}`), '52e');
      expectAdFailure(await dc.bind(u.dn, PW), '775');
      expectAdFailure(await dc.bind(u.dn, 'bad-again'), '775');
      await dc.unlockUser('lock');
      expect(await dc.bind(u.dn, PW)).toMatchObject({ ok: true });
    } finally {
      await dc.setLockout(0);
    }
  });

  test('ldaps:// verifies with caFile (OpenLDAP tools and Node tls), and not with another CA', async () => {
    expect(await ldapBind(dc.ldapsUrl, aliceDn, PW, dc.caFile)).toMatchObject({ ok: true });
    expectAdFailure(await ldapBind(dc.ldapsUrl, aliceDn, 'wrong', dc.caFile), '52e');
    const other = await ldapBind(dc.ldapsUrl, aliceDn, PW, (await testCerts()).otherCaFile);
    expect(other.ok).toBe(false);
    expect(other.code).not.toBe(49);

    const u = new URL(dc.ldapsUrl);
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const s = tls.connect({ host: u.hostname, port: Number(u.port), ca: fs.readFileSync(dc.caFile) }, () => {
        resolve(s.authorized);
        s.destroy();
      });
      s.once('error', reject);
    });
    expect(authorized).toBe(true);
  });

  test('a subtree search from the domain root returns the entries and search references', async () => {
    const r = await dc.search('(|(sAMAccountName=alice)(sAMAccountName=bjones))', { attrs: ['1.1'] });
    expect(r.code).toBe(0);
    expect(r.entries.map((e) => e.dn).sort()).toEqual([
      'CN=Jones\\, Bob (Contractor),OU=Contractors,DC=corp,DC=example,DC=test',
      aliceDn,
    ].sort());
    expect(r.references).toContain('ldap://corp.example.test/CN=Configuration,DC=corp,DC=example,DC=test');
    // also as an ordinary user, not only as Administrator
    const asUser = await dc.search('(sAMAccountName=alice)', { attrs: ['1.1'], bindDn: aliceDn, password: PW });
    expect(asUser.entries.map((e) => e.dn)).toEqual([aliceDn]);
    expect(asUser.references.length).toBeGreaterThan(0);
  });

  test('nested groups: the in-chain matching rule finds indirect membership, member= only direct', async () => {
    const team1 = await dc.addGroup('team1', { members: ['alice'] });
    const annotators = await dc.addGroup('annotators', { ou: 'Groups' });
    await dc.addGroupMember('annotators', 'team1');
    expect(annotators).toBe('CN=annotators,OU=Groups,DC=corp,DC=example,DC=test');

    const direct = await dc.search(`(&(objectClass=group)(member=${aliceDn}))`, { attrs: ['1.1'] });
    expect(direct.entries.map((e) => e.dn)).toEqual([team1]);
    const chain = await dc.search(`(&(objectClass=group)(member:1.2.840.113556.1.4.1941:=${aliceDn}))`, {
      attrs: ['1.1'],
    });
    expect(chain.entries.map((e) => e.dn).sort()).toEqual([annotators, team1].sort());
    const memberOf = await dc.search('(objectClass=*)', { base: aliceDn, scope: 'base', attrs: ['memberOf'] });
    expect(memberOf.entries[0].attributes.memberOf).toEqual([team1]);
  });

  test('samba() runs samba-tool against this DC', async () => {
    const users = (await dc.samba(['user', 'list'])).split('\n').map((l) => l.trim());
    expect(users).toEqual(expect.arrayContaining(['Administrator', 'alice', 'bjones']));
    expect(await dc.samba(['group', 'listmembers', 'annotators'])).toMatch(/team1/);
  });

  test('stop() ends samba (and its process group), frees the ports and removes the folder', async () => {
    const pid = dc.pid;
    const host = new URL(dc.url).hostname;
    expect(pid).toBeDefined();
    expect(harnessSambaProcesses().map((p) => p.pid)).toContain(pid);
    await dc.stop();
    expect(dc.isRunning()).toBe(false);
    expect(alive(pid as number)).toBe(false);
    expect(fs.existsSync(dc.dir)).toBe(false);
    expect(await canConnect(host, 389)).toBe(false);
    expect(await canConnect(host, 636)).toBe(false);
    // No samba process of this test process is left (`pgrep -x samba`: other test processes'
    // DCs, running in parallel jest workers, are not ours to judge).
    const ours = harnessSambaProcesses().filter((p) => p.dir === dc.dir || p.pid === pid);
    expect(ours).toEqual([]);
    const pgrep = await run('pgrep', ['-x', 'samba']);
    const left = pgrep.stdout.split('\n').filter(Boolean).map(Number);
    expect(left).not.toContain(pid);
  });
});
