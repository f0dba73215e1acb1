/**
 * fetchRows against a scripted server: rows come to the callback in order whether the tokenizer
 * or imapflow read them, rows of other commands are not taken, and a callback that throws on a
 * row is handed the row again through imapflow (which logs and skips it) without breaking the
 * connection.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ImapFlow } from 'imapflow';
import { fetchRows, hookFetchRows } from '../../../../../gateway/adapters/imap/fetch-rows.js';
import type { ImapAttribute, ImapToken } from '../../../../../gateway/adapters/imap/raw-exec.js';
import { startImapLineServer, type ImapLineServer } from '../../../../support/imap-line-server.js';

const ROWS = [
  '* 1 FETCH (UID 10 FLAGS (\\Seen))',
  // Two flags without a space: imapflow splits them, the tokenizer leaves the line to it.
  '* 2 FETCH (UID 11 FLAGS (\\Seen\\Flagged))',
  '* 3 FETCH (UID 12 FLAGS () BODY[1]<0> {5}',
];

describe('fetchRows', () => {
  let server: ImapLineServer;
  let client: ImapFlow;

  before(async () => {
    server = await startImapLineServer({
      greeting: '* OK ready',
      answer: ({ tag, verb, rest }) => {
        if (verb === 'CAPABILITY') return ['* CAPABILITY IMAP4rev1', `${tag} OK done`];
        if (verb === 'LOGIN') return [`${tag} OK [CAPABILITY IMAP4rev1] in`];
        if (verb === 'SELECT' || verb === 'EXAMINE') return ['* 3 EXISTS', '* OK [UIDVALIDITY 7] x', '* OK [UIDNEXT 13] x', `${tag} OK [READ-ONLY] done`];
        if (verb === 'NOOP') return ['* 1 FETCH (UID 10 FLAGS (\\Answered))', `${tag} OK done`];
        if (verb === 'UID' && rest.startsWith('FETCH')) return [...ROWS.slice(0, 2), `${ROWS[2]}\r\nhello)`, `${tag} OK done`];
        if (verb === 'LOGOUT') return { end: ['* BYE', `${tag} OK bye`] };
        return [`${tag} OK done`];
      },
    });
    client = new ImapFlow({ host: '127.0.0.1', port: server.port, secure: false, auth: { user: 'u', pass: 'p' }, logger: false, disableAutoIdle: true });
    client.on('error', () => undefined);
    await client.connect();
    await client.mailboxOpen('INBOX', { readOnly: true });
  });

  after(async () => {
    await client.logout().catch(() => undefined);
    await server.close();
  });

  const uidOf = (list: ImapAttribute[]): string => String((list[1] as ImapToken).value);
  const flagsOf = (list: ImapAttribute[]): string[] => (list[3] as ImapToken[]).map((t) => String(t.value));

  it('hands every row over in order, read by whichever parser takes it', async () => {
    assert.equal(hookFetchRows(client), true);
    const got: ImapAttribute[][] = [];
    await fetchRows(client, 'UID FETCH', [{ type: 'SEQUENCE', value: '10:12' }, [{ type: 'ATOM', value: 'FLAGS' }]], (list) => got.push(list));
    assert.deepEqual(got.map(uidOf), ['10', '11', '12']);
    assert.deepEqual(flagsOf(got[1]!), ['\\Seen', '\\Flagged']);
    assert.deepEqual((got[2]![5] as ImapToken).value, Buffer.from('hello'));
  });

  it('leaves rows of other commands to imapflow', async () => {
    const got: ImapAttribute[][] = [];
    const flags: unknown[] = [];
    client.on('flags', (e) => flags.push(e));
    await client.noop();
    await fetchRows(client, 'UID FETCH', [{ type: 'SEQUENCE', value: '10' }, [{ type: 'ATOM', value: 'FLAGS' }]], (list) => got.push(list));
    assert.equal(flags.length, 1, "the NOOP's unsolicited FETCH went to imapflow's own handler");
    assert.equal(got.length, 3);
  });

  it('gives a row its callback threw on to imapflow, which skips it; the connection carries on', async () => {
    const got: string[] = [];
    let calls = 0;
    await fetchRows(client, 'UID FETCH', [{ type: 'SEQUENCE', value: '10:12' }, [{ type: 'ATOM', value: 'FLAGS' }]], (list) => {
      calls++;
      if (uidOf(list) === '10') throw new Error('bad row');
      got.push(uidOf(list));
    });
    assert.deepEqual(got, ['11', '12']);
    assert.equal(calls, 4, 'row 10 twice (tokenizer, then imapflow), the others once');
    await client.noop();
  });
});
