import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthenticationError } from '../../../../../gateway/errors.js';
import { parseBasicAuthorization } from '../../../../../gateway/http/auth/basic.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('parseBasicAuthorization', () => {
  it('splits at the first colon, so passwords may contain colons', () => {
    assert.deepEqual(parseBasicAuthorization(`Basic ${b64('alice@example.com:pa:ss')}`), { username: 'alice@example.com', password: 'pa:ss' });
  });
  it('accepts any case of the scheme and UTF-8 credentials', () => {
    assert.deepEqual(parseBasicAuthorization(`basic ${b64('jürgen:pässword')}`), { username: 'jürgen', password: 'pässword' });
  });
  it('is undefined without a header', () => {
    assert.equal(parseBasicAuthorization(undefined), undefined);
    assert.equal(parseBasicAuthorization('  '), undefined);
  });
  for (const header of ['Bearer abc', `Basic ${b64('no-colon')}`, `Basic ${b64(':password-only')}`, 'Basic', 'Basic !!!']) {
    it(`refuses ${JSON.stringify(header)} without echoing it`, () => {
      assert.throws(
        () => parseBasicAuthorization(header),
        (err: unknown) => err instanceof AuthenticationError && err.httpStatus === 401 && !err.message.includes('password-only'),
      );
    });
  }
});
