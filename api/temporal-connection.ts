/**
 * The API's connection to Temporal, with the SDK's gRPC retries and one guard beneath them.
 *
 * The SDK retries a failed call (UNAVAILABLE and the like) from a timer. A timer that fires after the
 * connection was closed — at shutdown, or when a test tears the API down — had grpc-js throw "Channel has been
 * shut down" from inside that timer, uncaught, killing the process (or failing a test file whose tests had all
 * passed). Beneath the retry interceptor, the guard answers a call on a closed channel with CANCELLED, which
 * the retry interceptor does not retry: the abandoned call ends like any cancelled one.
 */
import { Connection, type ConnectionOptions, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

type Interceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/** gRPC's CANCELLED (from the gRPC spec). */
const CANCELLED = 1;
const CHANNEL_SHUT_DOWN = /Channel has been shut down/;

export function temporalConnection(address: string): Connection {
  return Connection.lazy({ address, interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions()), closedChannelGuard] });
}

const closedChannelGuard: Interceptor = (options, nextCall) => {
  try {
    // The next call is what grpc-js wraps either way; its type names the wrapper.
    return nextCall(options) as ReturnType<Interceptor>;
  } catch (err) {
    if (!(err instanceof Error) || !CHANNEL_SHUT_DOWN.test(err.message)) throw err;
    return cancelledCall(err.message) as unknown as ReturnType<Interceptor>;
  }
};

/** A call that never reaches the wire and ends CANCELLED as soon as it is started. */
function cancelledCall(details: string) {
  return {
    start(metadata: { clone(): unknown }, listener: { onReceiveStatus?(status: unknown): void }) {
      setImmediate(() => listener.onReceiveStatus?.({ code: CANCELLED, details, metadata: metadata.clone() }));
    },
    sendMessage() {},
    sendMessageWithContext() {},
    halfClose() {},
    startRead() {},
    cancelWithStatus() {},
    getPeer: () => '',
  };
}
