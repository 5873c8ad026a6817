import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nodeFileIo, optionsFromEnv } from '../../../lib/options';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';

describe('nodeFileIo', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plsl-options-'));
    fs.writeFileSync(path.join(dir, 'ca.pem'), `${CERT}\n`);
    fs.mkdirSync(path.join(dir, 'certs'));
    fs.writeFileSync(path.join(dir, 'certs', 'a.pem'), CERT);
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads files and lists folders', () => {
    expect(nodeFileIo.readFile(path.join(dir, 'ca.pem'))).toBe(`${CERT}\n`);
    expect(nodeFileIo.listDir(dir).sort()).toEqual(['ca.pem', 'certs']);
    expect(() => nodeFileIo.readFile(path.join(dir, 'nope'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('is the default io of optionsFromEnv', () => {
    const env = {
      AUTH_LDAP_ENABLED: '1',
      AUTH_LDAP_SERVER_URI: 'ldaps://ldap.example.com',
      AUTH_LDAP_USER_DN_TEMPLATE: 'uid=%(user)s,dc=example,dc=com',
    };
    const ok = optionsFromEnv({ ...env, AUTH_LDAP_CONNECTION_OPTIONS: `OPT_X_TLS_CACERTFILE=${path.join(dir, 'ca.pem')};OPT_X_TLS_CACERTDIR=${path.join(dir, 'certs')}` });
    expect(ok.tls.ca).toEqual([CERT]);
    expect(() => optionsFromEnv({ ...env, AUTH_LDAP_CONNECTION_OPTIONS: `OPT_X_TLS_CACERTFILE=${dir}` })).toThrow(/is a folder, not a file/);
    expect(() => optionsFromEnv({ ...env, AUTH_LDAP_CONNECTION_OPTIONS: `OPT_X_TLS_CACERTFILE=${path.join(dir, 'missing.pem')}` })).toThrow(
      /AUTH_LDAP_CONNECTION_OPTIONS: OPT_X_TLS_CACERTFILE file ".*missing\.pem" cannot be read \(no such file or folder\)/,
    );
  });
});
