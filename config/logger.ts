import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs. Anything that could carry a secret is redacted by path, as a second line of defence
 * behind never logging config or headers whole.
 */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        '*.secretKey',
        '*.apiKeys',
        '*.webhookSecrets',
        '*.notifySigningSecret',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  });
}
