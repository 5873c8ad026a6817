/**
 * Real OpenLDAP slapd (Debian packages) for integration tests.
 *
 *   const srv = await startSlapd({ sizeLimit: 50, overlays: ['memberof'] });
 *   ... srv.url / srv.ldapsUrl / srv.caFile ...
 *   await srv.stop(); await srv.start();   // outage, same ports, same data
 *
 * Each server gets a temp folder (config, mdb data, slapd.log) and runs `slapd -d stats -f`
 * in the foreground; its stderr goes to slapd.log (a file, not a pipe, so slapd never blocks
 * on a test that is busy). Servers are stopped and their folders removed after the
 * describeWithSlapd block that started them, by stopAllSlapd(), on process exit (SIGKILL),
 * and by the jest globalTeardown (pid registry) – see registry.ts.
 *
 * The rootdn is exempt from slapd's size/time limits. To test size limits, bind as the
 * service account cn=svc,dc=example,dc=test (password svc-pw) or a fixture user.
 */
import { describeWhenAvailable, executable, onPath } from './availability';
import { ChildProcess, spawn } from 'child_process';
import * as dns from 'dns';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { testCerts } from './certs';
import { runOk } from './exec';
import { cancelOnProcessExit, onProcessExit, register, unregister } from './registry';
import { canConnectTo } from './sockets';

export const BASE_DN = 'dc=example,dc=test';
export const ADMIN_DN = `cn=admin,${BASE_DN}`;
export const ADMIN_PASSWORD = 'admin-secret';
export const SERVICE_DN = `cn=svc,${BASE_DN}`;
export const SERVICE_PASSWORD = 'svc-pw';
export const PPOLICY_DEFAULT_DN = `cn=default,ou=policies,${BASE_DN}`;
export const BASE_FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'base.ldif');

const SLAPD_BIN = process.env.SLAPD_BIN ?? '/usr/sbin/slapd';
const MODULE_DIR = process.env.SLAPD_MODULE_DIR ?? '/usr/lib/ldap';
const SCHEMA_DIR = process.env.SLAPD_SCHEMA_DIR ?? '/etc/ldap/schema';
const SCHEMAS = ['core', 'cosine', 'inetorgperson', 'nis'];
const TOOLS = ['ldapmodify', 'ldapsearch', 'ldapwhoami', 'openssl'];
const START_TIMEOUT_MS = 10_000;

export type SlapdOverlay = 'memberof' | 'monitor' | 'ppolicy';

export interface SlapdOptions {
  /** Extra LDIF texts (plain entries or changetype records) loaded after the base fixture. */
  ldif?: string[];
  /** Load __tests__/fixtures/base.ldif (default true). */
  baseFixture?: boolean;
  /** size.soft = size.hard = N for non-root binds; paged searches stay unlimited. */
  sizeLimit?: number;
  /**
   * memberof: memberOf kept up to date for groupOfNames/member (refint on).
   * monitor: cn=Monitor readable by the rootdn.
   * ppolicy: default policy PPOLICY_DEFAULT_DN, lockout after 3 failed binds (until an admin
   *          deletes pwdAccountLockedTime). Its entries are only added with the base fixture.
   */
  overlays?: SlapdOverlay[];
  /** ldaps listener + StartTLS (default true). false: no TLS at all, ldapsPort 0, ldapsUrl ''. */
  tls?: boolean;
}

export interface SlapdServer {
  url: string; // ldap://127.0.0.1:<port>
  ldapsUrl: string; // ldaps://localhost:<tlsport>
  port: number;
  ldapsPort: number;
  caFile: string;
  otherCaFile: string;
  baseDn: string;
  adminDn: string; // rootdn (exempt from size limits)
  adminPassword: string;
  serviceDn: string; // ordinary entry usable as service account (size limits apply)
  servicePassword: string;
  dir: string;
  accessLog(): string;
  clearAccessLog(): void;
  /** Polls the access log (since the last clear) until `re` matches; resolves with the log. */
  waitForAccessLog(re: RegExp, timeoutMs?: number): Promise<string>;
  ldapModify(ldif: string): Promise<void>;
  /** ldapmodify -a: records without changetype are adds. */
  ldapAdd(ldif: string): Promise<void>;
  isRunning(): boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
}

// ---------------------------------------------------------------- availability



export function slapdAvailability(): { available: true } | { available: false; reason: string } {
  const missing: string[] = [];
  if (!executable(SLAPD_BIN)) missing.push(SLAPD_BIN);
  if (!['la', 'so'].some((x) => fs.existsSync(path.join(MODULE_DIR, `back_mdb.${x}`)))) {
    missing.push(`${MODULE_DIR}/back_mdb`);
  }
  for (const s of SCHEMAS) {
    if (!fs.existsSync(path.join(SCHEMA_DIR, `${s}.schema`))) missing.push(`${SCHEMA_DIR}/${s}.schema`);
  }
  for (const t of TOOLS) if (!onPath(t)) missing.push(t);
  if (missing.length === 0) return { available: true };
  return {
    available: false,
    reason:
      `missing ${missing.join(', ')}; install the Debian packages slapd ldap-utils openssl ` +
      `(as root: bash scripts/ensure-servers.sh)`,
  };
}

type DescribeName = Parameters<jest.Describe>[0];
type DescribeFn = Parameters<jest.Describe>[1];

/**
 * describe + an afterAll, registered after the block's own hooks so it runs last, that
 * destroys the servers started inside the block.
 */
function withCleanup(base: (name: DescribeName, fn: DescribeFn) => void) {
  return (name: DescribeName, fn: DescribeFn): void =>
    base(name, () => {
      let before = new Set<Server>();
      beforeAll(() => {
        before = new Set(servers);
      });
      fn();
      afterAll(async () => {
        await Promise.all([...servers].filter((s) => !before.has(s)).map((s) => s.destroy()));
      });
    });
}

/**
 * describe when slapd is installed (servers started inside the block are stopped and
 * removed after it); otherwise a loud skip, or a thrown error under CI.
 */
export const describeWithSlapd: jest.Describe = describeWhenAvailable('slapd integration tests', slapdAvailability, () => {
  const d = withCleanup(describe);
  return Object.assign(d, { only: withCleanup(describe.only), skip: describe.skip, each: describe.each }) as jest.Describe;
});

// ---------------------------------------------------------------- ports

function listenOnce(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(undefined));
    s.listen({ port, host, exclusive: true }, () => {
      const addr = s.address();
      const p = addr && typeof addr === 'object' ? addr.port : undefined;
      s.close(() => resolve(p));
    });
  });
}

let v6Promise: Promise<boolean> | undefined;
/** Also listen on [::1] when 'localhost' resolves to it here, so ldaps://localhost always works. */
function useV6(): Promise<boolean> {
  v6Promise ??= (async () => {
    const addrs = await dns.promises.lookup('localhost', { all: true }).catch(() => []);
    if (!addrs.some((a) => a.address === '::1')) return false;
    return (await listenOnce(0, '::1')) !== undefined;
  })();
  return v6Promise;
}

async function freePort(v6: boolean): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const p = await listenOnce(0, '127.0.0.1');
    if (p !== undefined && (!v6 || (await listenOnce(p, '::1')) !== undefined)) return p;
  }
  throw new Error('no free TCP port found on 127.0.0.1');
}


const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- config

interface ConfPaths {
  dir: string;
  tls?: { caFile: string; certFile: string; keyFile: string };
}

function slapdConf(c: ConfPaths, opts: SlapdOptions): string {
  const overlays = new Set(opts.overlays ?? []);
  const q = (s: string): string => `"${s}"`;
  const L: string[] = ['# generated by __tests__/support/slapd.ts'];
  for (const s of SCHEMAS) L.push(`include ${path.join(SCHEMA_DIR, `${s}.schema`)}`);
  L.push(`modulepath ${MODULE_DIR}`, 'moduleload back_mdb');
  if (overlays.has('memberof')) L.push('moduleload memberof');
  if (overlays.has('ppolicy')) L.push('moduleload ppolicy');
  L.push(`pidfile ${path.join(c.dir, 'slapd.pid')}`, `argsfile ${path.join(c.dir, 'slapd.args')}`);
  if (c.tls) {
    L.push(
      `TLSCACertificateFile ${c.tls.caFile}`,
      `TLSCertificateFile ${c.tls.certFile}`,
      `TLSCertificateKeyFile ${c.tls.keyFile}`,
      'TLSVerifyClient never',
    );
  }
  L.push(
    '',
    'database mdb',
    `suffix ${q(BASE_DN)}`,
    `rootdn ${q(ADMIN_DN)}`,
    `rootpw ${ADMIN_PASSWORD}`,
    `directory ${path.join(c.dir, 'data')}`,
    'maxsize 268435456',
    'dbnosync',
    'index objectClass eq',
    'index uid,mail,cn eq,sub',
    'index member,uniqueMember,memberUid,roleOccupant eq',
  );
  if (opts.sizeLimit !== undefined) {
    // size.soft/hard=N truncate ordinary searches (rc 4 sizeLimitExceeded). By default a
    // pagedResults search is capped at size.hard in TOTAL (size.prtotal=hard, slapd.conf(5)
    // "limits"); size.prtotal=unlimited lets a paged search (page size <= N) return every
    // entry, as AD/LSE paging expects. size.pr is left at its default (no page-size cap).
    const n = Math.trunc(opts.sizeLimit);
    L.push(`sizelimit size.soft=${n} size.hard=${n} size.prtotal=unlimited`);
  }
  L.push(
    // Anonymous may only bind; any bound user reads everything but other users' passwords.
    'access to attrs=userPassword by self write by anonymous auth by * none',
    'access to * by users read by anonymous auth by * none',
  );
  if (overlays.has('memberof')) {
    L.push(
      'overlay memberof',
      'memberof-group-oc groupOfNames',
      'memberof-member-ad member',
      'memberof-memberof-ad memberOf',
      'memberof-refint TRUE',
      'memberof-dangling ignore',
    );
  }
  if (overlays.has('ppolicy')) {
    L.push('overlay ppolicy', `ppolicy_default ${q(PPOLICY_DEFAULT_DN)}`, 'ppolicy_use_lockout');
  }
  if (overlays.has('monitor')) {
    L.push('', 'database monitor', `access to * by dn.exact=${q(ADMIN_DN)} read by * none`);
  }
  return `${L.join('\n')}\n`;
}

const PPOLICY_LDIF = `dn: ou=policies,${BASE_DN}
objectClass: organizationalUnit
ou: policies

dn: ${PPOLICY_DEFAULT_DN}
objectClass: organizationalRole
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdMaxFailure: 3
pwdLockout: TRUE
pwdLockoutDuration: 0
pwdFailureCountInterval: 0
pwdMustChange: FALSE
pwdAllowUserChange: TRUE
`;

// ---------------------------------------------------------------- server

const servers = new Set<Server>();

class PortInUseError extends Error {}

class Server implements SlapdServer {
  readonly baseDn = BASE_DN;
  readonly adminDn = ADMIN_DN;
  readonly adminPassword = ADMIN_PASSWORD;
  readonly serviceDn = SERVICE_DN;
  readonly servicePassword = SERVICE_PASSWORD;
  private child: ChildProcess | undefined;
  private spawnError: Error | undefined;
  private logOffset = 0;
  private readonly logFile: string;
  private readonly confFile: string;

  constructor(
    readonly dir: string,
    readonly port: number,
    readonly ldapsPort: number,
    private readonly v6: boolean,
    readonly caFile: string,
    readonly otherCaFile: string,
  ) {
    this.logFile = path.join(dir, 'slapd.log');
    this.confFile = path.join(dir, 'slapd.conf');
  }

  get url(): string {
    return `ldap://127.0.0.1:${this.port}`;
  }

  get ldapsUrl(): string {
    return this.ldapsPort ? `ldaps://localhost:${this.ldapsPort}` : '';
  }

  accessLog(): string {
    try {
      return fs.readFileSync(this.logFile).subarray(this.logOffset).toString('utf8');
    } catch {
      return '';
    }
  }

  clearAccessLog(): void {
    try {
      this.logOffset = fs.statSync(this.logFile).size;
    } catch {
      this.logOffset = 0;
    }
  }

  async waitForAccessLog(re: RegExp, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const log = this.accessLog();
      if (re.test(log)) return log;
      if (Date.now() > deadline) throw new Error(`access log did not match ${re} within ${timeoutMs} ms:\n${log}`);
      await sleep(25);
    }
  }

  private ldapTool(extra: string[], ldif: string): Promise<unknown> {
    return runOk('ldapmodify', ['-x', ...extra, '-H', this.url, '-D', ADMIN_DN, '-w', ADMIN_PASSWORD], {
      input: ldif,
    });
  }

  async ldapModify(ldif: string): Promise<void> {
    await this.ldapTool([], ldif);
  }

  async ldapAdd(ldif: string): Promise<void> {
    await this.ldapTool(['-a', '-c'], ldif);
  }

  isRunning(): boolean {
    const c = this.child;
    return !!c && !this.spawnError && c.exitCode === null && c.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.isRunning()) return;
    const listen = [`ldap://127.0.0.1:${this.port}/`];
    if (this.ldapsPort) listen.push(`ldaps://127.0.0.1:${this.ldapsPort}/`);
    if (this.v6) {
      listen.push(`ldap://[::1]:${this.port}/`);
      if (this.ldapsPort) listen.push(`ldaps://[::1]:${this.ldapsPort}/`);
    }
    const logStart = fs.existsSync(this.logFile) ? fs.statSync(this.logFile).size : 0;
    const fd = fs.openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(SLAPD_BIN, ['-d', 'stats', '-h', listen.join(' '), '-f', this.confFile], {
        stdio: ['ignore', fd, fd],
      });
    } finally {
      fs.closeSync(fd);
    }
    this.child = child;
    this.spawnError = undefined;
    child.unref(); // a forgotten server must not keep jest alive; exit hooks kill it
    child.once('error', (e) => {
      this.spawnError = e; // reported by the start-up loop below
    });
    register(this.dir, child.pid);
    const dir = this.dir;
    onProcessExit(dir, () => {
      if (this.isRunning()) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
      unregister(dir);
    });

    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (!this.isRunning()) {
        const log = fs.readFileSync(this.logFile).subarray(logStart).toString('utf8');
        const spawnError = this.spawnError as Error | undefined; // set by the error handler
        const why = spawnError?.message ?? `code ${child.exitCode}, signal ${child.signalCode}`;
        const msg = `slapd exited during startup (${why}) ` +
          `listening on ${listen.join(' ')}:\n${log.slice(-4000)}`;
        throw /bind\(.*\) failed|Address already in use/.test(log) ? new PortInUseError(msg) : new Error(msg);
      }
      // All listeners are bound before slapd accepts, so the plain port is enough (probing
      // the ldaps port would log a TLS failure).
      if (await canConnectTo('127.0.0.1', this.port)) return;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        const log = fs.readFileSync(this.logFile).subarray(logStart).toString('utf8');
        throw new Error(`slapd did not answer within ${START_TIMEOUT_MS} ms:\n${log.slice(-4000)}`);
      }
      await sleep(50);
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (this.isRunning()) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000); // SIGTERM ignored/hung
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    }
    this.child = undefined;
    register(this.dir); // folder still ours, no process any more
  }

  /** stop() + remove the temp folder. */
  async destroy(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
    unregister(this.dir);
    cancelOnProcessExit(this.dir);
    servers.delete(this);
  }
}

async function createAndStart(opts: SlapdOptions, v6: boolean): Promise<Server> {
  const certs = await testCerts();
  const tls = opts.tls ?? true;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plsl-slapd-'));
  register(dir);
  fs.mkdirSync(path.join(dir, 'data'));
  const port = await freePort(v6);
  let ldapsPort = 0;
  while (tls && (ldapsPort === 0 || ldapsPort === port)) ldapsPort = await freePort(v6);
  const srv = new Server(dir, port, ldapsPort, v6, certs.caFile, certs.otherCaFile);
  servers.add(srv);
  fs.writeFileSync(path.join(dir, 'slapd.conf'), slapdConf({ dir, tls: tls ? certs : undefined }, opts));
  try {
    await srv.start();
  } catch (e) {
    await srv.destroy();
    throw e;
  }
  return srv;
}

export async function startSlapd(opts: SlapdOptions = {}): Promise<SlapdServer> {
  const a = slapdAvailability();
  if (!a.available) throw new Error(`cannot start slapd: ${a.reason}`);
  const v6 = await useV6();
  let srv: Server | undefined;
  for (let attempt = 1; !srv; attempt++) {
    try {
      srv = await createAndStart(opts, v6);
    } catch (e) {
      if (!(e instanceof PortInUseError) || attempt >= 3) throw e;
    }
  }
  try {
    if (opts.baseFixture ?? true) {
      await srv.ldapAdd(fs.readFileSync(BASE_FIXTURE, 'utf8'));
      if (opts.overlays?.includes('ppolicy')) await srv.ldapAdd(PPOLICY_LDIF);
    }
    for (const ldif of opts.ldif ?? []) await srv.ldapAdd(ldif);
  } catch (e) {
    await srv.destroy();
    throw e;
  }
  return srv;
}

/** Stops every server started by this test file and removes their temp folders. */
export async function stopAllSlapd(): Promise<void> {
  await Promise.all([...servers].map((s) => s.destroy()));
}
