import { ERROR_CODES, type ErrorCode } from '../wooshpay/assumptions.js';
import { describeInvalidParams } from '../wooshpay/params.js';
import type { ErrorEnvelope } from '../wooshpay/schemas.js';
import type { z } from 'zod';

/** A failure answered with the documented envelope (§2.6, §14.10). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: ErrorCode,
    message: string,
    readonly param?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toEnvelope(): ErrorEnvelope {
    return {
      error: {
        type: this.type,
        code: this.code,
        message: this.message,
        ...(this.param === undefined ? {} : { param: this.param }),
      },
    };
  }
}

export function invalidRequest(code: ErrorCode, message: string, param?: string): ApiError {
  return new ApiError(400, 'invalid_request_error', code, message, param);
}

export function notFound(kind: string, id: string, param?: string): ApiError {
  return new ApiError(param ? 400 : 404, 'invalid_request_error', ERROR_CODES.resourceMissing, `No such ${kind}: '${id}'`, param);
}

/** Parses request input with the shared schema, or throws the 400 that names the parameter. */
export function parseParams<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const { code, param, message } = describeInvalidParams(parsed.error, input ?? {});
  throw invalidRequest(code, message, param);
}
