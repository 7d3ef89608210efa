/**
 * The payload codec: every payload the client or the worker sends to Temporal is serialized whole (metadata
 * and data, as the Payload protobuf) and sealed with AES-256-GCM under the first key; the stored payload
 * keeps only `encoding: binary/encrypted` and `encryption-key-id` in clear. The layout (12-byte IV, then
 * ciphertext, then the 16-byte GCM tag) and the metadata names are those of Temporal's samples-typescript
 * `encryption` sample, so its tools read ours (docs/temporal-notes.md §2.8).
 *
 * Runs outside the workflow sandbox (client, worker's data converter, codec server): node:crypto is fine here.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
// A CommonJS package whose named exports Node's ESM loader cannot see: the default import is the module.
import proto from '@temporalio/proto';
import type { EncryptionKey } from './keys.js';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const ProtoPayload = proto.temporal.api.common.v1.Payload;

export class EncryptionCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly encrypting: EncryptionKey;

  /** `keys[0]` encrypts; every key decrypts. */
  constructor(keys: readonly EncryptionKey[]) {
    if (keys.length === 0) throw new Error('EncryptionCodec needs at least one key');
    this.encrypting = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k.material]));
  }

  get encryptingKeyId(): string {
    return this.encrypting.id;
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    return settle(() => payloads.map((payload) => ({
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [METADATA_KEY_ID]: Buffer.from(this.encrypting.id),
      },
      data: seal(ProtoPayload.encode(payload).finish(), this.encrypting.material),
    })));
  }

  /** Payloads not encrypted by us (histories written before encryption was on) pass through unchanged. */
  decode(payloads: Payload[]): Promise<Payload[]> {
    return settle(() => payloads.map((payload) => {
      if (!isEncrypted(payload)) return payload;
      const keyId = text(payload.metadata?.[METADATA_KEY_ID]);
      if (!keyId) throw new ValueError('An encrypted payload without an encryption key id');
      const material = this.byId.get(keyId);
      if (!material) throw new ValueError(`No key ${keyId} among PAYLOAD_ENCRYPTION_KEYS to decrypt this payload`);
      if (!payload.data) throw new ValueError('An encrypted payload without data');
      return ProtoPayload.decode(open(payload.data, material, keyId));
    }));
  }
}

/** The codec interface is asynchronous; node:crypto's AES-GCM is not, so its errors become rejections. */
function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING;
}

function text(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes ? Buffer.from(bytes).toString('utf8') : undefined;
}

function seal(plain: Uint8Array, key: Buffer): Buffer {
  // A fresh random 96-bit IV per payload: GCM's security rests on never reusing one under a key.
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function open(sealed: Uint8Array, key: Buffer, keyId: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new ValueError(`An encrypted payload (key ${keyId}) too short to hold an IV and a tag`);
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    // GCM's tag check: a tampered payload, or the wrong key under this id.
    throw new ValueError(`An encrypted payload (key ${keyId}) failed authentication`);
  }
}
