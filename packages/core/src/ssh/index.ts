// SSH key material for deploy keys and Flux's SSH Secret: generation, parsing, fingerprints, known_hosts.
export { generateKeyPair, RSA_GENERATE_MAX_BITS, RSA_GENERATE_MIN_BITS } from './generate.js';
export { parsePublicKey, KEY_TYPES, PUBLIC_KEY_MAX_LENGTH } from './public-key.js';
export { parsePrivateKey } from './private-key.js';
export { fingerprintMd5, fingerprintSha256 } from './fingerprint.js';
export { scanHostKeys } from './scan.js';
export { KNOWN_HOSTS_SCAN_TIMEOUT_MS, scanKnownHosts } from './known-hosts.js';
export { HostKeyScanError } from './scan-error.js';
export { HOST_KEY_ALGORITHMS } from './host-key.js';
export { knownHostsPattern, parseSshHost, renderKnownHosts } from './ssh-host.js';
export { SshReader, SshWriter, WireFormatError, encodeMpint, decodeMpint } from './wire.js';
export type * from './types.js';
