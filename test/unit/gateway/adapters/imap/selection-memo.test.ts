/**
 * SelectionMemo: what one request learnt about a session's selection holds only for that session,
 * that mailbox under that UIDVALIDITY, while it stays selected, and for FRESH_MS.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImapFlow } from 'imapflow';
import { SelectionMemo } from '../../../../../gateway/adapters/imap/selection.js';

type Box = { path: string; uidValidity: bigint } | false;
const client = (mailbox: Box): ImapFlow => ({ mailbox }) as unknown as ImapFlow;
const reselect = (c: ImapFlow, mailbox: Box): void => {
  (c as unknown as { mailbox: Box }).mailbox = mailbox;
};
const status = { uidValidity: '7', uidNext: 11, highestModSeq: '42' };

describe('SelectionMemo', () => {
  it('answers for the session, mailbox and UIDVALIDITY it saw, within FRESH_MS', () => {
    let now = 1000;
    const memo = new SelectionMemo(() => now);
    const a = client({ path: 'INBOX', uidValidity: 7n });
    const b = client({ path: 'INBOX', uidValidity: 7n });
    assert.equal(memo.refreshed(a, 'INBOX'), false);
    memo.noteRefreshed(a);
    memo.noteStatus(a, 'INBOX', status, true);
    assert.equal(memo.refreshed(a, 'INBOX'), true);
    assert.deepEqual(memo.status(a, 'INBOX', true), status);
    assert.equal(memo.refreshed(b, 'INBOX'), false, 'another session');
    assert.equal(memo.refreshed(a, 'Sent'), false, 'another mailbox');
    now += SelectionMemo.FRESH_MS + 1;
    assert.equal(memo.refreshed(a, 'INBOX'), false, 'too old');
    assert.equal(memo.status(a, 'INBOX', true), undefined);
  });

  it('forgets a selection the session left or that changed UIDVALIDITY', () => {
    const memo = new SelectionMemo(() => 0);
    const a = client({ path: 'INBOX', uidValidity: 7n });
    memo.noteRefreshed(a);
    reselect(a, false);
    assert.equal(memo.refreshed(a, 'INBOX'), false, 'unselected');
    reselect(a, { path: 'INBOX', uidValidity: 8n });
    assert.equal(memo.refreshed(a, 'INBOX'), false, 'recreated under the same name');
  });

  it('keeps a status only with what was asked: one without HIGHESTMODSEQ does not answer a question for it', () => {
    const memo = new SelectionMemo(() => 0);
    const a = client({ path: 'INBOX', uidValidity: 7n });
    memo.noteStatus(a, 'INBOX', status, true);
    assert.equal(memo.status(a, 'INBOX', false), undefined, 'nothing kept without a refresh first');
    memo.noteRefreshed(a);
    memo.noteStatus(a, 'INBOX', { ...status, highestModSeq: null }, false);
    assert.equal(memo.status(a, 'INBOX', true), undefined);
    assert.ok(memo.status(a, 'INBOX', false));
    memo.noteStatus(a, 'INBOX', { ...status, uidValidity: '9' }, true);
    assert.equal(memo.status(a, 'INBOX', true), undefined, 'a status of another UIDVALIDITY than the selection is not kept');
  });
});
