import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { memoryLog } from '../../support/memory-log.js';

describe('createLogger', () => {
  it('redacts authorization headers, passwords and bodies', () => {
    const log = memoryLog();
    log.logger.info(
      {
        req: { headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' } },
        headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' },
        password: 'p1',
        auth: { pass: 'p2', password: 'p3' },
        body: 'MIME body',
        request: { body: 'x', mime: 'y' },
      },
      'test',
    );
    const [entry] = log.entries();
    assert.ok(entry);
    const text = JSON.stringify(entry);
    for (const secret of ['YWxpY2U6c2VjcmV0', 'p1', 'p2', 'p3', 'MIME body']) assert.ok(!text.includes(secret), `${secret} redacted in ${text}`);
    assert.equal(entry.password, '[redacted]');
  });

  it('respects the configured level', () => {
    const log = memoryLog('info');
    log.logger.debug('hidden');
    log.logger.info('shown');
    assert.deepEqual(log.entries().map((e) => e.msg), ['shown']);
  });
});
