import type { WooshPayClient } from '../wooshpay/index.js';
import { createNotificationActivities } from './notify.js';
import type { OutboundPolicy } from './outbound-address.js';
import type { HostResolver } from './outbound-target.js';
import { createReconciliationActivities } from './reconciliation.js';
import type { PaymentActivities, ReconciliationActivities } from './types.js';
import { createWooshPayActivities } from './wooshpay.js';

export type { PaymentActivities, ReconciliationActivities } from './types.js';

export interface ActivityDependencies {
  wooshpay: WooshPayClient;
  notifySigningSecret: string | undefined;
  /** Where merchant notifications may go (NOTIFY_ALLOW_PRIVATE_NETWORKS). */
  outbound: OutboundPolicy;
  /** Tests: where host names resolve for deliveries. */
  resolveHost?: HostResolver;
  /** merchant → signing secret, over notifySigningSecret. */
  merchantNotifySigningSecrets?: ReadonlyMap<string, string>;
}

/** Every activity the worker registers, wired to its dependencies (dependency injection, as in the samples). */
export function createActivities(deps: ActivityDependencies): PaymentActivities & ReconciliationActivities {
  return {
    ...createWooshPayActivities(deps.wooshpay),
    ...createReconciliationActivities(deps.wooshpay),
    ...createNotificationActivities({
      signingSecret: deps.notifySigningSecret,
      merchantSigningSecrets: deps.merchantNotifySigningSecrets,
      outbound: deps.outbound,
      resolveHost: deps.resolveHost,
    }),
  };
}
