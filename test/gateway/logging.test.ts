import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startEchoUpstream } from '../helpers/echo-upstream.js';
import { SnapshotBuilder } from '../helpers/snapshot-builder.js';
import { startTestGateway } from '../helpers/test-gateway.js';

describe('gateway logging', () => {
  it('logs configuration and backend events through the given pino logger, never a key', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    const upstream = await startEchoUpstream();
    const builder = new SnapshotBuilder()
      .api('a', { path: 'a', serviceUrl: upstream.url })
      .operation('a', 'any', '*', '/*')
      .api('dead', { path: 'dead', serviceUrl: 'http://127.0.0.1:1' })
      .operation('dead', 'any', '*', '/*')
      .subscription('s', { scope: '/apis', primaryKey: 'TOP-SECRET-PRIMARY', secondaryKey: 'TOP-SECRET-SECONDARY' });
    const gw = await startTestGateway(builder.build(), { logger });
    try {
      await gw.request('/a/x', { headers: { 'ocp-apim-subscription-key': 'TOP-SECRET-PRIMARY' } });
      await gw.request('/a/x?subscription-key=TOP-SECRET-SECONDARY');
      await gw.request('/a/x', { headers: { 'ocp-apim-subscription-key': 'TOP-SECRET-GUESS' } });
      await gw.request('/dead/x?subscription-key=TOP-SECRET-PRIMARY');
      gw.publish(builder.api('bad', { path: 'bad', serviceUrl: 'http://169.254.169.254' }).build());

      const all = lines.join('');
      expect(all).toContain('gateway configuration applied');
      expect(all).toContain('gateway configuration rejected');
      expect(all).toContain('backend request failed');
      expect(all).not.toContain('TOP-SECRET');
    } finally {
      await gw.close();
      await upstream.close();
    }
  });
});
