/**
 * The payload codec and its keys on their own: round trips, rotation, pass-through of clear payloads,
 * tampering and unknown keys refused, the key setting's validation, and the development key file.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ENCRYPTED_ENCODING, EncryptionCodec, METADATA_KEY_ID } from '../../codec/codec.js';
import { DEV_KEYS_FILE, formatEncryptionKey, generateEncryptionKey, loadOrCreateDevKeys, parseEncryptionKeys } from '../../codec/keys.js';
import { loadConfig } from '../../config/config.js';

const A = generateEncryptionKey('key-a');
const B = generateEncryptionKey('key-b');
const clear = (value: unknown) => defaultPayloadConverter.toPayload(value);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('EncryptionCodec', () => {
  it('seals the whole payload under the first key and opens it again', async () => {
    const codec = new EncryptionCodec([A]);
    const original = clear({ customer_name: 'Siti Rahayu', metadata: { ip: '203.0.113.9' } });
    const [sealed] = await codec.encode([original]);
    expect(text(sealed.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed.metadata![METADATA_KEY_ID])).toBe('key-a');
    expect(Buffer.from(sealed.data!).includes('Siti')).toBe(false);
    expect(Object.keys(sealed.metadata!)).toEqual(['encoding', METADATA_KEY_ID]);
    const [opened] = await codec.decode([sealed]);
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual({ customer_name: 'Siti Rahayu', metadata: { ip: '203.0.113.9' } });
  });

  it('uses a fresh IV per payload: the same value never seals to the same bytes', async () => {
    const codec = new EncryptionCodec([A]);
    const [one, two] = await codec.encode([clear('same'), clear('same')]);
    expect(Buffer.from(one.data!).equals(Buffer.from(two.data!))).toBe(false);
    expect(Buffer.from(one.data!).subarray(0, 12).equals(Buffer.from(two.data!).subarray(0, 12))).toBe(false);
  });

  it('after a rotation encrypts with the new key and still opens the old one', async () => {
    const [old] = await new EncryptionCodec([A]).encode([clear('under A')]);
    const rotated = new EncryptionCodec([B, A]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old]))[0])).toBe('under A');
    const [fresh] = await rotated.encode([clear('under B')]);
    expect(text(fresh.metadata![METADATA_KEY_ID])).toBe('key-b');
    await expect(new EncryptionCodec([B]).decode([old])).rejects.toThrow(/No key key-a/);
  });

  it('passes payloads written in clear through unchanged (histories from before encryption)', async () => {
    const plain: Payload = clear({ amount: 1_000_000 });
    expect(await new EncryptionCodec([A]).decode([plain])).toEqual([plain]);
  });

  it('refuses a tampered payload, a key id swapped for another, and a truncated one', async () => {
    const codec = new EncryptionCodec([A, B]);
    const [sealed] = await codec.encode([clear('x')]);
    const flipped = Buffer.from(sealed.data!);
    flipped[20] = flipped[20] ^ 1;
    await expect(codec.decode([{ ...sealed, data: flipped }])).rejects.toThrow(/failed authentication/);
    const relabelled = { ...sealed, metadata: { ...sealed.metadata, [METADATA_KEY_ID]: Buffer.from('key-b') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication/);
    await expect(codec.decode([{ ...sealed, data: Buffer.alloc(10) }])).rejects.toThrow(/too short/);
  });
});

describe('PAYLOAD_ENCRYPTION_KEYS', () => {
  it('reads keyId:base64 entries in order, the first one encrypting', () => {
    const keys = parseEncryptionKeys(`${formatEncryptionKey(B)}, ${formatEncryptionKey(A)}`);
    expect(keys.map((k) => k.id)).toEqual(['key-b', 'key-a']);
    expect(keys[1].material.equals(A.material)).toBe(true);
  });

  it('refuses short keys, missing ids and duplicate ids without echoing key material', () => {
    const short = `k1:${Buffer.alloc(16, 1).toString('base64')}`;
    expect(() => loadConfig({ PAYLOAD_ENCRYPTION_KEYS: short })).toThrow(/PAYLOAD_ENCRYPTION_KEYS: key k1 must be 32 bytes/);
    try {
      loadConfig({ PAYLOAD_ENCRYPTION_KEYS: short });
    } catch (err) {
      expect((err as Error).message).not.toContain(Buffer.alloc(16, 1).toString('base64'));
    }
    expect(() => parseEncryptionKeys(A.material.toString('base64'))).toThrow(/keyId:base64/);
    expect(() => parseEncryptionKeys(`${formatEncryptionKey(A)},${formatEncryptionKey({ ...B, id: 'key-a' })}`)).toThrow(/unique/);
  });

  it('is required when NODE_ENV=production, optional elsewhere', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PAYLOAD_ENCRYPTION_KEYS: required when NODE_ENV=production/);
    expect(loadConfig({ NODE_ENV: 'production', PAYLOAD_ENCRYPTION_KEYS: formatEncryptionKey(A) }).encryption.keys).toHaveLength(1);
    expect(loadConfig({}).encryption.keys).toBeUndefined();
  });
});

describe('the development key (npm start)', () => {
  it('is made once in DATA_DIR with mode 0600 and reused; a damaged file stops start-up', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dev-keys-'));
    try {
      const first = await loadOrCreateDevKeys(dir);
      expect(first.created).toBe(true);
      expect((await stat(path.join(dir, DEV_KEYS_FILE))).mode & 0o777).toBe(0o600);
      expect(parseEncryptionKeys(first.value)[0].material).toHaveLength(32);
      const second = await loadOrCreateDevKeys(dir);
      expect(second).toEqual({ value: first.value, created: false });
      expect((await readFile(path.join(dir, DEV_KEYS_FILE), 'utf8')).trim()).toBe(first.value);
      await writeFile(path.join(dir, DEV_KEYS_FILE), 'garbage');
      await expect(loadOrCreateDevKeys(dir)).rejects.toThrow(/does not hold valid keys/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
