/**
 * Test PKI made with openssl at setup time (EC P-256: fast). Generated once per test
 * process into $TMPDIR/plsl-certs-<pid> and shared by every server of that process.
 *   ca.pem         CA that signed server.pem
 *   server.pem/key CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1 and this machine's
 *                  host name(s): libldap (ldapsearch & co.) checks ldaps://localhost against
 *                  gethostname()'s FQDN instead of "localhost".
 *   other-ca.pem   an unrelated CA (for "wrong CA" tests)
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run, runOk } from './exec';
import { onProcessExit, processScopedDir, register, unregister } from './registry';

export interface TestCerts {
  dir: string;
  caFile: string;
  otherCaFile: string;
  certFile: string;
  keyFile: string;
}

function files(dir: string): TestCerts {
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    otherCaFile: path.join(dir, 'other-ca.pem'),
    certFile: path.join(dir, 'server.pem'),
    keyFile: path.join(dir, 'server.key'),
  };
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const CA_EXT = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'];

async function makeCa(dir: string, name: string, cn: string): Promise<void> {
  await runOk('openssl', ['req', '-x509', ...EC, '-days', '3650', '-subj', `/O=plsl tests/CN=${cn}`,
    ...CA_EXT, '-keyout', path.join(dir, `${name}.key`), '-out', path.join(dir, `${name}.pem`)]);
}

async function hostNames(): Promise<string[]> {
  const names = new Set(['localhost', os.hostname()]);
  const fqdn = await run('hostname', ['-f']).catch(() => undefined);
  if (fqdn?.code === 0) names.add(fqdn.stdout.trim());
  return [...names].filter((n) => /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(n));
}

async function generate(dir: string): Promise<void> {
  await makeCa(dir, 'ca', 'plsl test CA');
  await makeCa(dir, 'other-ca', 'plsl unrelated CA');
  const csr = path.join(dir, 'server.csr');
  const ext = path.join(dir, 'server.ext');
  await runOk('openssl', ['req', '-new', ...EC, '-subj', '/O=plsl tests/CN=localhost',
    '-keyout', path.join(dir, 'server.key'), '-out', csr]);
  fs.writeFileSync(ext, [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    `subjectAltName=${(await hostNames()).map((n) => `DNS:${n}`).join(',')},IP:127.0.0.1,IP:::1`,
    '',
  ].join('\n'));
  await runOk('openssl', ['x509', '-req', '-in', csr, '-CA', path.join(dir, 'ca.pem'),
    '-CAkey', path.join(dir, 'ca.key'), '-CAcreateserial', '-days', '3650', '-sha256',
    '-extfile', ext, '-out', path.join(dir, 'server.pem')]);
  fs.chmodSync(path.join(dir, 'server.key'), 0o644); // slapd may drop privileges
}

let pending: Promise<TestCerts> | undefined;

export function testCerts(): Promise<TestCerts> {
  pending ??= (async () => {
    const dir = processScopedDir('plsl-certs');
    const done = path.join(dir, 'done');
    if (fs.existsSync(done)) return files(dir);
    const tmp = fs.mkdtempSync(`${dir}.tmp-`);
    try {
      await generate(tmp);
      fs.writeFileSync(path.join(tmp, 'done'), '');
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(tmp, dir);
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      pending = undefined;
      throw e;
    }
    register(dir);
    onProcessExit(dir, () => {
      fs.rmSync(dir, { recursive: true, force: true });
      unregister(dir);
    });
    return files(dir);
  })();
  return pending;
}
