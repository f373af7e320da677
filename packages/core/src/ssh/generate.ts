/** Deploy-key generation with Flux's choices: ECDSA P-384 by default, Ed25519, RSA 2048..4096. */
import { generateKeyPair as nodeGenerateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { ValidationError } from '../errors.js';
import { curveBy } from './curves.js';
import { cleanComment, describePrivateJwk } from './key-pair.js';
import type { GenerateKeyPairOptions, SshKeyAlgorithm, SshKeyPair } from './types.js';

const generate = promisify(nodeGenerateKeyPair) as (
  type: string,
  options: Record<string, unknown>,
) => Promise<{ publicKey: KeyObject; privateKey: KeyObject }>;

export const RSA_GENERATE_MIN_BITS = 2048;
export const RSA_GENERATE_MAX_BITS = 4096;
const ALGORITHMS: readonly SshKeyAlgorithm[] = ['ecdsa', 'ed25519', 'rsa'];
const COMMENT_MAX = 255;

export async function generateKeyPair(opts: GenerateKeyPairOptions = {}): Promise<SshKeyPair> {
  const algorithm = opts.algorithm ?? 'ecdsa';
  if (!ALGORITHMS.includes(algorithm)) {
    throw new ValidationError('algorithm', 'one-of', `algorithm: must be one of ${ALGORITHMS.join(', ')}`);
  }
  // Every option is validated even when the algorithm ignores it: callers pass Flux's flags with
  // their defaults, and a bad value is a mistake worth reporting either way.
  const curve = curveBy('curve', opts.curve ?? 'p384');
  if (!curve) throw new ValidationError('curve', 'one-of', 'curve: must be one of p256, p384, p521');
  const rsaBits = opts.rsaBits ?? RSA_GENERATE_MIN_BITS;
  if (!Number.isInteger(rsaBits) || rsaBits < RSA_GENERATE_MIN_BITS || rsaBits > RSA_GENERATE_MAX_BITS) {
    throw new ValidationError('rsaBits', 'range', `rsaBits: must be an integer from ${RSA_GENERATE_MIN_BITS} to ${RSA_GENERATE_MAX_BITS}`);
  }
  const comment = opts.comment ?? '';
  if (typeof comment !== 'string' || comment.length > COMMENT_MAX || cleanComment(comment) !== comment) {
    throw new ValidationError(
      'comment',
      'printable',
      `comment: must be at most ${COMMENT_MAX} printable characters without leading/trailing spaces or line breaks`,
    );
  }

  const { privateKey } =
    algorithm === 'ecdsa'
      ? await generate('ec', { namedCurve: curve.jwk })
      : algorithm === 'ed25519'
        ? await generate('ed25519', {})
        : await generate('rsa', { modulusLength: rsaBits, publicExponent: 0x10001 });
  if (opts.passphrase !== undefined && (typeof opts.passphrase !== 'string' || opts.passphrase === '')) {
    throw new ValidationError('passphrase', 'not empty', 'passphrase: give a non-empty passphrase, or none for an unencrypted key');
  }
  const parsed = describePrivateJwk(privateKey.export({ format: 'jwk' }), comment, 'privateKey', opts.passphrase);
  const pair: SshKeyPair = {
    algorithm,
    bits: parsed.bits,
    privateKey: parsed.privateKeyOpenSsh,
    publicKey: parsed.publicKey,
    fingerprintSha256: parsed.fingerprintSha256,
    fingerprintMd5: parsed.fingerprintMd5,
  };
  if (algorithm === 'ecdsa') pair.curve = curve.curve;
  return pair;
}
