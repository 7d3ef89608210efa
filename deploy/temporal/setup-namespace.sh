#!/bin/sh
# One-shot job (temporalio/admin-tools), after the server is healthy: creates the namespace and registers the
# payment search attributes (SEARCH_ATTRIBUTES: space-separated Name=Type). Safe to run again: an existing
# namespace or attribute is kept; any other failure fails the job, so the worker and API do not start.
set -eu
: "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required}"
: "${SEARCH_ATTRIBUTES:?SEARCH_ATTRIBUTES is required (Name=Type ...)}"
NAMESPACE=${NAMESPACE:-default}
RETENTION=${NAMESPACE_RETENTION:-720h}
MAX_ATTEMPTS=${MAX_ATTEMPTS:-60}
SLEEP_SECONDS=${SLEEP_SECONDS:-2}

attempt=1
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
    echo "namespace: Temporal at ${TEMPORAL_ADDRESS} not healthy after ${MAX_ATTEMPTS} attempts" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep "$SLEEP_SECONDS"
done

if temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1; then
  echo "namespace: ${NAMESPACE} exists"
else
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION"
  echo "namespace: ${NAMESPACE} created"
fi

for attribute in $SEARCH_ATTRIBUTES; do
  name=${attribute%%=*}
  type=${attribute#*=}
  attempt=1
  while :; do
    if output=$(temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$NAMESPACE" \
      --name "$name" --type "$type" 2>&1); then
      echo "search attribute: ${name} (${type}) registered"
      break
    fi
    if printf '%s' "$output" | grep -qi 'already exists'; then
      echo "search attribute: ${name} exists"
      break
    fi
    # A namespace created a moment ago reaches the frontend's namespace cache a few seconds later.
    if printf '%s' "$output" | grep -qi 'namespace .* not found' && [ "$attempt" -lt "$MAX_ATTEMPTS" ]; then
      attempt=$((attempt + 1))
      sleep "$SLEEP_SECONDS"
      continue
    fi
    printf 'search attribute: %s (%s) failed: %s\n' "$name" "$type" "$output" >&2
    exit 1
  done
done
