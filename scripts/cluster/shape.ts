/**
 * What `npm run cluster` and docker-compose.yml must agree on: the Temporal server release, the history shard
 * count, the dynamic config file and the setup scripts. test/cluster/compose-drift.test.ts reads compose and
 * compares it with these, so the two cannot drift apart.
 */
import type { SearchAttributeType } from '@temporalio/common';
import { PAYMENT_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

/** The compose images `temporalio/server` and `temporalio/admin-tools` carry this tag. */
export const TEMPORAL_SERVER_VERSION = '1.30.1';
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';
/** Fixed for the life of a cluster's database: Temporal cannot change it after the first start. */
export const HISTORY_SHARDS = 4;
/** The server image renders its embedded config from these variables (config/docker.yaml in the module). */
export const TEMPORAL_DB_PLUGIN = 'postgres12';
export const TEMPORAL_DB_USER = 'temporal';
/** Relative to the repository root; compose mounts its folder into the server container. */
export const DYNAMIC_CONFIG_FILE = 'deploy/temporal/dynamicconfig/payments.yaml';
export const SETUP_SCHEMA_SCRIPT = 'deploy/temporal/setup-schema.sh';
export const SETUP_NAMESPACE_SCRIPT = 'deploy/temporal/setup-namespace.sh';

/** `temporal operator search-attribute create --type` names. */
export const CLI_TYPE_NAMES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** `Name=Type …` as deploy/temporal/setup-namespace.sh takes it in SEARCH_ATTRIBUTES. */
export function searchAttributesSpec(keys: readonly { name: string; type: SearchAttributeType }[] = PAYMENT_SEARCH_ATTRIBUTES): string {
  return keys.map((k) => `${k.name}=${CLI_TYPE_NAMES[k.type]}`).join(' ');
}
