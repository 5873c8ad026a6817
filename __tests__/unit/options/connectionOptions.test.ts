import {
  CONNECTION_OPTION_NAMES,
  DEFAULT_NETWORK_TIMEOUT_MS,
  DEFAULT_OPERATION_TIMEOUT_MS,
  parseConnectionOptions,
  parseRequireCert,
  parseTlsProtocol,
} from '../../../lib/options/connectionOptions';
import type { OptionsIo } from '../../../lib/options/fileIo';

const V = 'AUTH_LDAP_CONNECTION_OPTIONS';
const CERT_A = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
const CERT_B = '-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----';
const KEY = '-----BEGIN PRIVATE KEY-----\nKKKK-TOP-SECRET\n-----END PRIVATE KEY-----';

function enoent(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
}

/** Files by absolute path; a folder is the set of paths under it. */
function fakeIo(files: Record<string, string>, extraDirs: Record<string, string[]> = {}): OptionsIo & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    readFile(path) {
      reads.push(path);
      if (Object.prototype.hasOwnProperty.call(files, path)) return files[path];
      if (Object.keys(files).some((f) => f.startsWith(path + '/'))) {
        throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read`), { code: 'EISDIR' });
      }
      throw enoent(path);
    },
    listDir(path) {
      if (extraDirs[path]) return extraDirs[path];
      const names = Object.keys(files)
        .filter((f) => f.startsWith(path + '/'))
        .map((f) => f.slice(path.length + 1).split('/')[0]);
      if (names.length === 0) throw enoent(path);
      return [...new Set(names)];
    },
  };
}

const noFiles = fakeIo({});

describe('parseConnectionOptions: defaults', () => {
  it('unset: verification on, default timeouts, no problems or warnings, no I/O', () => {
    const io = fakeIo({});
    expect(parseConnectionOptions(null, io)).toEqual({
      tls: { rejectUnauthorized: true },
      networkTimeoutMs: DEFAULT_NETWORK_TIMEOUT_MS,
      operationTimeoutMs: DEFAULT_OPERATION_TIMEOUT_MS,
      warnings: [],
      problems: [],
    });
    expect(DEFAULT_NETWORK_TIMEOUT_MS).toBe(5000);
    expect(DEFAULT_OPERATION_TIMEOUT_MS).toBe(10000);
    expect(io.reads).toEqual([]);
  });

  it('blank items are ignored', () => {
    expect(parseConnectionOptions(' ; ;', noFiles).problems).toEqual([]);
  });
});

describe('OPT_X_TLS_CACERTFILE', () => {
  it("accepts the guide's exact value", () => {
    const io = fakeIo({ '/path/to/cert.crt': `${CERT_A}\n` });
    const r = parseConnectionOptions('OPT_X_TLS_CACERTFILE=/path/to/cert.crt;OPT_X_TLS_NEWCTX=0', io);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.tls).toEqual({ rejectUnauthorized: true, ca: [CERT_A] });
  });

  it('splits a bundle into its certificates and drops other text', () => {
    const io = fakeIo({ '/ca.pem': `subject=...\n${CERT_A}\n\n# comment\n${CERT_B}\n` });
    expect(parseConnectionOptions('OPT_X_TLS_CACERTFILE=/ca.pem', io).tls.ca).toEqual([CERT_A, CERT_B]);
  });

  it('accepts spaces, quotes around the value, lower-case and ldap.-prefixed names', () => {
    const io = fakeIo({ '/ca.pem': CERT_A });
    for (const raw of [
      ' OPT_X_TLS_CACERTFILE = /ca.pem ',
      'OPT_X_TLS_CACERTFILE="/ca.pem"',
      "opt_x_tls_cacertfile='/ca.pem'",
      'ldap.OPT_X_TLS_CACERTFILE=/ca.pem',
    ]) {
      const r = parseConnectionOptions(raw, io);
      expect(r.problems).toEqual([]);
      expect(r.tls.ca).toEqual([CERT_A]);
    }
  });

  it('a missing file is an error naming the variable, the option and the path', () => {
    const r = parseConnectionOptions('OPT_X_TLS_CACERTFILE=/missing/ca.crt', noFiles);
    expect(r.problems).toEqual([
      `${V}: OPT_X_TLS_CACERTFILE file "/missing/ca.crt" cannot be read (no such file or folder)`,
    ]);
    expect(r.tls.ca).toBeUndefined();
  });

  it('an unreadable file is an error', () => {
    const io: OptionsIo = {
      readFile: () => {
        throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      },
      listDir: () => [],
    };
    expect(parseConnectionOptions('OPT_X_TLS_CACERTFILE=/root/ca.pem', io).problems).toEqual([
      `${V}: OPT_X_TLS_CACERTFILE file "/root/ca.pem" cannot be read (permission denied)`,
    ]);
  });

  it('a file without a PEM certificate is an error', () => {
    const io = fakeIo({ '/ca.der': '0\x82\x03\x1a0\x82', '/key.pem': KEY });
    const r = parseConnectionOptions('OPT_X_TLS_CACERTFILE=/ca.der', io);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^AUTH_LDAP_CONNECTION_OPTIONS: OPT_X_TLS_CACERTFILE file "\/ca.der" contains no PEM certificate.*-----BEGIN CERTIFICATE-----/);
    expect(parseConnectionOptions('OPT_X_TLS_CACERTFILE=/key.pem', io).problems[0]).not.toContain('TOP-SECRET');
  });

  it('an empty value is an error', () => {
    expect(parseConnectionOptions('OPT_X_TLS_CACERTFILE=', noFiles).problems).toEqual([
      `${V}: OPT_X_TLS_CACERTFILE has no value`,
    ]);
  });
});

describe('OPT_X_TLS_CACERTDIR', () => {
  it('trusts every certificate file in the folder, once each, and skips others', () => {
    const io = fakeIo({
      '/etc/ssl/ldap/b.pem': CERT_B,
      '/etc/ssl/ldap/a.pem': CERT_A,
      '/etc/ssl/ldap/5d30f3c5.0': CERT_A,
      '/etc/ssl/ldap/README': 'not a cert',
      '/etc/ssl/ldap/sub/c.pem': 'in a sub-folder',
    });
    const r = parseConnectionOptions('OPT_X_TLS_CACERTDIR=/etc/ssl/ldap', io);
    expect(r.problems).toEqual([]);
    expect(r.tls.ca).toEqual([CERT_A, CERT_B]);
  });

  it('is combined with OPT_X_TLS_CACERTFILE', () => {
    const io = fakeIo({ '/d/b.pem': CERT_B, '/ca.pem': CERT_A });
    const r = parseConnectionOptions('OPT_X_TLS_CACERTFILE=/ca.pem;OPT_X_TLS_CACERTDIR=/d', io);
    expect(r.tls.ca).toEqual([CERT_A, CERT_B]);
  });

  it('a folder that cannot be listed is an error', () => {
    expect(parseConnectionOptions('OPT_X_TLS_CACERTDIR=/nope', noFiles).problems).toEqual([
      `${V}: OPT_X_TLS_CACERTDIR folder "/nope" cannot be listed (no such file or folder)`,
    ]);
  });

  it('a folder without certificates is an error', () => {
    const io = fakeIo({ '/d/readme.txt': 'hello' });
    expect(parseConnectionOptions('OPT_X_TLS_CACERTDIR=/d', io).problems).toEqual([
      `${V}: OPT_X_TLS_CACERTDIR folder "/d" contains no PEM certificate file`,
    ]);
    expect(parseConnectionOptions('OPT_X_TLS_CACERTDIR=/empty', fakeIo({}, { '/empty': [] })).problems).toHaveLength(1);
  });
});

describe('OPT_X_TLS_CERTFILE / OPT_X_TLS_KEYFILE', () => {
  it('loads both', () => {
    const io = fakeIo({ '/c.pem': CERT_A, '/k.pem': KEY });
    const r = parseConnectionOptions('OPT_X_TLS_CERTFILE=/c.pem;OPT_X_TLS_KEYFILE=/k.pem', io);
    expect(r.problems).toEqual([]);
    expect(r.tls.cert).toBe(CERT_A);
    expect(r.tls.key).toBe(KEY);
  });

  it('accepts RSA and EC key headers', () => {
    for (const header of ['RSA PRIVATE KEY', 'EC PRIVATE KEY']) {
      const key = `-----BEGIN ${header}-----\nx\n-----END ${header}-----`;
      const r = parseConnectionOptions('OPT_X_TLS_CERTFILE=/c;OPT_X_TLS_KEYFILE=/k', fakeIo({ '/c': CERT_A, '/k': key }));
      expect(r.problems).toEqual([]);
      expect(r.tls.key).toBe(key);
    }
  });

  it('one without the other is an error', () => {
    expect(parseConnectionOptions('OPT_X_TLS_CERTFILE=/c.pem', noFiles).problems).toEqual([
      `${V}: OPT_X_TLS_CERTFILE is set without OPT_X_TLS_KEYFILE; a client certificate needs both (or neither)`,
    ]);
    expect(parseConnectionOptions('OPT_X_TLS_KEYFILE=/k.pem', noFiles).problems).toEqual([
      `${V}: OPT_X_TLS_KEYFILE is set without OPT_X_TLS_CERTFILE; a client certificate needs both (or neither)`,
    ]);
  });

  it('missing files, a certificate file without a certificate and a key file without a key are errors', () => {
    expect(parseConnectionOptions('OPT_X_TLS_CERTFILE=/c;OPT_X_TLS_KEYFILE=/k', noFiles).problems).toEqual([
      `${V}: OPT_X_TLS_CERTFILE file "/c" cannot be read (no such file or folder)`,
      `${V}: OPT_X_TLS_KEYFILE file "/k" cannot be read (no such file or folder)`,
    ]);
    const r = parseConnectionOptions('OPT_X_TLS_CERTFILE=/k;OPT_X_TLS_KEYFILE=/c', fakeIo({ '/c': CERT_A, '/k': KEY }));
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]).toMatch(/OPT_X_TLS_CERTFILE file "\/k" contains no PEM certificate/);
    expect(r.problems[1]).toMatch(/OPT_X_TLS_KEYFILE file "\/c" contains no PEM private key/);
    expect(r.problems.join('\n')).not.toContain('TOP-SECRET');
  });

  it('an encrypted key is an error', () => {
    const enc = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nx\n-----END ENCRYPTED PRIVATE KEY-----';
    const legacy = '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nx\n-----END RSA PRIVATE KEY-----';
    for (const key of [enc, legacy]) {
      const r = parseConnectionOptions('OPT_X_TLS_CERTFILE=/c;OPT_X_TLS_KEYFILE=/k', fakeIo({ '/c': CERT_A, '/k': key }));
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toMatch(/encrypted private key; passphrases are not supported/);
      expect(r.tls.key).toBeUndefined();
    }
  });
});

describe('OPT_X_TLS_REQUIRE_CERT', () => {
  it.each([
    ['never', 0],
    ['NEVER', 0],
    ['OPT_X_TLS_NEVER', 0],
    ['ldap.OPT_X_TLS_NEVER', 0],
    ['0', 0],
    ['hard', 1],
    ['OPT_X_TLS_HARD', 1],
    ['1', 1],
    ['demand', 2],
    ['OPT_X_TLS_DEMAND', 2],
    ['2', 2],
    ['allow', 3],
    ['OPT_X_TLS_ALLOW', 3],
    ['3', 3],
    ['try', 4],
    ['OPT_X_TLS_TRY', 4],
    ['4', 4],
  ])('parseRequireCert(%s) = %d', (v, n) => {
    expect(parseRequireCert(v)).toBe(n);
  });

  it.each(['5', 'maybe', 'OPT_X_TLS_SOMETIMES', '-1', ''])('parseRequireCert(%s) is null', (v) => {
    expect(parseRequireCert(v)).toBeNull();
  });

  it.each(['never', 'OPT_X_TLS_NEVER', '0', 'allow', '3'])('%s turns verification off with a warning', (v) => {
    const r = parseConnectionOptions(`OPT_X_TLS_REQUIRE_CERT=${v}`, noFiles);
    expect(r.problems).toEqual([]);
    expect(r.tls.rejectUnauthorized).toBe(false);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/^TLS certificate verification is OFF \(OPT_X_TLS_REQUIRE_CERT=(never|allow)\): /);
  });

  it('the warning names the value used', () => {
    expect(parseConnectionOptions('OPT_X_TLS_REQUIRE_CERT=never', noFiles).warnings[0]).toContain('(OPT_X_TLS_REQUIRE_CERT=never)');
    expect(parseConnectionOptions('OPT_X_TLS_REQUIRE_CERT=allow', noFiles).warnings[0]).toContain('(OPT_X_TLS_REQUIRE_CERT=allow)');
  });

  it.each(['demand', 'hard', 'try', '2', 'OPT_X_TLS_DEMAND'])('%s keeps verification on', (v) => {
    const r = parseConnectionOptions(`OPT_X_TLS_REQUIRE_CERT=${v}`, noFiles);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.tls.rejectUnauthorized).toBe(true);
  });

  it('an unknown value is an error listing the accepted ones', () => {
    const r = parseConnectionOptions('OPT_X_TLS_REQUIRE_CERT=sometimes', noFiles);
    expect(r.problems).toEqual([
      `${V}: OPT_X_TLS_REQUIRE_CERT=sometimes is not a valid value; use one of never, hard, demand, allow, try (or OPT_X_TLS_NEVER ... / 0-4)`,
    ]);
    expect(r.tls.rejectUnauthorized).toBe(true);
  });
});

describe('OPT_X_TLS_PROTOCOL_MIN / MAX', () => {
  it.each([
    ['0x301', 0x301],
    ['769', 0x301],
    ['TLSv1', 0x301],
    ['TLSv1.0', 0x301],
    ['1.0', 0x301],
    ['3.1', 0x301],
    ['0x302', 0x302],
    ['TLSv1.1', 0x302],
    ['0x303', 0x303],
    ['0X0303', 0x303],
    ['771', 0x303],
    ['TLSv1.2', 0x303],
    ['tlsv1.2', 0x303],
    ['TLS1.2', 0x303],
    ['TLS1_2', 0x303],
    ['1.2', 0x303],
    ['3.3', 0x303],
    ['OPT_X_TLS_PROTOCOL_TLS1_2', 0x303],
    ['ldap.OPT_X_TLS_PROTOCOL_TLS1_2', 0x303],
    ['0x304', 0x304],
    ['772', 0x304],
    ['TLSv1.3', 0x304],
    ['1.3', 0x304],
    ['SSLv3', 0x300],
    ['OPT_X_TLS_PROTOCOL_SSL3', 0x300],
  ])('parseTlsProtocol(%s) = %d', (v, n) => {
    expect(parseTlsProtocol(v)).toBe(n);
  });

  it.each(['TLSv2', '1.4', 'latest', '', '3.5'])('parseTlsProtocol(%s) is null', (v) => {
    expect(parseTlsProtocol(v)).toBeNull();
  });

  it('maps to minVersion / maxVersion', () => {
    const r = parseConnectionOptions('OPT_X_TLS_PROTOCOL_MIN=0x303;OPT_X_TLS_PROTOCOL_MAX=TLSv1.3', noFiles);
    expect(r.problems).toEqual([]);
    expect(r.tls).toEqual({ rejectUnauthorized: true, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
    expect(parseConnectionOptions('OPT_X_TLS_PROTOCOL_MIN=769', noFiles).tls.minVersion).toBe('TLSv1');
    expect(parseConnectionOptions('OPT_X_TLS_PROTOCOL_MAX=1.1', noFiles).tls.maxVersion).toBe('TLSv1.1');
  });

  it('unreadable and unsupported versions are errors', () => {
    expect(parseConnectionOptions('OPT_X_TLS_PROTOCOL_MIN=best', noFiles).problems).toEqual([
      `${V}: OPT_X_TLS_PROTOCOL_MIN=best is not a TLS version; use 0x303, 771, TLSv1.2 or 1.2 style (TLS 1.0 to 1.3)`,
    ]);
    expect(parseConnectionOptions('OPT_X_TLS_PROTOCOL_MIN=0x300', noFiles).problems[0]).toMatch(/OPT_X_TLS_PROTOCOL_MIN=0x300 is not supported/);
    expect(parseConnectionOptions('OPT_X_TLS_PROTOCOL_MAX=0x305', noFiles).problems[0]).toMatch(/OPT_X_TLS_PROTOCOL_MAX=0x305 is not supported/);
    expect(parseConnectionOptions('OPT_X_TLS_PROTOCOL_MAX=', noFiles).problems).toEqual([`${V}: OPT_X_TLS_PROTOCOL_MAX has no value`]);
  });

  it('min above max is an error', () => {
    const r = parseConnectionOptions('OPT_X_TLS_PROTOCOL_MIN=TLSv1.3;OPT_X_TLS_PROTOCOL_MAX=TLSv1.2', noFiles);
    expect(r.problems).toEqual([`${V}: OPT_X_TLS_PROTOCOL_MIN (TLSv1.3) is above OPT_X_TLS_PROTOCOL_MAX (TLSv1.2)`]);
  });
});

describe('other options', () => {
  it('OPT_X_TLS_CIPHER_SUITE sets ciphers', () => {
    expect(parseConnectionOptions('OPT_X_TLS_CIPHER_SUITE=HIGH:!aNULL:!MD5', noFiles).tls.ciphers).toBe('HIGH:!aNULL:!MD5');
    expect(parseConnectionOptions('OPT_X_TLS_CIPHER_SUITE=', noFiles).problems).toEqual([
      `${V}: OPT_X_TLS_CIPHER_SUITE has no value`,
    ]);
  });

  it('OPT_X_TLS_NEWCTX is accepted without effect; a non-number is an error', () => {
    for (const v of ['0', '1']) {
      const r = parseConnectionOptions(`OPT_X_TLS_NEWCTX=${v}`, noFiles);
      expect(r.problems).toEqual([]);
      expect(r.tls).toEqual({ rejectUnauthorized: true });
    }
    expect(parseConnectionOptions('OPT_X_TLS_NEWCTX=yes', noFiles).problems).toEqual([
      `${V}: OPT_X_TLS_NEWCTX=yes must be a number (the guide writes OPT_X_TLS_NEWCTX=0)`,
    ]);
  });

  it.each([
    ['OPT_NETWORK_TIMEOUT=3', 3000, DEFAULT_OPERATION_TIMEOUT_MS],
    ['OPT_NETWORK_TIMEOUT=0.5', 500, DEFAULT_OPERATION_TIMEOUT_MS],
    ['OPT_NETWORK_TIMEOUT=.25', 250, DEFAULT_OPERATION_TIMEOUT_MS],
    ['OPT_TIMEOUT=30', DEFAULT_NETWORK_TIMEOUT_MS, 30000],
    ['OPT_TIMEOUT=2.5;OPT_NETWORK_TIMEOUT=1', 1000, 2500],
    ['OPT_TIMEOUT=0.0001', DEFAULT_NETWORK_TIMEOUT_MS, 1],
  ])('%s', (raw, net, op) => {
    const r = parseConnectionOptions(raw, noFiles);
    expect(r.problems).toEqual([]);
    expect(r.networkTimeoutMs).toBe(net);
    expect(r.operationTimeoutMs).toBe(op);
  });

  it.each(['0', '-1', 'abc', '', '1e3', '5s'])('a timeout of %p is an error', (v) => {
    for (const opt of ['OPT_NETWORK_TIMEOUT', 'OPT_TIMEOUT']) {
      const r = parseConnectionOptions(`${opt}=${v}`, noFiles);
      expect(r.problems).toEqual([
        `${V}: ${opt}=${v} must be a number of seconds greater than 0 (decimals allowed; "no timeout" is not supported)`,
      ]);
    }
  });

  it('OPT_REFERRALS 0/1 is accepted; 1 warns that referrals are not followed', () => {
    expect(parseConnectionOptions('OPT_REFERRALS=0', noFiles)).toMatchObject({ problems: [], warnings: [] });
    expect(parseConnectionOptions('OPT_REFERRALS=OPT_OFF', noFiles)).toMatchObject({ problems: [], warnings: [] });
    const on = parseConnectionOptions('OPT_REFERRALS=1', noFiles);
    expect(on.problems).toEqual([]);
    expect(on.warnings).toEqual(['AUTH_LDAP_CONNECTION_OPTIONS: OPT_REFERRALS=1 has no effect; referrals are never followed']);
    expect(parseConnectionOptions('OPT_REFERRALS=2', noFiles).problems).toEqual([`${V}: OPT_REFERRALS=2 must be 0 or 1`]);
    expect(parseConnectionOptions('OPT_REFERRALS=follow', noFiles).problems).toHaveLength(1);
  });

  it('OPT_PROTOCOL_VERSION only accepts 3', () => {
    for (const v of ['3', 'VERSION3', 'ldap.VERSION3']) {
      expect(parseConnectionOptions(`OPT_PROTOCOL_VERSION=${v}`, noFiles).problems).toEqual([]);
    }
    expect(parseConnectionOptions('OPT_PROTOCOL_VERSION=2', noFiles).problems).toEqual([
      `${V}: OPT_PROTOCOL_VERSION=2 is not supported; only LDAP version 3 is`,
    ]);
  });
});

describe('malformed and unknown options', () => {
  it('an unknown name is an error listing every known option', () => {
    const r = parseConnectionOptions('OPT_X_TLS_CRLFILE=/crl.pem', noFiles);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/^AUTH_LDAP_CONNECTION_OPTIONS: unknown option "OPT_X_TLS_CRLFILE"; known options: /);
    for (const name of CONNECTION_OPTION_NAMES) expect(r.problems[0]).toContain(name);
  });

  it('an item without = is an error', () => {
    expect(parseConnectionOptions('OPT_X_TLS_NEWCTX', noFiles).problems).toEqual([
      `${V}: "OPT_X_TLS_NEWCTX" is not of the form OPT_NAME=value`,
    ]);
  });

  it('an option given twice is an error', () => {
    expect(parseConnectionOptions('OPT_TIMEOUT=1;opt_timeout=2', noFiles).problems).toEqual([
      `${V}: OPT_TIMEOUT is given more than once; keep one`,
    ]);
  });

  it('reports every problem at once', () => {
    const r = parseConnectionOptions('OPT_FOO=1;OPT_X_TLS_CACERTFILE=/nope;OPT_TIMEOUT=-1;OPT_PROTOCOL_VERSION=2;junk', noFiles);
    expect(r.problems).toHaveLength(5);
    for (const p of r.problems) expect(p.startsWith(`${V}: `)).toBe(true);
  });
});
