import { createHmac, timingSafeEqual } from 'node:crypto';
import { MILLISECOND_TIMESTAMP_THRESHOLD, SIGNATURE_SCHEME, SIGNATURE_TOLERANCE_SECONDS } from './assumptions.js';

// §11: `t=<timestamp>,v1=<hex HMAC-SHA256 of "t." + raw body>`. Generic on purpose: the same
// scheme signs our own notifications to merchants, so the header name stays the caller's.

export type WebhookSignatureFailure =
  | 'missing_header'
  | 'malformed_header'
  | 'no_matching_signature'
  | 'timestamp_outside_tolerance';

export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
  constructor(
    readonly reason: WebhookSignatureFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface SignWebhookPayloadInput {
  rawBody: Buffer | string;
  secret: string;
  /** Unix seconds (the documented unit); defaults to now. */
  timestamp?: number;
}

export function signWebhookPayload({ rawBody, secret, timestamp }: SignWebhookPayloadInput): string {
  const t = timestamp ?? Math.floor(Date.now() / 1_000);
  return `t=${t},${SIGNATURE_SCHEME}=${hmacHex(secret, String(t), rawBody)}`;
}

export interface VerifyWebhookSignatureInput {
  /** The bytes exactly as received; re-serialised JSON will not verify. */
  rawBody: Buffer | string;
  header: string | null | undefined;
  /** Every secret currently valid (more than one while rotating). */
  secrets: readonly string[];
  toleranceSeconds?: number;
  /** Milliseconds. */
  now?: number;
}

export interface VerifiedWebhookSignature {
  /** The signed `t`, in milliseconds whatever unit it arrived in. */
  timestamp: number;
  /** Which of `secrets` matched, to tell when an old secret can be retired. */
  secretIndex: number;
}

export function verifyWebhookSignature({
  rawBody,
  header,
  secrets,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
  now = Date.now(),
}: VerifyWebhookSignatureInput): VerifiedWebhookSignature {
  if (header === null || header === undefined || header.trim() === '') {
    throw new WebhookSignatureError('missing_header', 'No signature header');
  }
  const { t, signatures } = parseHeader(header);

  const received = signatures.map((s) => Buffer.from(s, 'utf8'));
  const secretIndex = secrets.findIndex((secret) => {
    const expected = Buffer.from(hmacHex(secret, t, rawBody), 'utf8');
    // Every candidate is compared (no early exit), so timing does not reveal which one came close.
    let matched = false;
    for (const sig of received) {
      if (sig.length === expected.length && timingSafeEqual(sig, expected)) matched = true;
    }
    return matched;
  });
  if (secretIndex === -1) {
    throw new WebhookSignatureError('no_matching_signature', 'No signature matches the payload and secrets');
  }

  const raw = Number(t);
  const timestamp = raw > MILLISECOND_TIMESTAMP_THRESHOLD ? raw : raw * 1_000;
  if (Math.abs(now - timestamp) > toleranceSeconds * 1_000) {
    throw new WebhookSignatureError(
      'timestamp_outside_tolerance',
      `Signature timestamp is ${Math.round((now - timestamp) / 1_000)} s away from now (tolerance ${toleranceSeconds} s)`,
    );
  }
  return { timestamp, secretIndex };
}

function parseHeader(header: string): { t: string; signatures: string[] } {
  let t: string | undefined;
  const signatures: string[] = [];
  for (const element of header.split(',')) {
    const at = element.indexOf('=');
    if (at === -1) continue;
    const key = element.slice(0, at).trim();
    const value = element.slice(at + 1).trim();
    if (key === 't') t = value;
    else if (key === SIGNATURE_SCHEME && value !== '') signatures.push(value.toLowerCase());
  }
  if (t === undefined || !/^\d+$/.test(t)) {
    throw new WebhookSignatureError('malformed_header', 'Signature header has no numeric t=');
  }
  if (signatures.length === 0) {
    throw new WebhookSignatureError('malformed_header', `Signature header has no ${SIGNATURE_SCHEME}=`);
  }
  return { t, signatures };
}

function hmacHex(secret: string, t: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex');
}
