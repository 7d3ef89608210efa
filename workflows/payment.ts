/**
 * One workflow per payment. It creates the WooshPay object (PaymentIntent or Checkout Session), waits for
 * the shopper's transfer (webhook signal, reconciliation poll, or the `expires_at` timer), then stays open as
 * the payment's owner for refunds and disputes until its retention window ends.
 *
 * Deterministic code only: every call to the outside world is an activity; the rules that move the record
 * live in payment-state.ts.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import type { PaymentActivities } from '../activities/types.js';
import {
  acceptDisputeUpdate,
  cancelPaymentUpdate,
  createPaymentUpdate,
  disputeEvidenceUpdate,
  getIntakeQuery,
  getPaymentQuery,
  PaymentErrorType,
  providerEventSignal,
  refundUpdate,
  REFUND_REASONS,
  type DisputeEvidenceRequest,
  type PaymentRecord,
  type PaymentRequest,
  type PaymentSettings,
  type ProviderEvent,
  type RefundRecord,
  type RefundRequest,
} from './messages.js';
import { DEFAULT_NOTIFICATION_RETRY, merchantNotificationWorkflow } from './merchant-notification.js';
import { paymentMetricsTracker } from './payment-metrics.js';
import {
  applyDisputeState,
  applyIntentState,
  applyRefundState,
  endUnpaid,
  failRefund,
  hasOpenDispute,
  initialRecord,
  isAwaitingTransfer,
  isPaid,
  markDisputePastDue,
  refundableAmount,
  reserveRefund,
  transferFailed,
  type MerchantEvent,
  type UnpaidEnding,
} from './payment-state.js';
import {
  DisputeStatus,
  PaymentStatus,
  RefundedAmount,
  WooshPayIntentId,
} from './search-attributes.js';

/** State carried across continue-as-new: the record, and the memory that keeps every effect exactly-once. */
export interface CarriedState {
  record: PaymentRecord;
  seenEventIds: string[];
  emittedEventIds: string[];
  retentionEndsAt: number | null;
  reminderSentFor: string | null;
  /** Notifications queued but not yet handed to their child workflow when the run ended. */
  pendingNotifications?: MerchantEvent[];
}

export interface PaymentWorkflowInput {
  request: PaymentRequest;
  settings: PaymentSettings;
  carried?: CarriedState;
}

/** Creation must not outlive the payment's own deadline; a provider down that long ends the payment failed. */
const MIN_CREATE_WINDOW_MS = 60_000;

// Calls that create or change money at WooshPay: retried with backoff for as long as it takes (each carries an
// idempotency key, so a retry after a lost response never makes a second object). A 4xx is not retried: the
// activity turns it into a non-retryable ApplicationFailure.
const provider = proxyActivities<PaymentActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

// Reads used to reconcile: a few tries, then the workflow moves on and polls again later.
const reads = proxyActivities<PaymentActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 5 },
});

export async function paymentWorkflow(input: PaymentWorkflowInput): Promise<PaymentRecord> {
  const { request, settings } = input;
  const carried = input.carried;
  const record: PaymentRecord = carried?.record ?? initialRecord(request);
  const seenEventIds = new Set(carried?.seenEventIds ?? []);
  const emittedEventIds = new Set(carried?.emittedEventIds ?? []);
  let retentionEndsAt = carried?.retentionEndsAt ?? null;
  let reminderSentFor = carried?.reminderSentFor ?? null;

  let reconcileRequested = false;
  /** Why and how an unpaid payment should end; acted on by the cancel gate in awaitTransfer. */
  let cancelRequest: { reason: string; ending: UnpaidEnding } | null = null;
  let cancelAttempted = false;
  let changed = false;
  const refundsInFlight = new Map<string, Promise<void>>();
  const outbox: MerchantEvent[] = [...(carried?.pendingNotifications ?? [])];
  const upserted: Record<string, string | number | null> = {};
  const metrics = paymentMetricsTracker(carried?.record);

  // ---- Effects ---------------------------------------------------------------------------------------

  function emit(events: MerchantEvent[]): void {
    for (const e of events) {
      if (emittedEventIds.has(e.id)) continue;
      emittedEventIds.add(e.id);
      outbox.push(e);
    }
  }

  /** Keeps the UI's view (search attributes, details) in step with the record, writing only what changed. */
  function publish(): void {
    // All three are keyword attributes, so they share one key type.
    const wanted: [typeof PaymentStatus, string | null][] = [
      [PaymentStatus, record.status],
      [WooshPayIntentId, record.payment_intent],
      [DisputeStatus, record.dispute?.status ?? null],
    ];
    const updates: Parameters<typeof upsertSearchAttributes>[0] = [];
    for (const [key, value] of wanted) {
      const previous = upserted[key.name];
      if (previous === value || (previous === undefined && value === null)) continue;
      upserted[key.name] = value;
      updates.push(value === null ? { key, value: null } : { key, value });
    }
    if (upserted[RefundedAmount.name] !== record.amount_refunded) {
      upserted[RefundedAmount.name] = record.amount_refunded;
      updates.push({ key: RefundedAmount, value: record.amount_refunded });
    }
    if (updates.length > 0) upsertSearchAttributes(updates);
    setCurrentDetails(renderDetails(record));
    // Here, next to the upsert: a task that issues a command is never re-run as new code, so counts stay exact.
    metrics.observe(record);
  }

  /** The ending an intent cancellation means now: the one we asked for, or expiry once the window closed. */
  function intendedEnding(): UnpaidEnding | undefined {
    return cancelRequest?.ending ?? (Date.now() >= record.expires_at ? 'expired' : undefined);
  }

  function apply(events: MerchantEvent[]): void {
    emit(events);
    if (transferFailed(record)) cancelRequest ??= { reason: 'payment_failed', ending: 'failed' };
    publish();
    changed = true;
  }

  // ---- Handlers (registered before the first await) --------------------------------------------------

  const intake = () => ({ payment: record, requestFingerprint: request.requestFingerprint, intakeId: request.intakeId });
  setHandler(getPaymentQuery, () => record);
  setHandler(getIntakeQuery, intake);

  setHandler(providerEventSignal, (event: ProviderEvent) => {
    // WooshPay delivers at least once and in any order: each event id is applied once, ever.
    if (seenEventIds.has(event.id)) return;
    seenEventIds.add(event.id);
    onProviderEvent(event);
  });

  setHandler(createPaymentUpdate, async () => {
    await condition(() => record.status !== 'processing' || record.payment_intent !== null || record.checkout_session !== null);
    if (record.status === 'failed' && record.redirect_url === null && record.failure) {
      throw ApplicationFailure.create({
        type: PaymentErrorType.ProviderRejected,
        message: record.failure.message,
        details: [record.failure],
        nonRetryable: true,
      });
    }
    return intake();
  });

  setHandler(
    cancelPaymentUpdate,
    async ({ reason }) => {
      cancelRequest ??= { reason: reason ?? 'requested_by_merchant', ending: 'canceled' };
      changed = true;
      await condition(() => !isAwaitingTransfer(record) || cancelAttempted);
      if (record.status !== 'canceled') {
        throw ApplicationFailure.create({
          type: PaymentErrorType.InvalidState,
          message: isPaid(record)
            ? 'The transfer arrived before the cancel took effect; the payment has succeeded.'
            : `The payment cannot be canceled while it is ${record.provider_status === 'processing' ? 'clearing at the bank' : record.status}.`,
          nonRetryable: true,
        });
      }
      return record;
    },
    {
      validator: (_req: { reason?: string }) => {
        if (!isAwaitingTransfer(record) && record.status !== 'canceled') {
          throw ApplicationFailure.create({
            type: PaymentErrorType.InvalidState,
            message: `Only an unpaid payment can be canceled; this one is ${record.status}.`,
            nonRetryable: true,
          });
        }
      },
    },
  );

  setHandler(
    refundUpdate,
    async (req: RefundRequest) => {
      const existing = record.refunds.find((r) => r.id === req.refundId);
      if (existing) return existing;
      const refund: RefundRecord = {
        id: req.refundId,
        object: 'refund',
        payment: record.id,
        amount: req.amount ?? refundableAmount(record),
        currency: record.currency,
        status: 'pending',
        reason: req.reason ?? null,
        provider_refund: null,
        failure_reason: null,
        metadata: req.metadata ?? {},
        created: Date.now(),
      };
      // Reserved before the first await, so the validator of a concurrent refund already sees it.
      reserveRefund(record, refund);
      apply([]);
      const work = runRefund(refund);
      refundsInFlight.set(refund.id, work);
      // Answer once WooshPay has the refund (or refused it); a slow provider gets a pending refund back.
      await condition(() => !refundsInFlight.has(refund.id) || refund.provider_refund !== null, '20 seconds');
      return refund;
    },
    { validator: (req: RefundRequest) => validateRefund(req) },
  );

  setHandler(
    disputeEvidenceUpdate,
    async ({ evidence, submit }) => {
      const dispute = record.dispute!;
      const state = await provider.updateDisputeEvidence({
        disputeId: dispute.id,
        evidence,
        submit,
        idempotencyKey: `${record.id}:${dispute.id}:evidence:${workflowInfo().historyLength}`,
      });
      apply(applyDisputeState(record, state, 'charge.dispute.updated'));
      if (submit) dispute.evidence_submitted = true;
      return record.dispute!;
    },
    { validator: (_req: DisputeEvidenceRequest) => requireOpenDispute() },
  );

  setHandler(
    acceptDisputeUpdate,
    async () => {
      const dispute = record.dispute!;
      const state = await provider.acceptDispute({ disputeId: dispute.id, idempotencyKey: `${record.id}:${dispute.id}:accept` });
      apply(applyDisputeState(record, state, 'charge.dispute.closed'));
      return record.dispute!;
    },
    { validator: () => requireOpenDispute() },
  );

  // ---- Rules tied to handlers ------------------------------------------------------------------------

  function requireOpenDispute(): void {
    if (!hasOpenDispute(record)) {
      throw ApplicationFailure.create({
        type: PaymentErrorType.NoOpenDispute,
        message: 'This payment has no open dispute.',
        nonRetryable: true,
      });
    }
  }

  /** Runs before anything is written to history; a rejected refund changes nothing. */
  function validateRefund(req: RefundRequest): void {
    if (record.refunds.some((r) => r.id === req.refundId)) return; // a replay answers with the same refund
    const reject = (type: PaymentErrorType, message: string): never => {
      throw ApplicationFailure.create({ type, message, nonRetryable: true });
    };
    if (!settings.refundsEnabled) {
      reject(PaymentErrorType.RefundNotSupported, 'Refunds are not enabled for bank_transfer_id on this account.');
    }
    if (hasOpenDispute(record)) reject(PaymentErrorType.InvalidState, 'Refunds are refused while a dispute is open.');
    // A fully refunded payment is paid with nothing left: that is answered by the amount check below.
    if (!['succeeded', 'partially_refunded', 'refunded'].includes(record.status)) {
      reject(PaymentErrorType.InvalidState, `Only a paid payment can be refunded; this one is ${record.status}.`);
    }
    if (req.reason !== undefined && !(REFUND_REASONS as readonly string[]).includes(req.reason)) {
      reject(PaymentErrorType.InvalidAmount, `Unknown refund reason ${String(req.reason)}.`);
    }
    const refundable = refundableAmount(record);
    const amount = req.amount ?? refundable;
    if (!Number.isSafeInteger(amount) || amount <= 0) {
      reject(
        refundable <= 0 ? PaymentErrorType.AmountExceedsRefundable : PaymentErrorType.InvalidAmount,
        refundable <= 0 ? 'Nothing is left to refund.' : 'A refund amount is a positive integer.',
      );
    }
    if (amount > refundable) {
      reject(
        PaymentErrorType.AmountExceedsRefundable,
        `The refund of ${amount} exceeds the ${refundable} that can still be refunded.`,
      );
    }
  }

  function onProviderEvent(event: ProviderEvent): void {
    const now = Date.now();
    switch (event.object) {
      case 'payment_intent': {
        if (record.payment_intent === null || event.data.id !== record.payment_intent) {
          // The event is ahead of our own record (e.g. paid before creation returned): ask WooshPay.
          reconcileRequested = true;
          break;
        }
        const fits =
          (event.type === 'payment_intent.succeeded' && event.data.status === 'succeeded') ||
          (event.type === 'payment_intent.processing' && event.data.status === 'processing') ||
          (event.type === 'payment_intent.canceled' && event.data.status === 'canceled') ||
          (event.type === 'payment_intent.payment_failed' && event.data.status === 'requires_payment_method');
        if (fits && isAwaitingTransfer(record)) apply(applyIntentState(record, event.data, now, intendedEnding()));
        else if (!isPaid(record) && !['payment_intent.created', 'payment_intent.requires_action'].includes(event.type)) {
          reconcileRequested = true;
        }
        break;
      }
      case 'checkout_session':
        if (event.type === 'checkout.session.expired' && event.data.id === record.checkout_session && isAwaitingTransfer(record)) {
          // Checked with WooshPay first: a session can expire while its intent's transfer already landed.
          reconcileRequested = true;
          cancelRequest ??= { reason: 'checkout_session_expired', ending: 'expired' };
        } else if (!isPaid(record)) {
          reconcileRequested = true;
        }
        break;
      case 'refund':
        apply(applyRefundState(record, event.data, now));
        break;
      case 'dispute':
        if (isPaid(record)) apply(applyDisputeState(record, event.data, event.type));
        else reconcileRequested = true;
        break;
      default:
        log.info('Ignoring a WooshPay event the payment does not act on', { eventId: event.id, type: event.type });
    }
    changed = true;
  }

  // ---- Steps -------------------------------------------------------------------------------------------

  async function createAtProvider(): Promise<void> {
    const idempotencyKey = `${record.id}:create`;
    const window = Math.max(record.expires_at - Date.now(), MIN_CREATE_WINDOW_MS);
    const create = proxyActivities<PaymentActivities>({
      startToCloseTimeout: '30 seconds',
      scheduleToCloseTimeout: window,
      retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
    });
    const metadata = { ...request.metadata, payment_id: record.id };
    try {
      // What both WooshPay objects are made from; the idempotency key makes a retried create find the first one.
      const common = {
        paymentId: record.id,
        idempotencyKey,
        amount: request.amount,
        currency: request.currency,
        description: request.description,
        merchantOrderId: request.merchantOrderId,
        metadata,
      };
      if (request.integration === 'direct') {
        const intent = await create.createPaymentIntent({ ...common, returnUrl: request.returnUrl! });
        record.payment_intent = intent.paymentIntentId;
        record.redirect_url = intent.redirectUrl;
        record.provider_status = intent.status;
      } else {
        const session = await create.createCheckoutSession({
          ...common,
          successUrl: request.successUrl!,
          cancelUrl: request.cancelUrl!,
          lineItems: request.lineItems ?? [],
        });
        record.checkout_session = session.checkoutSessionId;
        record.payment_intent = session.paymentIntentId;
        record.redirect_url = session.url;
        // WooshPay closes a session at its own expires_at; ours cannot be later than that.
        record.expires_at = Math.min(record.expires_at, session.expiresAt);
      }
      record.status = 'requires_action';
      apply([]);
    } catch (err) {
      const failure = providerFailure(err);
      if (!failure) throw err;
      log.warn('WooshPay did not create the payment', { paymentId: record.id, ...failure });
      apply(endUnpaid(record, 'failed', Date.now(), failure));
    }
  }

  async function reconcile(): Promise<void> {
    reconcileRequested = false;
    if (!record.payment_intent && !record.checkout_session) return;
    try {
      const intent = await reads.retrieveIntentState({
        paymentIntentId: record.payment_intent,
        checkoutSessionId: record.checkout_session,
      });
      if (intent) {
        record.payment_intent ??= intent.id;
        apply(applyIntentState(record, intent, Date.now(), intendedEnding()));
      }
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      log.warn('Reconciliation read failed; will poll again', { paymentId: record.id, error: err.message });
    }
  }

  /**
   * Cancel is the gate that ends an unpaid payment: only WooshPay confirming the cancel ends it. If WooshPay
   * refuses because the transfer landed, the payment is paid; if a transfer is clearing, we keep waiting.
   */
  async function cancelAtProvider(ending: UnpaidEnding, reason: string): Promise<void> {
    let outcome;
    try {
      outcome = await provider.cancelAtProvider({
        paymentIntentId: record.payment_intent,
        checkoutSessionId: record.checkout_session,
        reason,
        idempotencyKey: `${record.id}:cancel`,
      });
    } catch (err) {
      const failure = providerFailure(err);
      if (!failure) throw err;
      // WooshPay refused even to show the intent (e.g. unknown to it): nothing there can be paid.
      log.warn('WooshPay refused the cancel and the read; ending the payment', { paymentId: record.id, ...failure });
      cancelAttempted = true;
      apply(endUnpaid(record, ending, Date.now(), failure));
      return;
    }
    cancelAttempted = true;
    const now = Date.now();
    if (outcome.canceled) apply(endUnpaid(record, ending, now));
    else if (outcome.intent) apply(applyIntentState(record, outcome.intent, now, ending));
    changed = true;
  }

  async function awaitTransfer(): Promise<void> {
    let nextPollAt = Date.now() + settings.reconcileFirstMs;
    while (isAwaitingTransfer(record)) {
      if (!cancelRequest && shouldContinueAsNew()) await continueAsNewNow();
      // Past expires_at (a transfer still clearing), only the poll wakes us; otherwise the earlier of the two.
      const wakeAt = Date.now() < record.expires_at ? Math.min(nextPollAt, record.expires_at) : nextPollAt;
      changed = false;
      await condition(
        () => changed || reconcileRequested || cancelRequest !== null || !isAwaitingTransfer(record),
        Math.max(wakeAt - Date.now(), 1),
      );
      if (!isAwaitingTransfer(record)) break;

      if (cancelRequest && !cancelAttempted) {
        await reconcile();
        if (isAwaitingTransfer(record)) await cancelAtProvider(cancelRequest.ending, cancelRequest.reason);
        continue;
      }
      if (Date.now() >= record.expires_at && record.provider_status !== 'processing') {
        // One last look before the gate, so a payment whose webhook is late is not expired.
        await reconcile();
        if (isAwaitingTransfer(record) && record.provider_status !== 'processing') {
          await cancelAtProvider('expired', 'expired: the transfer window closed');
        }
        if (isAwaitingTransfer(record)) nextPollAt = Date.now() + settings.reconcileIntervalMs;
        continue;
      }
      if (reconcileRequested || Date.now() >= nextPollAt) {
        await reconcile();
        nextPollAt = Date.now() + settings.reconcileIntervalMs;
      }
    }
  }

  async function runRefund(refund: RefundRecord): Promise<void> {
    try {
      const state = await provider.createRefund({
        refundId: refund.id,
        paymentId: record.id,
        paymentIntentId: record.payment_intent!,
        amount: refund.amount,
        reason: refund.reason ?? undefined,
        metadata: refund.metadata,
      });
      apply(applyRefundState(record, { ...state, refund_id: refund.id }, Date.now()));
    } catch (err) {
      const failure = providerFailure(err);
      if (!failure) throw err;
      log.warn('WooshPay refused the refund', { paymentId: record.id, refundId: refund.id, ...failure });
      apply(failRefund(record, refund.id, failure.code));
    } finally {
      refundsInFlight.delete(refund.id);
      changed = true;
    }
  }

  async function pollPendingRefunds(): Promise<void> {
    for (const refund of record.refunds) {
      if (refund.status !== 'pending' || !refund.provider_refund || refundsInFlight.has(refund.id)) continue;
      try {
        const state = await reads.retrieveRefund({ providerRefundId: refund.provider_refund });
        apply(applyRefundState(record, { ...state, refund_id: refund.id }, Date.now()));
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        log.warn('Refund poll failed; will poll again', { refundId: refund.id, error: err.message });
      }
    }
  }

  /** The evidence deadline: a reminder before it, `past_due` after it. */
  function checkDisputeDeadline(): number | null {
    const dispute = record.dispute;
    if (!dispute || !hasOpenDispute(record) || dispute.evidence_due_by === null) return null;
    const now = Date.now();
    const remindAt = dispute.evidence_due_by - settings.disputeReminderLeadMs;
    if (now >= remindAt && reminderSentFor !== dispute.id && !dispute.evidence_submitted) {
      reminderSentFor = dispute.id;
      apply([{ id: `${dispute.id}.dispute.evidence_due_soon`, type: 'dispute.evidence_due_soon' }]);
    }
    if (now >= dispute.evidence_due_by) {
      // Past due means the deadline passed without evidence; submitted evidence is under WooshPay's review.
      if (!dispute.evidence_submitted && markDisputePastDue(record)) apply([]);
      return null;
    }
    return now < remindAt ? remindAt : dispute.evidence_due_by;
  }

  function shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return (
      info.continueAsNewSuggested ||
      (settings.continueAsNewAfterEvents !== undefined && info.historyLength >= settings.continueAsNewAfterEvents)
    );
  }

  /** Entity phase: the paid payment's owner until its retention window ends. */
  async function ownPaidPayment(): Promise<void> {
    retentionEndsAt ??= (record.paid_at ?? Date.now()) + settings.retentionMs;
    let nextRefundPollAt = Date.now() + settings.refundPollMs;
    for (;;) {
      const deadline = checkDisputeDeadline();
      const pendingRefund = record.refunds.some((r) => r.status === 'pending');
      const busy = pendingRefund || hasOpenDispute(record) || refundsInFlight.size > 0;
      if (!busy && Date.now() >= retentionEndsAt) return;

      if (shouldContinueAsNew()) await continueAsNewNow();

      const wakeAt = Math.min(
        busy ? Number.MAX_SAFE_INTEGER : retentionEndsAt,
        pendingRefund ? nextRefundPollAt : Number.MAX_SAFE_INTEGER,
        deadline ?? Number.MAX_SAFE_INTEGER,
      );
      changed = false;
      const timeout = wakeAt === Number.MAX_SAFE_INTEGER ? settings.retentionMs : Math.max(wakeAt - Date.now(), 1);
      await condition(() => changed || outbox.length > 0, timeout);
      await flushNotifications();
      if (pendingRefund && Date.now() >= nextRefundPollAt) {
        await pollPendingRefunds();
        nextRefundPollAt = Date.now() + settings.refundPollMs;
      }
    }
  }

  /**
   * Hands each merchant notification to its own child workflow, which retries delivery for days. The payment
   * never waits on the merchant's endpoint, and the child outlives this run (continue-as-new, close).
   */
  async function flushNotifications(): Promise<void> {
    const url = request.notifyUrl ?? settings.defaultNotifyUrl;
    while (outbox.length > 0) {
      const next = outbox.shift()!;
      if (!url) continue;
      try {
        await startChild(merchantNotificationWorkflow, {
          workflowId: `notify-${next.id}`,
          args: [
            { url, eventId: next.id, type: next.type, created: Date.now(), payment: structuredCloneRecord(record) },
            settings.notificationRetry ?? DEFAULT_NOTIFICATION_RETRY,
          ],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        });
      } catch (err) {
        // Already started by an earlier run of this payment: exactly one notification per event.
        log.info('Merchant notification already started', { eventId: next.id, error: (err as Error).message });
      }
    }
  }

  /**
   * Hands the payment to a fresh run, with its record, its memory of events and notifications, and the
   * notifications still queued. It waits for handlers and refund calls only: waiting for the queue to drain
   * too could be postponed forever by a steady stream of refunds, each queueing a notification.
   */
  async function continueAsNewNow(): Promise<never> {
    await Promise.all(refundsInFlight.values());
    await flushNotifications();
    // Nothing may be awaited between this condition and continueAsNew: an update accepted in between would
    // be cut off by the end of the run.
    await condition(() => allHandlersFinished() && refundsInFlight.size === 0);
    return continueAsNew<typeof paymentWorkflow>({
      request,
      settings,
      carried: {
        record,
        seenEventIds: [...seenEventIds],
        emittedEventIds: [...emittedEventIds],
        retentionEndsAt,
        reminderSentFor,
        pendingNotifications: [...outbox],
      },
    });
  }

  /**
   * Before the payment closes: waits until no handler, refund call or notification is left, sending
   * notifications as they come. The run ends right after, with no await in between.
   */
  async function quiesce(): Promise<void> {
    for (;;) {
      await flushNotifications();
      if (allHandlersFinished() && refundsInFlight.size === 0 && outbox.length === 0) return;
      await condition(() => outbox.length > 0 || (allHandlersFinished() && refundsInFlight.size === 0));
    }
  }

  // ---- The payment's life ------------------------------------------------------------------------------

  publish();
  await flushNotifications();
  if (record.status === 'processing') await createAtProvider();
  await flushNotifications();
  if (isAwaitingTransfer(record)) await awaitTransfer();
  await flushNotifications();
  if (isPaid(record)) await ownPaidPayment();

  await quiesce();
  return record;
}

function structuredCloneRecord(record: PaymentRecord): PaymentRecord {
  return JSON.parse(JSON.stringify(record)) as PaymentRecord;
}

/** A provider refusal (non-retryable failure, or retries that ran out of time) as a code and message. */
function providerFailure(err: unknown): { code: string; message: string } | null {
  if (!(err instanceof ActivityFailure)) return null;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure && cause.nonRetryable) {
    const details = (cause.details?.[0] ?? {}) as { code?: string; message?: string };
    return { code: details.code ?? cause.type ?? 'provider_error', message: details.message ?? cause.message };
  }
  if (cause instanceof TimeoutFailure) {
    return { code: 'provider_unavailable', message: 'WooshPay did not answer before the payment expired.' };
  }
  return null;
}

const STATUS_LINES: Partial<Record<PaymentRecord['status'], string>> = {
  requires_action: 'Waiting for the shopper’s bank transfer',
  processing: 'Creating the payment at WooshPay',
  succeeded: 'Paid',
};

/** Markdown shown on the workflow's page in the Temporal UI. */
function renderDetails(record: PaymentRecord): string {
  const lines = [
    `**${record.status}** — ${STATUS_LINES[record.status] ?? ''}`.trim(),
    `Amount: ${record.amount} ${record.currency} · refunded ${record.amount_refunded} · pending ${record.amount_refund_pending} · lost ${record.amount_lost}`,
  ];
  if (record.payment_intent) lines.push(`PaymentIntent: \`${record.payment_intent}\``);
  if (record.checkout_session) lines.push(`Checkout Session: \`${record.checkout_session}\``);
  if (record.dispute) lines.push(`Dispute \`${record.dispute.id}\`: ${record.dispute.status}`);
  if (record.failure) lines.push(`Failure: ${record.failure.code} — ${record.failure.message}`);
  return lines.join('\n\n');
}
