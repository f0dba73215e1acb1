/**
 * SmtpMailSubmit against a scripted SMTP server (the real Postfix is in test/integration/send):
 * AUTH with the user's credentials, the envelope as given, the message byte for byte, and each
 * way a server refuses mapped to the port's errors.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { classifySmtpError } from '../../../../../gateway/adapters/smtp/smtp-errors.js';
import { SmtpMailSubmit } from '../../../../../gateway/adapters/smtp/smtp-submit.js';
import { configSchema } from '../../../../../gateway/config/schema.js';
import { BackendUnavailableError } from '../../../../../gateway/errors.js';
import { BackendCredentials } from '../../../../../gateway/ports/credentials.js';
import { SubmissionRejectedError } from '../../../../../gateway/ports/mail-submit.js';
import { closedPort } from '../../../../support/backing.js';

interface Script {
  greeting?: string;
  auth?: string;
  rcpt?: (address: string) => string;
  data?: string;
}

interface Session { auth?: string; mailFrom?: string; rcpt: string[]; data: string }

/** A line-based SMTP server that does what the script says and records what it heard. */
async function smtpServer(script: Script): Promise<{ port: number; sessions: Session[]; close(): Promise<void> }> {
  const sessions: Session[] = [];
  const server = net.createServer((socket) => {
    const s: Session = { rcpt: [], data: '' };
    sessions.push(s);
    let inData = false;
    let buffer = '';
    socket.write(`${script.greeting ?? '220 fake ESMTP'}\r\n`);
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let i = buffer.indexOf('\r\n'); i >= 0; i = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            socket.write(`${script.data ?? '250 2.0.0 queued'}\r\n`);
          } else s.data += `${line.startsWith('..') ? line.slice(1) : line}\r\n`;
          continue;
        }
        const verb = line.split(' ')[0]!.toUpperCase();
        if (verb === 'EHLO') socket.write('250-fake\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n');
        else if (verb === 'AUTH') {
          s.auth = Buffer.from(line.split(' ')[2] ?? '', 'base64').toString();
          socket.write(`${script.auth ?? '235 2.7.0 ok'}\r\n`);
        } else if (verb === 'MAIL') {
          s.mailFrom = /<(.*)>/.exec(line)?.[1];
          socket.write('250 2.1.0 ok\r\n');
        } else if (verb === 'RCPT') {
          const address = /<(.*)>/.exec(line)?.[1] ?? '';
          const reply = script.rcpt?.(address) ?? '250 2.1.5 ok';
          if (reply.startsWith('2')) s.rcpt.push(address);
          socket.write(`${reply}\r\n`);
        } else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else if (verb === 'RSET') socket.write('250 ok\r\n');
        else socket.write('502 5.5.2 unknown\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  return { port, sessions, close: () => new Promise((r) => { server.close(() => r()); }) };
}

const credentials = new BackendCredentials('alice@example.com', 'alice-secret');
const message = Buffer.from('From: alice@example.com\r\nTo: bob@example.com\r\nSubject: s\r\n\r\n.leading dot\r\nbody\r\n');
const submitter = (port: number, signal = new AbortController().signal) =>
  new SmtpMailSubmit(configSchema.parse({ smtp: { host: '127.0.0.1', port, connectTimeoutMs: 1000 } }).smtp, credentials, signal);

describe('SmtpMailSubmit', () => {
  const servers: { close(): Promise<void> }[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  it('authenticates as the user and sends the envelope and the message as given', async () => {
    const srv = await smtpServer({});
    servers.push(srv);
    const result = await submitter(srv.port).submit({ from: 'alice@example.com', to: ['bob@example.com', 'carol@x.org'] }, message);
    assert.deepEqual(result, { accepted: ['bob@example.com', 'carol@x.org'], rejected: [] });
    const s = srv.sessions[0]!;
    assert.equal(s.auth, '\0alice@example.com\0alice-secret');
    assert.equal(s.mailFrom, 'alice@example.com');
    assert.deepEqual(s.rcpt, ['bob@example.com', 'carol@x.org']);
    assert.equal(s.data, message.toString('latin1'));
  });

  it('reports recipients refused while others were taken', async () => {
    const srv = await smtpServer({ rcpt: (a) => (a.startsWith('nobody') ? '550 5.1.1 unknown user' : '250 ok') });
    servers.push(srv);
    const result = await submitter(srv.port).submit({ from: 'alice@example.com', to: ['bob@example.com', 'nobody@example.com'] }, message);
    assert.deepEqual(result, { accepted: ['bob@example.com'], rejected: ['nobody@example.com'] });
  });

  const refusals: [string, Script, string, number | undefined][] = [
    ['every recipient refused', { rcpt: () => '550 5.1.1 unknown user' }, 'recipients', 550],
    ['the message refused', { data: '554 5.7.1 rejected' }, 'message', 554],
    ['too large', { data: '552 5.3.4 Message size exceeds fixed limit' }, 'too-large', 552],
    ['credentials refused', { auth: '535 5.7.8 authentication failed' }, 'auth', 535],
  ];
  for (const [what, script, refusal, code] of refusals) {
    it(`${what}: SubmissionRejectedError ${refusal}`, async () => {
      const srv = await smtpServer(script);
      servers.push(srv);
      await assert.rejects(submitter(srv.port).submit({ from: 'alice@example.com', to: ['bob@example.com'] }, message), (err) => {
        assert.ok(err instanceof SubmissionRejectedError, String(err));
        assert.equal(err.refusal, refusal);
        assert.equal(err.smtpCode, code);
        assert.doesNotMatch(err.message, /alice-secret/);
        return true;
      });
    });
  }

  it('a server that is not there, or answers 421, is BackendUnavailableError', async () => {
    await assert.rejects(submitter(await closedPort()).submit({ from: 'a@x', to: ['b@x'] }, message), BackendUnavailableError);
    const srv = await smtpServer({ greeting: '421 4.3.2 shutting down' });
    servers.push(srv);
    await assert.rejects(submitter(srv.port).submit({ from: 'a@x', to: ['b@x'] }, message), BackendUnavailableError);
  });

  it('does not start once the request is aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('client went away'));
    await assert.rejects(submitter(1, ac.signal).submit({ from: 'a@x', to: ['b@x'] }, message), /client went away/);
  });

  it('classifies what nodemailer throws', () => {
    assert.ok(classifySmtpError(Object.assign(new Error('x'), { code: 'ECONNECTION' })) instanceof BackendUnavailableError);
    assert.ok(classifySmtpError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' })) instanceof BackendUnavailableError);
    const sender = classifySmtpError(Object.assign(new Error('x'), { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553 }));
    assert.ok(sender instanceof SubmissionRejectedError && sender.refusal === 'sender' && !sender.transient);
    const deferred = classifySmtpError(Object.assign(new Error('x'), { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 450 }));
    assert.ok(deferred instanceof SubmissionRejectedError && deferred.refusal === 'recipients' && deferred.transient);
    const other = new Error('odd');
    assert.equal(classifySmtpError(other), other);
  });
});
