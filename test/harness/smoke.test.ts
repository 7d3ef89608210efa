import { describe, expect, it } from '@jest/globals';
import { connectTestEnv } from './temporal.js';

describe('harness', () => {
  it('reaches the shared dev server', async () => {
    const env = await connectTestEnv();
    const ns = await env.client.workflowService.describeNamespace({ namespace: 'default' });
    expect(ns.namespaceInfo?.name).toBe('default');
    await env.teardown();
  });
});
