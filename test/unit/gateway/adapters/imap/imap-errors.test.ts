import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyImapError } from '../../../../../gateway/adapters/imap/imap-errors.js';
import { BackendUnavailableError } from '../../../../../gateway/errors.js';
import { FolderExistsError, FolderNotFoundError, InvalidFolderNameError, MailBackendError } from '../../../../../gateway/ports/mail-store.js';

/** What imapflow throws for a tagged NO/BAD: the parsed response with its [CODE] section. */
const tagged = (status: 'NO' | 'BAD', code?: string) =>
  Object.assign(new Error('Command failed'), {
    responseStatus: status,
    response: { attributes: code ? [{ type: 'ATOM', value: '', section: [{ type: 'ATOM', value: code }] }] : [] },
  });

describe('classifyImapError', () => {
  it('maps RFC 5530 response codes to the MailStore refusals', () => {
    assert.ok(classifyImapError(tagged('NO', 'ALREADYEXISTS'), 'CREATE') instanceof FolderExistsError);
    assert.ok(classifyImapError(tagged('NO', 'NONEXISTENT'), 'RENAME') instanceof FolderNotFoundError);
    assert.ok(classifyImapError(tagged('NO', 'CANNOT'), 'CREATE') instanceof InvalidFolderNameError);
    assert.ok(classifyImapError(Object.assign(tagged('NO'), { serverResponseCode: 'ALREADYEXISTS' }), 'RENAME') instanceof FolderExistsError);
  });

  it('a temporary refusal is "come back later" (503)', () => {
    for (const code of ['UNAVAILABLE', 'INUSE']) assert.ok(classifyImapError(tagged('NO', code), 'LIST') instanceof BackendUnavailableError, code);
  });

  it('any other NO or BAD is a backend failure (Status 6), without the server text', () => {
    const e = classifyImapError(Object.assign(tagged('NO', 'OVERQUOTA'), { responseText: 'mailbox "secret" full' }), 'CREATE');
    assert.ok(e instanceof MailBackendError);
    assert.match(e.message, /OVERQUOTA/);
    assert.doesNotMatch(e.message, /secret/);
    assert.ok(classifyImapError(tagged('BAD'), 'LIST') instanceof MailBackendError);
  });

  it('no tagged answer at all (socket closed, timeout) is the backend being unavailable', () => {
    for (const err of [Object.assign(new Error('Connection not available'), { code: 'NoConnection' }), Object.assign(new Error('x'), { code: 'ETIMEOUT' })]) {
      assert.ok(classifyImapError(err, 'LIST') instanceof BackendUnavailableError);
    }
  });

  it('typed errors pass through unchanged', () => {
    const e = new FolderExistsError('x');
    assert.equal(classifyImapError(e, 'CREATE'), e);
  });
});
