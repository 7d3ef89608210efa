#!/bin/sh
# Entrypoint of the payment images (Dockerfile). For each secret below, `<NAME>_FILE` names a file whose
# content becomes <NAME>: the Docker / Kubernetes secrets convention, so secrets need not sit in the
# environment of the compose file. Then it hands over to the command (node as PID 1 under `init: true`).
set -eu

for name in API_KEYS WOOSHPAY_SECRET_KEY WOOSHPAY_WEBHOOK_SECRETS NOTIFY_SIGNING_SECRET MERCHANT_NOTIFY_SIGNING_SECRETS PAYLOAD_ENCRYPTION_KEYS CODEC_AUTH_TOKENS; do
  eval "file=\${${name}_FILE:-}"
  [ -n "$file" ] || continue
  eval "direct=\${${name}:-}"
  if [ -n "$direct" ]; then
    echo "docker-entrypoint: set ${name} or ${name}_FILE, not both" >&2
    exit 64
  fi
  if [ ! -r "$file" ]; then
    echo "docker-entrypoint: ${name}_FILE=${file} is not a readable file" >&2
    exit 66
  fi
  # Several lines (e.g. one secret per line while rotating) become the comma list config/config.ts reads.
  value=$(tr -s '\r\n' ',,' < "$file" | sed -e 's/^,*//' -e 's/,*$//')
  if [ -z "$value" ]; then
    echo "docker-entrypoint: ${name}_FILE=${file} is empty" >&2
    exit 66
  fi
  export "${name}=${value}"
  unset "${name}_FILE"
done

exec "$@"
