import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (a seller's account number, and whatever else must not sit readable in a database
 * dump or a backup): AES-256-GCM with the process's key (ENCORE_SECRET_KEY, or the key file Encore
 * generated in DATA_DIR). Each value gets a fresh random 96-bit IV, and is bound to where it is
 * stored by the additional authenticated data (e.g. tenant and seller): a sealed value copied into
 * another row does not open there. Pure: no I/O.
 *
 * A sealed value is one ASCII string, `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts). The
 * key id is a short hash of the key: not secret, it only lets a process with another key say so
 * instead of reporting tampering.
 */

export const SECRET_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
// 32 bytes are 43 base64 characters and one `=` of padding (optional here), standard or URL-safe.
const BASE64_KEY = /^(?:[A-Za-z0-9+/]{43}|[A-Za-z0-9_-]{43})=?$/;

/** A key as ENCORE_SECRET_KEY or the key file spells it: 64 hex characters, or base64 (standard or URL-safe) of 32 bytes. */
export function parseSecretKey(text: string): Buffer | undefined {
  const s = text.trim();
  if (HEX_KEY.test(s)) return Buffer.from(s, 'hex');
  if (BASE64_KEY.test(s)) {
    const key = Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return key.length === SECRET_KEY_BYTES ? key : undefined;
  }
  return undefined;
}

export function generateSecretKey(): Buffer {
  return randomBytes(SECRET_KEY_BYTES);
}

/** How a key is written to the key file (and how an operator copies it into ENCORE_SECRET_KEY). */
export function formatSecretKey(key: Buffer): string {
  return key.toString('base64');
}

/** A sealed value that does not open: tampered with, moved to another row, sealed with another key, or not a sealed value at all. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export interface SecretBox {
  /** A short, non-secret fingerprint of the key. */
  readonly keyId: string;
  /** Encrypts `plaintext`, bound to `aad` (which must be given again, identical, to open it). */
  seal(plaintext: string, aad: string): string;
  /** The plaintext of a value `seal` made with this key and this `aad`; a SecretBoxError otherwise. */
  open(sealed: string, aad: string): string;
  /**
   * A keyed MAC (HMAC-SHA256, base64url) of `value` for `purpose`: what proves a value was handed
   * out by this deployment (the hosted pages' CSRF tokens). Each purpose gets its own derived key.
   */
  mac(purpose: string, value: string): string;
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('encore-secret-box-key-id').update(key).digest('hex').slice(0, 12);
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== SECRET_KEY_BYTES) throw new Error(`a secret key is ${SECRET_KEY_BYTES} bytes (got ${key.length})`);
  // A private copy: the caller's buffer may be reused or wiped.
  const k = Buffer.from(key);
  const keyId = keyIdOf(k);
  const macKeys = new Map<string, Buffer>();
  const macKey = (purpose: string): Buffer => {
    let mk = macKeys.get(purpose);
    if (!mk) {
      mk = createHmac('sha256', k).update(`encore-mac:${purpose}`).digest();
      macKeys.set(purpose, mk);
    }
    return mk;
  };
  return {
    keyId,
    mac(purpose, value) {
      return createHmac('sha256', macKey(purpose)).update(value, 'utf8').digest('base64url');
    },
    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', k, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, keyId, iv.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join('.');
    },
    open(sealed, aad) {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretBoxError('not a sealed value (or of an unknown version)');
      const [, sealedKeyId, ivText, ciphertextText, tagText] = parts as [string, string, string, string, string];
      if (sealedKeyId !== keyId) {
        throw new SecretBoxError(`sealed with another key (key id ${sealedKeyId}; this process has ${keyId}): set ENCORE_SECRET_KEY (or DATA_DIR/secret.key) to the key it was sealed with`);
      }
      const iv = Buffer.from(ivText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretBoxError('not a sealed value (bad IV or tag length)');
      const decipher = createDecipheriv('aes-256-gcm', k, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError('the sealed value does not open: it was altered, or belongs to another row');
      }
    },
  };
}
