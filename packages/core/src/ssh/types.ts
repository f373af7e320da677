/** Public shapes of the SSH key module. Fingerprints use GitLab's formats so they compare directly. */

export type SshKeyAlgorithm = 'ecdsa' | 'ed25519' | 'rsa';
export type EcdsaCurve = 'p256' | 'p384' | 'p521';

/** Key types as written at the start of an authorized_keys line. */
export type SshKeyType =
  | 'ssh-ed25519'
  | 'ecdsa-sha2-nistp256'
  | 'ecdsa-sha2-nistp384'
  | 'ecdsa-sha2-nistp521'
  | 'ssh-rsa'
  | 'sk-ecdsa-sha2-nistp256@openssh.com'
  | 'sk-ssh-ed25519@openssh.com';

export interface GenerateKeyPairOptions {
  /** Default `ecdsa`, like `flux bootstrap`. */
  algorithm?: SshKeyAlgorithm;
  /** ECDSA curve, default `p384`. */
  curve?: EcdsaCurve;
  /** RSA modulus size, 2048..4096, default 2048. */
  rsaBits?: number;
  /** Comment stored in the private key and appended to the public line. */
  comment?: string;
  /**
   * Encrypt `privateKey` with this passphrase (openssh-key-v1, aes256-ctr + bcrypt KDF, as
   * `ssh-keygen -N`). For a key file a person keeps; Flux reads a Secret's `identity` without one.
   */
  passphrase?: string;
}

export interface SshKeyPair {
  algorithm: SshKeyAlgorithm;
  curve?: EcdsaCurve;
  bits: number;
  /** `-----BEGIN OPENSSH PRIVATE KEY-----` (openssh-key-v1), unencrypted unless a passphrase was given. A secret. */
  privateKey: string;
  /** authorized_keys line: `type base64 [comment]`. */
  publicKey: string;
  /** `SHA256:` + unpadded base64, as GitLab's `fingerprint_sha256` and `ssh-keygen -l`. */
  fingerprintSha256: string;
  /** Colon-separated hex MD5, as GitLab's `fingerprint`. */
  fingerprintMd5: string;
}

export interface SshPublicKey {
  type: SshKeyType;
  bits: number;
  /** The decoded key blob (what fingerprints hash). */
  blob: Buffer;
  comment: string;
  fingerprintSha256: string;
  fingerprintMd5: string;
  /** Normalised `type base64 [comment]`, single spaces, no newline. */
  line: string;
}

export interface ParsedPrivateKey {
  algorithm: SshKeyAlgorithm;
  curve?: EcdsaCurve;
  bits: number;
  comment: string;
  /** authorized_keys line of the matching public key. */
  publicKey: string;
  fingerprintSha256: string;
  fingerprintMd5: string;
  /**
   * The same key re-encoded as unencrypted openssh-key-v1, so Flux's `identity` always holds one
   * canonical format (Flux would also accept the PEM forms, but not an encrypted key without
   * `password`). A secret.
   */
  privateKeyOpenSsh: string;
}

export interface SshHost {
  /** Hostname (lower case) or IP address; IPv6 without brackets. */
  host: string;
  port: number;
}

/** Host key algorithms `scanHostKeys` negotiates, one connection each. */
export type HostKeyAlgorithm = 'ssh-ed25519' | 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521' | 'rsa-sha2-512';

export interface KnownHostKey {
  /** Key type of the blob (`ssh-rsa` for an RSA key negotiated as rsa-sha2-512). */
  type: SshKeyType;
  /** Base64 of the key blob, as in known_hosts. */
  key: string;
  fingerprintSha256: string;
}

export interface ScanHostKeysOptions {
  host: string;
  port?: number;
  /** Deadline for the whole scan, retries included. Default 10 000 ms. */
  timeoutMs?: number;
  /** Default: all of HostKeyAlgorithm. */
  algorithms?: HostKeyAlgorithm[];
  /** `handshake` (default, in-process SSH client) or `ssh-keyscan` (the OpenSSH tool on PATH). */
  method?: 'handshake' | 'ssh-keyscan';
}
