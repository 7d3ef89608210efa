/**
 * The JSON shape of Temporal's remote codec protocol (`POST /encode`, `POST /decode`): `{ "payloads": [...] }`,
 * each payload's metadata values and data in base64, as the Temporal UI and `temporal --codec-endpoint` send
 * and expect them (docs/temporal-notes.md §2.8).
 */
import type { Payload } from '@temporalio/common';
import { z } from 'zod';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64');

export const CodecRequestSchema = z.strictObject({
  // Protobuf JSON leaves an empty list out: the CLI asks to decode nothing with `{}` (and retries on a 400).
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() })).default([]),
});

export type CodecRequest = z.infer<typeof CodecRequestSchema>;
type JsonPayload = CodecRequest['payloads'][number];

export function fromJson({ metadata, data }: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    ...(data != null && { data: Buffer.from(data, 'base64') }),
  };
}

export function toJson({ metadata, data }: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
    ...(data != null && { data: Buffer.from(data).toString('base64') }),
  };
}
