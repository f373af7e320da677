/**
 * SSH host addresses (`--ssh-hostname host[:port]`) and known_hosts rendering. OpenSSH writes
 * `host` for port 22 and `[host]:port` otherwise; Flux's known_hosts must follow that or the
 * Git client will not find the entry.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ValidationError } from '../errors.js';
import type { KnownHostKey, SshHost } from './types.js';

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

export function parseSshHost(value: string, field = 'sshHost'): SshHost {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(field, 'required', `${field}: give an SSH host as host or host:port`);
  }
  const fail = (rule: string, why: string) => new ValidationError(field, rule, `${field}: ${why}`);
  if (/\s/.test(value)) throw fail('no-whitespace', 'must not contain spaces or line breaks');
  if (value.includes('://')) throw fail('no-scheme', 'give host[:port], not a URL (drop ssh:// or https://)');
  if (value.includes('@')) throw fail('no-user', 'give host[:port] without a user (drop "git@")');
  if (value.includes('/')) throw fail('no-path', 'give host[:port] without a path');

  let host: string;
  let port: string | undefined;
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(value);
  if (bracketed) {
    host = bracketed[1] ?? '';
    port = bracketed[2];
    if (!isIPv6(host)) throw fail('ipv6-invalid', 'brackets are only for IPv6 addresses, e.g. [2001:db8::1]:2222');
  } else if (value.split(':').length > 2) {
    throw fail('ipv6-brackets', 'put an IPv6 address in brackets, e.g. [2001:db8::1]:2222');
  } else {
    [host = '', port] = value.split(':');
    host = checkHostname(host, field);
  }
  return { host, port: port === undefined ? 22 : checkPort(port, field) };
}

/** A bare host for scanHostKeys: hostname, IPv4, or IPv6 with or without brackets. */
export function checkHost(value: string, field = 'host'): string {
  if (typeof value !== 'string' || value === '') throw new ValidationError(field, 'required', `${field}: give a hostname or IP address`);
  const unbracketed = /^\[(.*)\]$/.exec(value)?.[1] ?? value;
  if (isIPv6(unbracketed)) return unbracketed.toLowerCase();
  return checkHostname(value, field);
}

function checkHostname(value: string, field: string): string {
  const host = value.toLowerCase();
  if (isIPv4(host)) return host;
  if (host === '' || host.length > 253 || !host.split('.').every((l) => LABEL.test(l))) {
    throw new ValidationError(field, 'hostname', `${field}: ${JSON.stringify(value.slice(0, 80))} is not a valid hostname or IP address`);
  }
  return host;
}

export function checkPort(value: string | number, field = 'port'): number {
  const text = String(value);
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 1 && port <= 65535)) throw new ValidationError(field, 'port-range', `${field}: the port must be a number from 1 to 65535`);
  return port;
}

/** `host` (port 22) or `[host]:port`, as OpenSSH looks it up. */
export function knownHostsPattern(host: string, port: number): string {
  const h = checkHost(host);
  const p = checkPort(port);
  return p === 22 ? h : `[${h}]:${p}`;
}

/** One `pattern type base64` line per key, newline-terminated: the Secret's `known_hosts`. */
export function renderKnownHosts(host: string, port: number, keys: readonly KnownHostKey[]): string {
  const pattern = knownHostsPattern(host, port);
  if (!keys || keys.length === 0) {
    throw new ValidationError('keys', 'required', 'keys: give at least one host key (scan the host first)');
  }
  for (const k of keys) {
    if (!/^[a-z0-9@.-]+$/.test(k.type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(k.key)) {
      throw new ValidationError('keys', 'format', 'keys: each host key needs a key type and base64 key data');
    }
  }
  return keys.map((k) => `${pattern} ${k.type} ${k.key}\n`).join('');
}
