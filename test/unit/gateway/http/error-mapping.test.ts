import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AuthenticationError,
  BackendUnavailableError,
  BadRequestError,
  CommandNotImplementedError,
  MalformedWbxmlError,
  PayloadTooLargeError,
  UnsupportedProtocolVersionError,
} from '../../../../gateway/errors.js';
import { mapError } from '../../../../gateway/http/error-mapping.js';

describe('mapError', () => {
  const cases: Array<[string, unknown, number, Record<string, string>, string]> = [
    ['bad request', new BadRequestError('missing-command', 'x'), 400, {}, 'missing-command'],
    ['malformed WBXML', new MalformedWbxmlError(Object.assign(new Error('x'), { offset: 7, reason: 'truncated' })), 400, {}, 'malformed-wbxml'],
    ['unknown command', new CommandNotImplementedError('Bogus', false), 501, {}, 'unknown-command'],
    ['unimplemented command', new CommandNotImplementedError('Sync', true), 501, {}, 'command-not-implemented'],
    ['bad version', new UnsupportedProtocolVersionError('3.0', ['14.1', '16.1']), 400, { 'MS-ASProtocolVersions': '14.1,16.1' }, 'unsupported-protocol-version'],
    ['too large', new PayloadTooLargeError(10), 413, {}, 'body-too-large'],
    ['no credentials', new AuthenticationError('missing-credentials', 'x'), 401, { 'WWW-Authenticate': 'Basic realm="easgate"' }, 'missing-credentials'],
    ['backend down', new BackendUnavailableError('imap', 'down'), 503, { 'Retry-After': '42' }, 'backend-unavailable'],
    ['backend down with its own estimate', new BackendUnavailableError('imap', 'down', { retryAfterSeconds: 5 }), 503, { 'Retry-After': '5' }, 'backend-unavailable'],
    ['unclassified ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 503, { 'Retry-After': '42' }, 'backend-unavailable'],
    ['a bug', new TypeError('x is undefined'), 500, {}, 'internal-error'],
    ['a thrown string', 'oops', 500, {}, 'internal-error'],
  ];
  for (const [name, err, status, headers, reason] of cases) {
    it(`${name} -> ${status}`, () => {
      const m = mapError(err, 42);
      assert.equal(m.status, status);
      assert.deepEqual(m.headers, headers);
      assert.equal(m.reason, reason);
      assert.equal(m.unexpected, status === 500 || (status === 503 && !(err instanceof BackendUnavailableError)));
    });
  }

  it('MalformedWbxmlError keeps the codec offset and reason', () => {
    const e = new MalformedWbxmlError(Object.assign(new Error('x'), { offset: 7, reason: 'truncated' }));
    assert.equal(e.offset, 7);
    assert.equal(e.codecReason, 'truncated');
    assert.match(e.message, /offset 7/);
  });
});
