// AUTH_LDAP_SERVER_URI: one or more ldap:// / ldaps:// URIs. Pure.
import { isIPv4, isIPv6 } from 'net';
import type { ServerUri } from '../types';
import { q } from './values';

const VAR = 'AUTH_LDAP_SERVER_URI';
const HOSTNAME = /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** Removes a user-info part (`user:password@`) so it is never echoed in a message. */
function redact(token: string): string {
  return token.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1***@');
}

/** Parses one URI; returns the server or a problem (already prefixed with the variable name). */
export function parseServerUri(token: string): ServerUri | string {
  const shown = q(redact(token));
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/s.exec(token);
  if (!m) {
    return `${VAR}: ${shown} is not an ldap:// or ldaps:// URI (write it like ldaps://ldap.example.com or ldap://ldap.example.com:389)`;
  }
  const scheme = m[1].toLowerCase();
  if (scheme !== 'ldap' && scheme !== 'ldaps') {
    return `${VAR}: ${shown} uses the scheme ${q(m[1] + '://')}; only ldap:// and ldaps:// are supported`;
  }
  const rest = m[2];
  const cut = rest.search(/[/?#]/);
  const authority = cut === -1 ? rest : rest.slice(0, cut);
  const tail = cut === -1 ? '' : rest.slice(cut);
  if (tail !== '' && tail !== '/') {
    return `${VAR}: ${shown} has a path, query or fragment (${q(tail)}); give only ${scheme}://host[:port] (base DNs go in AUTH_LDAP_USER_SEARCH_BASES / AUTH_LDAP_GROUP_SEARCH_BASE_DN)`;
  }
  if (authority.includes('@')) {
    return `${VAR}: ${shown} contains user information (user@); give only ${scheme}://host[:port] and put the service account in AUTH_LDAP_BIND_DN / AUTH_LDAP_BIND_PASSWORD`;
  }
  let host: string;
  let portText: string | undefined;
  if (authority.startsWith('[')) {
    const b = /^\[([^\]]*)\](?::(.*))?$/.exec(authority);
    if (!b || !isIPv6(b[1])) {
      return `${VAR}: ${shown} has an invalid IPv6 address; write it like ${scheme}://[2001:db8::1]:${scheme === 'ldaps' ? 636 : 389}`;
    }
    host = b[1].toLowerCase();
    portText = b[2];
  } else {
    const parts = authority.split(':');
    if (parts.length > 2) {
      return `${VAR}: ${shown} has an invalid host; put an IPv6 address in brackets, like ${scheme}://[::1]`;
    }
    host = parts[0].toLowerCase();
    portText = parts[1];
    if (host === '') return `${VAR}: ${shown} has no host name; write it like ${scheme}://ldap.example.com`;
    if (!isIPv4(host) && !HOSTNAME.test(host)) return `${VAR}: ${shown} has an invalid host name ${q(host)}`;
  }
  const defaultPort = scheme === 'ldaps' ? 636 : 389;
  let port = defaultPort;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      return `${VAR}: ${shown} has an invalid port ${q(portText)} (1-65535; leave it out for the default ${defaultPort})`;
    }
    port = Number(portText);
  }
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { url: `${scheme}://${urlHost}:${port}`, secure: scheme === 'ldaps', host, port };
}

/** Splits on whitespace and commas and parses every URI; all problems are returned. */
export function parseServerUris(value: string): { servers: ServerUri[]; problems: string[] } {
  const servers: ServerUri[] = [];
  const problems: string[] = [];
  for (const token of value.split(/[\s,]+/).filter((t) => t !== '')) {
    const r = parseServerUri(token);
    if (typeof r === 'string') problems.push(r);
    else servers.push(r);
  }
  if (servers.length === 0 && problems.length === 0) {
    problems.push(`${VAR}: no URI given; set it to ldaps://ldap.example.com (several URIs separated by spaces or commas)`);
  }
  return { servers, problems };
}
