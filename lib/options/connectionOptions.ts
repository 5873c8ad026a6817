// AUTH_LDAP_CONNECTION_OPTIONS (semantics.md section 4): `;`-separated `OPT_NAME=value` pairs
// with python-ldap names and values. File access only through the OptionsIo passed in.
import { join } from 'path';
import type { TlsOptions, TlsVersion } from '../types';
import type { OptionsIo } from './fileIo';
import { fileErrorText, q, stripQuotes } from './values';

const VAR = 'AUTH_LDAP_CONNECTION_OPTIONS';

export const DEFAULT_NETWORK_TIMEOUT_MS = 5000;
export const DEFAULT_OPERATION_TIMEOUT_MS = 10000;

export const CONNECTION_OPTION_NAMES = [
  'OPT_X_TLS_CACERTFILE',
  'OPT_X_TLS_CACERTDIR',
  'OPT_X_TLS_CERTFILE',
  'OPT_X_TLS_KEYFILE',
  'OPT_X_TLS_REQUIRE_CERT',
  'OPT_X_TLS_PROTOCOL_MIN',
  'OPT_X_TLS_PROTOCOL_MAX',
  'OPT_X_TLS_CIPHER_SUITE',
  'OPT_X_TLS_NEWCTX',
  'OPT_NETWORK_TIMEOUT',
  'OPT_TIMEOUT',
  'OPT_REFERRALS',
  'OPT_PROTOCOL_VERSION',
] as const;
export type ConnectionOptionName = (typeof CONNECTION_OPTION_NAMES)[number];

export interface ConnectionOptions {
  tls: TlsOptions;
  networkTimeoutMs: number;
  operationTimeoutMs: number;
  warnings: string[];
  problems: string[];
}

/** python-ldap OPT_X_TLS_REQUIRE_CERT values. */
const REQUIRE_CERT: Readonly<Record<string, number>> = { NEVER: 0, HARD: 1, DEMAND: 2, ALLOW: 3, TRY: 4 };
const REQUIRE_CERT_NAMES = ['never', 'hard', 'demand', 'allow', 'try'];

const TLS_VERSIONS: Readonly<Record<number, TlsVersion>> = {
  0x301: 'TLSv1',
  0x302: 'TLSv1.1',
  0x303: 'TLSv1.2',
  0x304: 'TLSv1.3',
};

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** `ldap.OPT_X_TLS_NEVER` -> `OPT_X_TLS_NEVER`: python-ldap spellings are accepted. */
function stripModule(v: string): string {
  return v.replace(/^ldap\./i, '');
}

function parseInteger(v: string): number | null {
  if (/^[0-9]+$/.test(v)) return Number(v);
  if (/^0x[0-9a-f]+$/i.test(v)) return parseInt(v.slice(2), 16);
  return null;
}

/** OPT_X_TLS_REQUIRE_CERT value -> python-ldap number, or null. */
export function parseRequireCert(value: string): number | null {
  const n = parseInteger(value);
  if (n !== null) return n <= 4 ? n : null;
  const name = stripModule(value).toUpperCase().replace(/^OPT_X_TLS_/, '');
  return Object.prototype.hasOwnProperty.call(REQUIRE_CERT, name) ? REQUIRE_CERT[name] : null;
}

/**
 * TLS protocol version in any of the forms python-ldap / OpenLDAP users write:
 * `0x303`, `771`, `TLSv1.2`, `TLS1_2`, `1.2`, `3.3` (OpenLDAP's major.minor), `OPT_X_TLS_PROTOCOL_TLS1_2`.
 * Returns the numeric protocol (0x300 for SSLv3) or null when unreadable.
 */
export function parseTlsProtocol(value: string): number | null {
  const n = parseInteger(value);
  if (n !== null) return n;
  let v = stripModule(value).toUpperCase().replace(/^OPT_X_TLS_PROTOCOL_/, '');
  if (v === 'SSL3' || v === 'SSLV3') return 0x300;
  v = v.replace(/^TLSV?/, '').replace('_', '.');
  if (/^1(\.0)?$/.test(v)) return 0x301;
  let m = /^1\.([1-3])$/.exec(v);
  if (m) return 0x301 + Number(m[1]);
  m = /^3\.([0-4])$/.exec(v);
  if (m) return 0x300 + Number(m[1]);
  return null;
}

function parseSeconds(value: string): number | null {
  if (!/^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/.test(value)) return null;
  const s = Number(value);
  return s > 0 && Number.isFinite(s) ? s : null;
}

/** The parsed `name=value` pairs; problems for malformed items, unknown names and repeats. */
function splitPairs(raw: string, problems: string[]): Map<ConnectionOptionName, string> {
  const pairs = new Map<ConnectionOptionName, string>();
  const known: readonly string[] = CONNECTION_OPTION_NAMES;
  for (const item of raw.split(';')) {
    const text = item.trim();
    if (text === '') continue;
    const eq = text.indexOf('=');
    if (eq === -1) {
      problems.push(`${VAR}: ${q(text)} is not of the form OPT_NAME=value`);
      continue;
    }
    const name = stripModule(text.slice(0, eq).trim()).toUpperCase();
    const value = stripQuotes(text.slice(eq + 1).trim()).value.trim();
    if (!known.includes(name)) {
      problems.push(`${VAR}: unknown option ${q(text.slice(0, eq).trim())}; known options: ${known.join(', ')}`);
      continue;
    }
    const opt = name as ConnectionOptionName;
    if (pairs.has(opt)) {
      problems.push(`${VAR}: ${opt} is given more than once; keep one`);
      continue;
    }
    pairs.set(opt, value);
  }
  return pairs;
}

/** Reads a file through io; pushes a problem and returns null when it cannot be read. */
function readFile(io: OptionsIo, opt: string, path: string, problems: string[]): string | null {
  try {
    return io.readFile(path);
  } catch (err) {
    problems.push(`${VAR}: ${opt} file ${q(path)} cannot be read (${fileErrorText(err)})`);
    return null;
  }
}

function certificates(text: string): string[] {
  return text.match(CERT_BLOCK) ?? [];
}

const NO_PEM_HINT = 'it must be PEM text with -----BEGIN CERTIFICATE----- (convert a DER file with: openssl x509 -inform der -in cert.cer -out cert.pem)';

export function parseConnectionOptions(raw: string | null, io: OptionsIo): ConnectionOptions {
  const problems: string[] = [];
  const warnings: string[] = [];
  const tls: TlsOptions = { rejectUnauthorized: true };
  let networkTimeoutMs = DEFAULT_NETWORK_TIMEOUT_MS;
  let operationTimeoutMs = DEFAULT_OPERATION_TIMEOUT_MS;
  const result = (): ConnectionOptions => ({ tls, networkTimeoutMs, operationTimeoutMs, warnings, problems });
  if (raw === null) return result();

  const pairs = splitPairs(raw, problems);
  const needValue = (opt: ConnectionOptionName): string | null => {
    const v = pairs.get(opt);
    if (v === undefined) return null;
    if (v === '') {
      problems.push(`${VAR}: ${opt} has no value`);
      return null;
    }
    return v;
  };

  const ca: string[] = [];
  const caFile = needValue('OPT_X_TLS_CACERTFILE');
  if (caFile !== null) {
    const text = readFile(io, 'OPT_X_TLS_CACERTFILE', caFile, problems);
    if (text !== null) {
      const certs = certificates(text);
      if (certs.length === 0) {
        problems.push(`${VAR}: OPT_X_TLS_CACERTFILE file ${q(caFile)} contains no PEM certificate; ${NO_PEM_HINT}`);
      }
      ca.push(...certs);
    }
  }

  const caDir = needValue('OPT_X_TLS_CACERTDIR');
  if (caDir !== null) {
    let entries: string[] | null = null;
    try {
      entries = [...io.listDir(caDir)].sort();
    } catch (err) {
      problems.push(`${VAR}: OPT_X_TLS_CACERTDIR folder ${q(caDir)} cannot be listed (${fileErrorText(err)})`);
    }
    if (entries !== null) {
      let found = 0;
      for (const entry of entries) {
        let text: string;
        try {
          text = io.readFile(join(caDir, entry));
        } catch {
          continue; // sub-folders and unreadable entries are not certificates
        }
        const certs = certificates(text);
        found += certs.length;
        ca.push(...certs);
      }
      if (found === 0) {
        problems.push(`${VAR}: OPT_X_TLS_CACERTDIR folder ${q(caDir)} contains no PEM certificate file`);
      }
    }
  }
  if (ca.length > 0) tls.ca = [...new Set(ca)];

  const certFile = needValue('OPT_X_TLS_CERTFILE');
  const keyFile = needValue('OPT_X_TLS_KEYFILE');
  if (pairs.has('OPT_X_TLS_CERTFILE') !== pairs.has('OPT_X_TLS_KEYFILE')) {
    const [given, missing] = pairs.has('OPT_X_TLS_CERTFILE')
      ? ['OPT_X_TLS_CERTFILE', 'OPT_X_TLS_KEYFILE']
      : ['OPT_X_TLS_KEYFILE', 'OPT_X_TLS_CERTFILE'];
    problems.push(`${VAR}: ${given} is set without ${missing}; a client certificate needs both (or neither)`);
  } else if (certFile !== null && keyFile !== null) {
    const certText = readFile(io, 'OPT_X_TLS_CERTFILE', certFile, problems);
    if (certText !== null) {
      if (certificates(certText).length === 0) {
        problems.push(`${VAR}: OPT_X_TLS_CERTFILE file ${q(certFile)} contains no PEM certificate; ${NO_PEM_HINT}`);
      } else {
        tls.cert = certText;
      }
    }
    const keyText = readFile(io, 'OPT_X_TLS_KEYFILE', keyFile, problems);
    if (keyText !== null) {
      // Never quote the key file's content: it is a secret.
      if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyText)) {
        problems.push(`${VAR}: OPT_X_TLS_KEYFILE file ${q(keyFile)} contains no PEM private key (-----BEGIN PRIVATE KEY-----)`);
      } else if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(keyText)) {
        problems.push(
          `${VAR}: OPT_X_TLS_KEYFILE file ${q(keyFile)} holds an encrypted private key; passphrases are not supported, decrypt it (openssl pkey -in key.pem -out key-plain.pem)`,
        );
      } else {
        tls.key = keyText;
      }
    }
  }

  const requireCert = pairs.get('OPT_X_TLS_REQUIRE_CERT');
  if (requireCert !== undefined) {
    const n = parseRequireCert(requireCert);
    if (n === null) {
      problems.push(
        `${VAR}: OPT_X_TLS_REQUIRE_CERT=${requireCert} is not a valid value; use one of ${REQUIRE_CERT_NAMES.join(', ')} (or OPT_X_TLS_NEVER ... / 0-4)`,
      );
    } else if (n === REQUIRE_CERT.NEVER || n === REQUIRE_CERT.ALLOW) {
      tls.rejectUnauthorized = false;
      const word = n === REQUIRE_CERT.NEVER ? 'never' : 'allow';
      warnings.push(
        `TLS certificate verification is OFF (OPT_X_TLS_REQUIRE_CERT=${word}): the LDAP server's certificate and host name are not checked, so anyone on the network path can impersonate it and read passwords. Trust a self-signed CA with OPT_X_TLS_CACERTFILE instead.`,
      );
    }
  }

  const versions: Partial<Record<'min' | 'max', number>> = {};
  for (const [opt, which] of [
    ['OPT_X_TLS_PROTOCOL_MIN', 'min'],
    ['OPT_X_TLS_PROTOCOL_MAX', 'max'],
  ] as const) {
    const v = needValue(opt);
    if (v === null) continue;
    const n = parseTlsProtocol(v);
    if (n === null) {
      problems.push(`${VAR}: ${opt}=${v} is not a TLS version; use 0x303, 771, TLSv1.2 or 1.2 style (TLS 1.0 to 1.3)`);
    } else if (TLS_VERSIONS[n] === undefined) {
      problems.push(`${VAR}: ${opt}=${v} is not supported; Node supports TLS 1.0 (0x301) to TLS 1.3 (0x304)`);
    } else {
      versions[which] = n;
      if (which === 'min') tls.minVersion = TLS_VERSIONS[n];
      else tls.maxVersion = TLS_VERSIONS[n];
    }
  }
  if (versions.min !== undefined && versions.max !== undefined && versions.min > versions.max) {
    problems.push(`${VAR}: OPT_X_TLS_PROTOCOL_MIN (${tls.minVersion}) is above OPT_X_TLS_PROTOCOL_MAX (${tls.maxVersion})`);
    delete tls.minVersion;
    delete tls.maxVersion;
  }

  const ciphers = needValue('OPT_X_TLS_CIPHER_SUITE');
  if (ciphers !== null) tls.ciphers = ciphers;

  const newCtx = pairs.get('OPT_X_TLS_NEWCTX');
  if (newCtx !== undefined && parseInteger(newCtx) === null) {
    problems.push(`${VAR}: OPT_X_TLS_NEWCTX=${newCtx} must be a number (the guide writes OPT_X_TLS_NEWCTX=0)`);
  }

  for (const [opt, set] of [
    ['OPT_NETWORK_TIMEOUT', (ms: number) => (networkTimeoutMs = ms)],
    ['OPT_TIMEOUT', (ms: number) => (operationTimeoutMs = ms)],
  ] as const) {
    const v = pairs.get(opt);
    if (v === undefined) continue;
    const s = parseSeconds(v);
    if (s === null) {
      problems.push(`${VAR}: ${opt}=${v} must be a number of seconds greater than 0 (decimals allowed; "no timeout" is not supported)`);
    } else {
      set(Math.max(1, Math.round(s * 1000)));
    }
  }

  const referrals = pairs.get('OPT_REFERRALS');
  if (referrals !== undefined) {
    const r = stripModule(referrals).toUpperCase();
    const n = r === 'OPT_ON' ? 1 : r === 'OPT_OFF' ? 0 : parseInteger(r);
    if (n !== 0 && n !== 1) {
      problems.push(`${VAR}: OPT_REFERRALS=${referrals} must be 0 or 1`);
    } else if (n === 1) {
      warnings.push('AUTH_LDAP_CONNECTION_OPTIONS: OPT_REFERRALS=1 has no effect; referrals are never followed');
    }
  }

  const version = pairs.get('OPT_PROTOCOL_VERSION');
  if (version !== undefined) {
    const v = stripModule(version).toUpperCase();
    if (v !== '3' && v !== 'VERSION3') {
      problems.push(`${VAR}: OPT_PROTOCOL_VERSION=${version} is not supported; only LDAP version 3 is`);
    }
  }

  return result();
}
