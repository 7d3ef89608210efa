/**
 * The payload encryption keys: `PAYLOAD_ENCRYPTION_KEYS` is `keyId:base64-of-32-bytes`, comma-separated; the
 * first key encrypts, every key decrypts, so a rotation prepends the new key and keeps the old ones until no
 * open payment's history needs them (docs/temporal-notes.md §2.8).
 *
 * Key material stays in these objects: never log them (only key ids are safe to print).
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export interface EncryptionKey {
  /** Written into every payload's metadata; names the key that decrypts it. */
  id: string;
  /** 32 bytes: AES-256. */
  material: Buffer;
}

export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

const keyEntry = z.string().transform((entry, ctx): EncryptionKey => {
  const separator = entry.indexOf(':');
  const id = entry.slice(0, separator);
  const material = Buffer.from(entry.slice(separator + 1), 'base64');
  if (separator < 1 || !KEY_ID.test(id)) {
    ctx.addIssue({ code: 'custom', message: 'each key is keyId:base64 with a key id of letters, digits, . _ -' });
  } else if (material.length !== KEY_BYTES) {
    // Never echo the entry: it is key material.
    ctx.addIssue({ code: 'custom', message: `key ${id} must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)` });
  }
  return { id, material };
});

/** The value of PAYLOAD_ENCRYPTION_KEYS: at least one key, ids unique. */
export const EncryptionKeysSchema = z
  .string()
  .transform((s) => s.split(',').map((part) => part.trim()).filter((part) => part.length > 0))
  .pipe(z.array(keyEntry).min(1, 'at least one key'))
  .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, 'key ids must be unique');

export function parseEncryptionKeys(value: string): EncryptionKey[] {
  return EncryptionKeysSchema.parse(value);
}

export function formatEncryptionKey(key: EncryptionKey): string {
  return `${key.id}:${key.material.toString('base64')}`;
}

export function generateEncryptionKey(id: string): EncryptionKey {
  return { id, material: randomBytes(KEY_BYTES) };
}

export const DEV_KEYS_FILE = 'payload-encryption-keys';

/**
 * `npm start` without PAYLOAD_ENCRYPTION_KEYS: the development key made on the first start and kept in
 * DATA_DIR (mode 0600), so the next start still reads the payments the first one wrote.
 */
export async function loadOrCreateDevKeys(dataDir: string): Promise<{ value: string; created: boolean }> {
  const file = path.resolve(dataDir, DEV_KEYS_FILE);
  try {
    const value = (await readFile(file, 'utf8')).trim();
    parseEncryptionKeys(value);
    return { value, created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file} does not hold valid keys; remove it only if no payment needs it`, { cause: err });
  }
  const value = formatEncryptionKey(generateEncryptionKey(`dev-${randomBytes(4).toString('hex')}`));
  // `wx`: two starts racing never overwrite each other's key.
  await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return { value, created: true };
}
