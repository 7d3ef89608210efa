/**
 * What an operator does in the Temporal Web UI, in a real browser (Debian's Chromium through playwright-core):
 * filter the workflow list with `PaymentStatus="succeeded"`, find the paid payment by its id, open it and read
 * the payment there (summary, current details, search attributes) without decoding JSON. Payloads are
 * encrypted (codec/codec.ts): the UI shows them in clear only through the codec server the global setup runs,
 * while the history as Temporal stores it holds none of it.
 *
 * Run by `npm run test:browser` (jest.browser.config.js), whose global setup starts the dev server with its UI.
 * Screenshots for humans land in test-results/temporal-ui/.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { launchChromium, type Chromium } from '../helpers/chromium.js';
import { directPayment, newKey, startStack, type Stack } from '../helpers/stack.js';

const SCREENSHOTS = fileURLToPath(new URL('../../test-results/temporal-ui/', import.meta.url));
const namespace = process.env.TEMPORAL_TEST_NAMESPACE ?? 'default';

let stack: Stack | undefined;
let browser: Chromium | undefined;
let page: Page;
let uiUrl: string;
let paid: { id: string; orderId: string; description: string };
let awaiting: { id: string };

/** The UI reads visibility; wait until the server's list answers `query` with `workflowId`, as the UI will. */
async function waitForVisibility(query: string, workflowId: string, timeoutMs = 30_000): Promise<void> {
  const full = `WorkflowId="${workflowId}" AND ${query}`;
  const deadline = Date.now() + timeoutMs;
  while ((await stack!.env.client.workflow.count(full)).count !== 1) {
    if (Date.now() > deadline) throw new Error(`visibility never answered ${full}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function listUrl(query: string): string {
  return `${uiUrl}/namespaces/${namespace}/workflows?query=${encodeURIComponent(query)}`;
}

/** Rows of the workflow list whose Workflow ID cell links `workflowId`. */
function rowsOf(workflowId: string) {
  return page
    .getByTestId('workflows-summary-configurable-table-row')
    .filter({ has: page.getByRole('link', { name: workflowId, exact: true }) });
}

/** Runs a test body; when it fails, keeps a screenshot of where the browser was. */
async function withFailureScreenshot(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    await page?.screenshot({ path: `${SCREENSHOTS}${name}-failure.png`, fullPage: true }).catch(() => undefined);
    throw err;
  }
}

beforeAll(async () => {
  const url = process.env.TEMPORAL_TEST_UI_URL;
  if (!url) throw new Error('TEMPORAL_TEST_UI_URL is unset: run this through `npm run test:browser`.');
  uiUrl = url;
  await mkdir(SCREENSHOTS, { recursive: true });
  // The browser first: without Chromium there is no point starting the rest.
  browser = await launchChromium();
  page = browser.page;

  stack = await startStack({ encryptionKeys: process.env.TEMPORAL_TEST_PAYLOAD_KEYS });
  const orderId = newKey('order');
  const description = `Batik shirt for ${newKey('customer')}`;
  const create = async (overrides: Record<string, unknown> = {}) => {
    const res = await stack!.call('POST', '/v1/payments', { idempotencyKey: newKey(), body: directPayment(overrides) });
    expect(res.status).toBe(201);
    return res.body;
  };
  const toPay = await create({ merchant_order_id: orderId, description });
  const left = await create();
  await stack.sim(`/_sim/payment_intents/${toPay.payment_intent}/succeed`);
  await stack.waitForPayment(toPay.id, (p) => p.status === 'succeeded');
  expect((await stack.call('GET', `/v1/payments/${left.id}`)).body.status).toBe('requires_action');
  paid = { id: toPay.id, orderId, description };
  awaiting = { id: left.id };
  await waitForVisibility('PaymentStatus="succeeded"', paid.id);
  await waitForVisibility('PaymentStatus="requires_action"', awaiting.id);
});

afterAll(async () => {
  // Also after a failed beforeAll; the dev server itself is stopped by global-teardown.js.
  try {
    await browser?.close();
  } finally {
    await stack?.close();
  }
});

describe('the Temporal Web UI', () => {
  it('lists the paid payment under PaymentStatus="succeeded", and not the one still awaiting its transfer', () =>
    withFailureScreenshot('list', async () => {
      await page.goto(listUrl('PaymentStatus="succeeded"'));
      // The filter the UI parsed from the URL, as a chip.
      await page.locator('button[aria-controls="dropdown-filter-chip-PaymentStatus-0"]').filter({ hasText: '"succeeded"' }).waitFor();
      await rowsOf(paid.id).waitFor();
      // Rows arrive from one list call, so the paid row being there means the list is complete.
      expect(await rowsOf(awaiting.id).count()).toBe(0);
      await page.screenshot({ path: `${SCREENSHOTS}list-succeeded.png`, fullPage: true });

      // The other payment is there under its own status: the filter, not a short list, left it out.
      await page.goto(listUrl('PaymentStatus="requires_action"'));
      await rowsOf(awaiting.id).waitFor();
      expect(await rowsOf(paid.id).count()).toBe(0);
    }));

  it('opens the paid payment from the filtered list and shows it without decoding JSON', () =>
    withFailureScreenshot('detail', async () => {
      await page.goto(listUrl('PaymentStatus="succeeded"'));
      await rowsOf(paid.id).getByRole('link', { name: paid.id, exact: true }).click();

      // The workflow's page: its id (the payment id) as the heading.
      await page.waitForURL(`**/namespaces/${namespace}/workflows/${paid.id}/**`);
      await page.getByTestId('workflow-id-heading').filter({ hasText: paid.id }).waitFor();

      // User Metadata: the static summary (amount, currency, order) and the current details, each rendered
      // from markdown in its own frame, in that order on the page.
      await page.getByTestId('user-metadata-tab').click();
      const frames = page.locator('iframe[title="output"]');
      await frames
        .first()
        .contentFrame()
        .getByText(`1000000 IDR bank transfer · order ${paid.orderId}`)
        .waitFor();
      const details = frames.last().contentFrame();
      await details.locator('strong', { hasText: /^succeeded$/ }).waitFor();
      await details.getByText('Amount: 1000000 IDR').waitFor();
      await page.screenshot({ path: `${SCREENSHOTS}payment-detail.png`, fullPage: true });

      // Search Attributes: the one the list was filtered by.
      await page.getByTestId('search-attributes-tab').click();
      await page.locator('.cm-line').filter({ hasText: '"PaymentStatus": "succeeded"' }).waitFor();
      await page.locator('.cm-line').filter({ hasText: `"MerchantOrderId": "${paid.orderId}"` }).waitFor();
      await page.screenshot({ path: `${SCREENSHOTS}payment-search-attributes.png`, fullPage: true });
    }));

  it('shows the payment input decoded through the codec server; Temporal stores it only encrypted', () =>
    withFailureScreenshot('decoded', async () => {
      // As stored: read without the codec, the description is nowhere in the history's bytes.
      const history = await stack!.env.client.workflow.getHandle(paid.id).fetchHistory();
      expect(JSON.stringify(history)).not.toContain(paid.description);
      const started = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
      expect(Buffer.from(started.metadata!.encoding).toString()).toBe('binary/encrypted');

      // In the UI: the start input, decoded by the codec server the UI calls from the browser (CORS, token).
      await page.goto(`${uiUrl}/namespaces/${namespace}/workflows/${paid.id}`);
      await page.getByTestId('workflow-id-heading').filter({ hasText: paid.id }).waitFor();
      // CodeMirror renders only the lines in view; its document holds the whole input. A function, not a string:
      // the UI's Content-Security-Policy forbids evaluating strings in the page. (Typed by hand: this file is
      // compiled without the DOM's types.)
      await page.waitForFunction((description: string) => {
        type Editor = { textContent: string | null; cmView?: { view?: { state: { doc: { toString(): string } } } } };
        const { document } = globalThis as unknown as { document: { querySelectorAll(selector: string): ArrayLike<Editor> } };
        return Array.from(document.querySelectorAll('.cm-content')).some((el) =>
          (el.cmView?.view?.state.doc.toString() ?? el.textContent ?? '').includes(description),
        );
      }, paid.description);
      await page.screenshot({ path: `${SCREENSHOTS}payment-input-decoded.png`, fullPage: true });

      // The codec server answers the UI's origin only, and only with its token.
      const codecUrl = process.env.TEMPORAL_TEST_CODEC_URL!;
      const body = JSON.stringify({ payloads: [started].map((p) => ({ metadata: { encoding: Buffer.from(p.metadata!.encoding).toString('base64'), 'encryption-key-id': Buffer.from(p.metadata!['encryption-key-id']).toString('base64') }, data: Buffer.from(p.data!).toString('base64') })) });
      const post = (path: string, headers: Record<string, string> = {}) =>
        fetch(`${codecUrl}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
      expect((await post('/decode')).status).toBe(401);
      expect((await post('/decode', { Origin: 'http://evil.example' })).status).toBe(403);
      const decoded = await post(`/${process.env.TEMPORAL_TEST_CODEC_TOKEN}/decode`, { Origin: new URL(uiUrl).origin, 'X-Namespace': namespace });
      expect(decoded.status).toBe(200);
      expect(decoded.headers.get('access-control-allow-origin')).toBe(new URL(uiUrl).origin);
      const [clear] = ((await decoded.json()) as { payloads: { data: string }[] }).payloads;
      expect(Buffer.from(clear.data, 'base64').toString()).toContain(paid.description);
    }));
});
