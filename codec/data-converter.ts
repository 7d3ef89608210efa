/**
 * The data converter every Temporal client and worker of the product uses: the default payload converter
 * (JSON), then the encryption codec. Without keys (development and tests that opt out) payloads stay in clear.
 * Codecs run outside the workflow sandbox, so a prebuilt bundle (WORKFLOW_BUNDLE_PATH) needs nothing new.
 */
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './codec.js';
import type { EncryptionKey } from './keys.js';

export function encryptingDataConverter(keys: readonly EncryptionKey[] | undefined): DataConverter | undefined {
  return keys?.length ? { payloadCodecs: [new EncryptionCodec(keys)] } : undefined;
}
