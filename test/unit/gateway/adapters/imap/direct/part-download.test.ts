/**
 * The direct part reader against a scripted IMAP server on loopback: it logs in with
 * AUTHENTICATE PLAIN, EXAMINEs, checks UIDVALIDITY and streams one FETCH literal (written in
 * odd-sized pieces, after another section's literal it must skip) to a slow reader that copies
 * each lent chunk; and the ways a server lets it down: the connection dropped mid-literal, a
 * literal shorter than the part, no FETCH row, another UIDVALIDITY, a refused login.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { DirectUnavailable, OUT_BYTES, openDirectPart, type DirectPartRequest } from '../../../../../../gateway/adapters/imap/direct/part-download.js';
import { mailboxName } from '../../../../../../gateway/adapters/imap/direct/wire.js';
import { BackendUnavailableError } from '../../../../../../gateway/errors.js';
import { BackendCredentials } from '../../../../../../gateway/ports/credentials.js';
import { MailBackendError, MessageNotFoundError } from '../../../../../../gateway/ports/mail-messages.js';

type FetchScript = 'whole' | 'drop' | 'short' | 'gone';

interface Scripted {
  port: number;
  commands: string[];
  literal: Buffer;
  fetch: FetchScript;
  close(): void;
}

async function scriptedServer(secure?: tls.TlsOptions): Promise<Scripted> {
  const s: Scripted = { port: 0, commands: [], literal: Buffer.alloc(0), fetch: 'whole', close: () => undefined };
  const sockets = new Set<net.Socket>();
  const onConnection = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.write('* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] scripted\r\n');
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let eol = buffered.indexOf('\r\n'); eol >= 0; eol = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, eol);
        buffered = buffered.slice(eol + 2);
        const [tag, verb = ''] = line.split(' ');
        s.commands.push(verb === 'AUTHENTICATE' ? `AUTHENTICATE ${Buffer.from(line.split(' ')[3] ?? '', 'base64').toString('latin1').replace(/\0/g, '|')}` : line.slice(tag!.length + 1));
        if (verb === 'AUTHENTICATE') socket.write(line.endsWith(Buffer.from('\0alice\0secret').toString('base64')) ? `${tag} OK logged in\r\n` : `${tag} NO [AUTHENTICATIONFAILED] no\r\n`);
        else if (verb === 'EXAMINE') socket.write(`* 2 EXISTS\r\n* OK [UIDVALIDITY 42] ok\r\n${tag} OK [READ-ONLY] done\r\n`);
        else if (verb === 'UID') void answerFetch(socket, tag!, s);
        else if (verb === 'LOGOUT') socket.end(`* BYE bye\r\n${tag} OK done\r\n`);
      }
    });
  };
  const server = secure ? tls.createServer(secure, onConnection) : net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  s.port = (server.address() as AddressInfo).port;
  s.close = () => {
    for (const sock of sockets) sock.destroy();
    server.close();
  };
  return s;
}

/** The FETCH answer in pieces of 1 to 100,000 bytes, so literals and lines split anywhere. */
async function answerFetch(socket: net.Socket, tag: string, s: Scripted): Promise<void> {
  if (s.fetch === 'gone') {
    socket.write(`${tag} OK nothing\r\n`);
    return;
  }
  const body = s.fetch === 'short' ? s.literal.subarray(0, s.literal.length - 400) : s.literal;
  const whole = Buffer.concat([Buffer.from('* 1 FETCH (BODY[1] {5}\r\nhello)\r\n'), Buffer.from(`* 2 FETCH (UID 7 BODY[2] {${body.length}}\r\n`), body, Buffer.from(`)\r\n${tag} OK done\r\n`)]);
  const cut = s.fetch === 'drop' ? Math.floor(whole.length / 2) : whole.length;
  for (let i = 0; i < cut; ) {
    const n = Math.min(cut - i, 1 + Math.floor(Math.random() * 100_000));
    if (!socket.write(whole.subarray(i, i + n))) await new Promise((r) => socket.once('drain', r));
    i += n;
  }
  if (s.fetch === 'drop') socket.destroy();
}

function request(s: Scripted, over: Partial<DirectPartRequest> = {}): DirectPartRequest {
  return {
    endpoint: { host: '127.0.0.1', port: s.port, secure: false, rejectUnauthorized: true, connectTimeoutMs: 2000 },
    credentials: new BackendCredentials('alice', 'secret'),
    box: { path: 'Attachments', uidValidity: 42 },
    uid: 7,
    part: '2',
    encoding: 'base64',
    length: Number.MAX_SAFE_INTEGER,
    signal: new AbortController().signal,
    ...over,
  };
}

/** Reads slowly (so the reader pauses the socket) and copies each lent chunk. */
async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<{ data: Buffer; count: number }> {
  const parts: Buffer[] = [];
  for await (const c of chunks) {
    parts.push(Buffer.from(c));
    await new Promise((r) => setTimeout(r, 2));
  }
  return { data: Buffer.concat(parts), count: parts.length };
}

describe('openDirectPart', () => {
  let s: Scripted;
  const data = randomBytes(3 * 1024 * 1024 + 5);
  const base64 = Buffer.from(data.toString('base64').replace(/.{76}/g, '$&\r\n'), 'latin1');
  before(async () => {
    s = await scriptedServer();
  });
  after(() => s.close());

  it('streams the decoded part in lent chunks, skipping another section, and logs out', async () => {
    Object.assign(s, { literal: base64, fetch: 'whole', commands: [] });
    const got = await readAll(await openDirectPart(request(s)));
    assert.ok(got.data.equals(data));
    assert.ok(got.count >= Math.floor(data.length / OUT_BYTES));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(s.commands, ['AUTHENTICATE |alice|secret', 'EXAMINE "Attachments"', 'UID FETCH 7 (UID BODY.PEEK[2])', 'LOGOUT']);
  });

  it('copies an identity-encoded part as it is, and stops at the length asked for', async () => {
    Object.assign(s, { literal: data, fetch: 'whole' });
    const identity = (await readAll(await openDirectPart(request(s, { encoding: 'identity' })))).data;
    assert.equal(identity.length, data.length);
    assert.ok(identity.equals(data));
    Object.assign(s, { literal: base64 });
    assert.ok((await readAll(await openDirectPart(request(s, { length: 1000 })))).data.equals(data.subarray(0, 1000)));
  });

  it('a connection dropped mid-literal fails the read with BackendUnavailableError', async () => {
    Object.assign(s, { literal: base64, fetch: 'drop' });
    await assert.rejects(readAll(await openDirectPart(request(s, { length: data.length }))), BackendUnavailableError);
  });

  it('a literal shorter than the part fails with MailBackendError; no FETCH row with MessageNotFoundError', async () => {
    Object.assign(s, { literal: base64, fetch: 'short' });
    await assert.rejects(readAll(await openDirectPart(request(s, { length: data.length }))), MailBackendError);
    Object.assign(s, { fetch: 'gone' });
    await assert.rejects(readAll(await openDirectPart(request(s, { length: data.length }))), MessageNotFoundError);
  });

  it('another UIDVALIDITY or a refused login close the route before any content (DirectUnavailable)', async () => {
    Object.assign(s, { fetch: 'whole' });
    await assert.rejects(openDirectPart(request(s, { box: { path: 'Attachments', uidValidity: 43 } })), DirectUnavailable);
    await assert.rejects(openDirectPart(request(s, { credentials: new BackendCredentials('alice', 'wrong') })), DirectUnavailable);
  });

  it('an aborted request stops the download', async () => {
    Object.assign(s, { literal: base64, fetch: 'whole' });
    const ac = new AbortController();
    const chunks = await openDirectPart(request(s, { signal: ac.signal, length: data.length }));
    const read = (async () => {
      for await (const c of chunks) {
        void c;
        ac.abort();
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await assert.rejects(read, /request aborted/);
  });
});

/** A throwaway self-signed certificate, or undefined where there is no openssl to make one. */
function selfSigned(): tls.TlsOptions | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'easgate-direct-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('openDirectPart over implicit TLS', () => {
  const cert = selfSigned();
  it('reads through tls.connect with the same reused buffer', { skip: cert ? false : 'no openssl to make a certificate' }, async () => {
    const s = await scriptedServer(cert);
    try {
      const data = randomBytes(2 * 1024 * 1024 + 1);
      Object.assign(s, { literal: Buffer.from(data.toString('base64').replace(/.{76}/g, '$&\r\n'), 'latin1'), fetch: 'whole' });
      const req = request(s);
      const got = await readAll(await openDirectPart({ ...req, endpoint: { ...req.endpoint, secure: true, rejectUnauthorized: false } }));
      assert.ok(got.data.equals(data));
    } finally {
      s.close();
    }
  });
});

describe('mailboxName', () => {
  it('quotes, and writes non-ASCII names in modified UTF-7', () => {
    assert.equal(mailboxName('INBOX'), '"INBOX"');
    assert.equal(mailboxName('a "b" \\c'), '"a \\"b\\" \\\\c"');
    assert.equal(mailboxName('Entwürfe'), '"Entw&APw-rfe"');
    assert.equal(mailboxName('R&D/日本語'), '"R&-D/&ZeVnLIqe-"');
  });
});
