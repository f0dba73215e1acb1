import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { BadRequestError, PayloadTooLargeError } from '../../../../gateway/errors.js';
import { checkDeclaredLength, readBody } from '../../../../gateway/http/body.js';

/** Enough of an IncomingMessage for readBody: a stream with headers. */
function fakeRequest(headers: Record<string, string> = {}): PassThrough & { headers: Record<string, string> } {
  return Object.assign(new PassThrough(), { headers });
}
const asReq = (r: PassThrough): IncomingMessage => r as unknown as IncomingMessage;

describe('request body limits', () => {
  it('refuses a declared Content-Length over the limit without reading anything', async () => {
    const req = fakeRequest({ 'content-length': '2049' });
    let read = false;
    req.on('data', () => (read = true));
    req.pause();
    await assert.rejects(readBody(asReq(req), 2048), (e: unknown) => e instanceof PayloadTooLargeError && e.declared === 2049 && e.httpStatus === 413);
    assert.equal(read, false);
  });

  it('refuses a Content-Length that is not a number', () => {
    assert.throws(() => checkDeclaredLength(asReq(fakeRequest({ 'content-length': '12abc' })), 10), (e: unknown) => e instanceof BadRequestError);
  });

  it('reads a body up to the limit exactly', async () => {
    const req = fakeRequest();
    const done = readBody(asReq(req), 8);
    req.end(Buffer.from('12345678'));
    assert.equal((await done).toString(), '12345678');
  });

  it('counts a chunked body and stops reading as soon as it crosses the limit', async () => {
    const req = fakeRequest();
    const done = readBody(asReq(req), 10);
    req.write(Buffer.from('123456'));
    req.write(Buffer.from('7890AB'));
    await assert.rejects(done, (e: unknown) => e instanceof PayloadTooLargeError && e.declared === undefined);
    assert.equal(req.isPaused(), true, 'paused, so no more of the body is pulled in');
    assert.equal(req.destroyed, false, 'not destroyed, so the 413 can still be sent');
    assert.equal(req.listenerCount('data'), 0);
  });

  it('reports a client that goes away', async () => {
    const req = fakeRequest();
    const done = readBody(asReq(req), 100);
    req.emit('aborted');
    await assert.rejects(done, (e: unknown) => e instanceof BadRequestError && e.reason === 'client-aborted');
  });
});
