/**
 * The codec server over real HTTP, as the Temporal UI (a browser on the UI's origin) and the CLI call it:
 * Temporal's /encode and /decode JSON, CORS for the UI's origin only, the token as Bearer or in the path.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { EncryptionCodec } from '../../codec/codec.js';
import { generateEncryptionKey } from '../../codec/keys.js';
import { createCodecApp, listenCodecServer, type RunningCodecServer, uiCodecEndpoint } from '../../codec/server.js';

const TOKEN = 'codec_token_for_tests_0123456789abcdef';
const UI = 'http://127.0.0.1:8233';
const key = generateEncryptionKey('k1');
let server: RunningCodecServer;

beforeAll(async () => {
  const app = createCodecApp({ codec: new EncryptionCodec([key]), authTokens: [TOKEN], uiOrigins: [UI], namespace: 'default', logger: pino({ level: 'silent' }) });
  server = await listenCodecServer(app, 0, '127.0.0.1');
});
afterAll(async () => {
  await server?.close();
});

const b64 = (s: string) => Buffer.from(s).toString('base64');
const CLEAR = { metadata: { encoding: b64('json/plain') }, data: b64('{"customer_email_address":"siti@example.com"}') };

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('the codec server', () => {
  it('encodes and decodes for the UI: token in the endpoint path, the UI origin allowed', async () => {
    const endpoint = uiCodecEndpoint(server.url, TOKEN);
    const headers = { Origin: UI, 'X-Namespace': 'default' };
    const encoded = await fetch(`${endpoint}/encode`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify({ payloads: [CLEAR] }) });
    expect(encoded.status).toBe(200);
    expect(encoded.headers.get('access-control-allow-origin')).toBe(UI);
    const { payloads } = (await encoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(payloads[0].data, 'base64').toString()).not.toContain('siti@');
    const decoded = await post(`/${TOKEN}/decode`, { payloads }, headers);
    expect(await decoded.json()).toEqual({ payloads: [CLEAR] });
  });

  it('accepts the token as a Bearer header (temporal --codec-auth), and `{}` as no payloads (protobuf JSON)', async () => {
    const res = await post('/decode', { payloads: [CLEAR] }, { Authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ payloads: [CLEAR] });
    // What the Temporal CLI sends for an event without payloads; a 400 there makes it retry until it times out.
    const empty = await post('/decode', {}, { Authorization: `Bearer ${TOKEN}`, 'X-Namespace': '' });
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ payloads: [] });
  });

  it('answers the preflight for the UI origin only, before authentication', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/${TOKEN}/decode`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
      });
    const ok = await preflight(UI);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(UI);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    const other = await preflight('http://evil.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a missing or wrong token, another origin, and another namespace', async () => {
    expect((await post('/decode', { payloads: [] })).status).toBe(401);
    expect((await post('/decode', { payloads: [] }, { Authorization: 'Bearer not-the-token-0123456789abcdef0123' })).status).toBe(401);
    expect((await post('/wrong-token/decode', { payloads: [] })).status).toBe(401);
    expect((await post(`/${TOKEN}/decode`, { payloads: [] }, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(`/${TOKEN}/decode`, { payloads: [] }, { 'X-Namespace': 'other' })).status).toBe(403);
  });

  it('answers 400 for a body that is not the protocol, 422 for a payload it cannot open', async () => {
    expect((await post(`/${TOKEN}/decode`, { payload: [] })).status).toBe(400);
    expect((await post(`/${TOKEN}/decode`, { payloads: [{ data: 'not base64!' }] })).status).toBe(400);
    const foreign = { metadata: { encoding: b64('binary/encrypted'), 'encryption-key-id': b64('unknown') }, data: b64('x'.repeat(40)) };
    const res = await post(`/${TOKEN}/decode`, { payloads: [foreign] });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: string }).error).toMatch(/No key unknown/);
    const bad = await fetch(`${server.url}/${TOKEN}/decode`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
    expect(bad.status).toBe(400);
  });
});
