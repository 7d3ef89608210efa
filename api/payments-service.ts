/**
 * The intake's bridge to Temporal: one workflow per payment, addressed by an id derived from the
 * Idempotency-Key, so the same key always reaches the same payment — while it runs and after it closes.
 * Every call names the caller's merchant: a payment of another merchant is answered as an unknown one.
 */
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  acceptDisputeUpdate,
  cancelPaymentUpdate,
  createPaymentUpdate,
  DEFAULT_MERCHANT_ID,
  disputeEvidenceUpdate,
  getIntakeQuery,
  PaymentErrorType,
  refundUpdate,
  type DisputeRecord,
  type PaymentIntake,
  type PaymentRecord,
  type PaymentSettings,
  type ProviderEvent,
  type RefundRecord,
} from '../workflows/messages.js';
import { paymentWorkflow } from '../workflows/payment/workflow.js';
import { MerchantId } from '../workflows/search-attributes.js';
import { ApiError } from './errors.js';
import { idFromKey, merchantUpdateId, paymentIdFromKey } from './idempotency.js';
import type { NotifyUrlCheck } from './notify-url-check.js';
import { listPayments, type ListPaymentsOptions, type PaymentListPage } from './payment-list.js';
import { paymentRequest, reopenPayment, startAttributes } from './payment-start.js';
import {
  grpcCodeOf,
  grpcStatus,
  idempotencyMismatch,
  paymentClosed,
  paymentNotFound,
  providerRejected,
  translateTemporalError,
  READ_DEADLINE_MS,
  withDeadline,
} from './temporal-errors.js';
import type { CreatePaymentBody, CreateRefundBody } from './schemas.js';

/** How long the intake waits for WooshPay to create the payment before answering "retry later". */
const DEFAULT_CREATE_WAIT_MS = 25_000;
/**
 * How long a route waits for Temporal before answering 503 with Retry-After. An action's work goes on in the
 * payment (a refund waits up to 20 s for WooshPay inside the update), and a retry with the same key joins it.
 */
const ACTION_DEADLINE_MS = 25_000;

export interface PaymentsServiceOptions {
  client: Client;
  taskQueue: string;
  settings: PaymentSettings;
  /** merchant → notification URL (MERCHANT_NOTIFY_URLS), used when the body names none. */
  merchantNotifyUrls?: ReadonlyMap<string, string>;
  createWaitMs?: number;
  /** Refuses a `notify_url` the worker may not send to (api/notify-url-check.ts); before anything starts. */
  checkNotifyUrl: NotifyUrlCheck;
}

export interface CreatedPayment {
  payment: PaymentRecord;
  created: boolean;
}

export class PaymentsService {
  private readonly client: Client;
  private readonly taskQueue: string;
  /** Fixed into each new payment's input; later changes apply to new payments only. */
  settings: PaymentSettings;
  private readonly createWaitMs: number;
  private readonly checkNotifyUrl: NotifyUrlCheck;
  private readonly merchantNotifyUrls: ReadonlyMap<string, string>;

  constructor(options: PaymentsServiceOptions) {
    this.client = options.client;
    this.checkNotifyUrl = options.checkNotifyUrl;
    this.taskQueue = options.taskQueue;
    this.settings = options.settings;
    this.merchantNotifyUrls = options.merchantNotifyUrls ?? new Map();
    this.createWaitMs = options.createWaitMs ?? DEFAULT_CREATE_WAIT_MS;
  }

  async create(merchantId: string, body: CreatePaymentBody, idempotencyKey: string): Promise<CreatedPayment> {
    if (body.notify_url !== undefined) await this.checkNotifyUrl(body.notify_url);
    const paymentId = paymentIdFromKey(merchantId, idempotencyKey);
    const request = paymentRequest(paymentId, merchantId, body, {
      // Fixed at intake like the rest of the request: the payment's own URL, else its merchant's, else NOTIFY_URL.
      notifyUrl: body.notify_url ?? this.merchantNotifyUrls.get(merchantId) ?? this.settings.defaultNotifyUrl,
    });
    const startWorkflowOperation = new WithStartWorkflowOperation(paymentWorkflow, {
      workflowId: paymentId,
      taskQueue: this.taskQueue,
      args: [{ request, settings: this.settings }],
      // A retry while the payment runs joins it; a key reused after it closed never starts a second payment.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      ...startAttributes(request, { status: 'processing', amount_refunded: 0 }),
    });

    let intake: PaymentIntake;
    try {
      intake = await withDeadline(this.client, this.createWaitMs, () =>
        this.client.workflow.executeUpdateWithStart(createPaymentUpdate, {
          updateId: merchantUpdateId('create', merchantId, idempotencyKey),
          startWorkflowOperation,
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        // The payment for this key has closed (e.g. it failed or expired): answer from its record.
        intake = await this.handle(paymentId).query(getIntakeQuery);
        if (intake.requestFingerprint !== request.requestFingerprint) throw idempotencyMismatch();
        if (intake.payment.status === 'failed' && intake.payment.redirect_url === null) throw providerRejected(intake.payment);
        return { payment: intake.payment, created: false };
      }
      if (err instanceof WorkflowUpdateFailedError) {
        const cause = err.cause;
        if (cause instanceof ApplicationFailure && cause.type === PaymentErrorType.ProviderRejected) {
          const current = await this.handle(paymentId).query(getIntakeQuery).catch(() => undefined);
          if (current && current.requestFingerprint !== request.requestFingerprint) throw idempotencyMismatch();
          throw providerRejected(current?.payment, cause.message, paymentId);
        }
      }
      throw translateTemporalError(err, paymentId);
    }
    if (intake.requestFingerprint !== request.requestFingerprint) throw idempotencyMismatch();
    return { payment: intake.payment, created: intake.intakeId === request.intakeId };
  }

  /** One query, whoever owns the payment: another merchant's payment costs what an unknown id costs. */
  async get(merchantId: string, paymentId: string): Promise<PaymentRecord> {
    let intake: PaymentIntake;
    try {
      intake = await withDeadline(this.client, READ_DEADLINE_MS, () => this.handle(paymentId).query(getIntakeQuery));
    } catch (err) {
      throw translateTemporalError(err, paymentId);
    }
    if (intake.merchantId !== merchantId) throw paymentNotFound(paymentId);
    return intake.payment;
  }

  async cancel(merchantId: string, paymentId: string, reason: string | undefined): Promise<PaymentRecord> {
    return this.act(merchantId, paymentId, () => this.handle(paymentId).executeUpdate(cancelPaymentUpdate, { args: [{ reason, merchantId }] }));
  }

  async refund(merchantId: string, paymentId: string, body: CreateRefundBody, idempotencyKey: string): Promise<RefundRecord> {
    // Per payment already, and a payment has one merchant: the owner's refund ids are those from before merchants.
    const refundId = idFromKey('re', 'refund', paymentId, idempotencyKey);
    const refund = await this.act(merchantId, paymentId, () =>
      this.handle(paymentId).executeUpdate(refundUpdate, {
        updateId: merchantUpdateId('refund', merchantId, refundId),
        args: [{ refundId, amount: body.amount, reason: body.reason, metadata: body.metadata, merchantId }],
      }),
    );
    const sameBody =
      (body.amount === undefined || body.amount === refund.amount) && (body.reason === undefined || body.reason === refund.reason);
    if (!sameBody) throw idempotencyMismatch();
    return refund;
  }

  async submitDisputeEvidence(merchantId: string, paymentId: string, evidence: Record<string, string>, submit: boolean): Promise<DisputeRecord> {
    return this.act(merchantId, paymentId, () =>
      this.handle(paymentId).executeUpdate(disputeEvidenceUpdate, { args: [{ evidence, submit, merchantId }] }),
    );
  }

  async acceptDispute(merchantId: string, paymentId: string): Promise<DisputeRecord> {
    return this.act(merchantId, paymentId, () => this.handle(paymentId).executeUpdate(acceptDisputeUpdate, { args: [{ merchantId }] }));
  }

  /** Opens a closed payment again for a WooshPay event that came after it closed (payment-start.ts). */
  async reopen(paymentId: string, event: ProviderEvent): Promise<'reopened' | 'duplicate'> {
    return reopenPayment(this.client, this.taskQueue, paymentId, event);
  }

  /**
   * An action (update) on a payment, under a deadline; the update carries the caller's merchant and the
   * payment's validator refuses another's (404). A payment that exists but has closed answers 409
   * `payment_closed` to its own merchant (the id is right, the payment is over) and 404 to any other, read
   * from the same describe call either way.
   */
  private async act<T>(merchantId: string, paymentId: string, send: () => Promise<T>): Promise<T> {
    try {
      return await withDeadline(this.client, ACTION_DEADLINE_MS, () => this.update(send));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError || grpcCodeOf(err) === grpcStatus.NOT_FOUND || isClosedAnswer(err)) {
        const closedOwner = await withDeadline(this.client, READ_DEADLINE_MS, () => this.handle(paymentId).describe()).then(
          (d) => (d.status.name === 'RUNNING' ? null : (d.typedSearchAttributes.get(MerchantId) ?? DEFAULT_MERCHANT_ID)),
          (describeErr: unknown) => {
            throw translateTemporalError(describeErr, paymentId); // unknown: 404; Temporal away: 503
          },
        );
        if (closedOwner === merchantId) throw paymentClosed(paymentId);
        if (closedOwner !== null) throw paymentNotFound(paymentId);
        // Running again (a late transfer reopened it in between): the action can simply be sent again.
        throw new ApiError(503, 'api_error', 'still_processing', 'The payment changed while answering; retry the request.', { retryAfterSeconds: 1 });
      }
      throw translateTemporalError(err, paymentId);
    }
  }

  /** Newest first by Temporal's visibility order; `cursor` is the opaque `next_cursor` of the previous page. */
  async list(merchantId: string, options: ListPaymentsOptions): Promise<PaymentListPage> {
    return listPayments(this.client, { taskQueue: this.taskQueue, merchantId, ...options });
  }

  /**
   * An update can lose a race with the end of a run (continue-as-new hands the payment to a new run); it is
   * sent again, which is safe because every update that changes money carries its own idempotent id.
   */
  private async update<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (err) {
        const cutOff = err instanceof WorkflowUpdateFailedError && /completed before the Update completed/i.test(err.cause?.message ?? err.message);
        if (!cutOff || attempt >= 3) throw err;
      }
    }
  }

  private handle(paymentId: string) {
    return this.client.workflow.getHandle<typeof paymentWorkflow>(paymentId);
  }
}

/** An update refused because the run has closed (the server's words; the client has no type for it). */
function isClosedAnswer(err: unknown): boolean {
  return /workflow execution already completed/i.test(err instanceof Error ? err.message : String(err));
}
