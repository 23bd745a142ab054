import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import type { Client } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../workflows/searchAttributes';

export { SEARCH_ATTRIBUTES };

/**
 * Registers the search attributes the namespace lacks. On a self-hosted cluster or the embedded dev
 * server this needs operator rights; on Temporal Cloud create them beforehand (tcld) and this finds them.
 */
export async function ensureSearchAttributes(client: Client, namespace: string): Promise<void> {
  const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace });
  const missing = Object.values(SEARCH_ATTRIBUTES).filter((key) => !(key.name in (customAttributes ?? {})));
  if (missing.length === 0) return;
  await client.connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
    ),
  });
}
