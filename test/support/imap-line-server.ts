/**
 * The socket plumbing every scripted IMAP server in the tests shares: a loopback listener,
 * CRLF line splitting, a log of received commands (passwords masked) and a close that also
 * cuts open connections. Each fake only says what it answers to a line.
 */
import net from 'node:net';

export interface ImapCommandLine {
  readonly tag: string;
  /** Upper case. */
  readonly verb: string;
  /** Everything after the verb. */
  readonly rest: string;
}

/** The lines to write back (CRLF added), or `{ end }` to write them and close the connection. */
export type ImapReply = readonly string[] | { readonly end: readonly string[] };

export interface ImapLineServer {
  readonly port: number;
  /** Commands received, tag stripped, LOGIN/AUTHENTICATE arguments after the user masked. */
  readonly commands: string[];
  close(): Promise<void>;
}

export async function startImapLineServer(opts: {
  /** null: never greet. */
  readonly greeting: string | null;
  readonly encoding?: BufferEncoding;
  readonly answer: (cmd: ImapCommandLine) => ImapReply;
}): Promise<ImapLineServer> {
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (opts.greeting !== null) socket.write(`${opts.greeting}\r\n`);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString(opts.encoding ?? 'utf8');
      for (let eol = buffered.indexOf('\r\n'); eol >= 0; eol = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, eol);
        buffered = buffered.slice(eol + 2);
        const [tag = '*', word = ''] = line.split(' ');
        const verb = word.toUpperCase();
        const rest = line.slice(tag.length + word.length + 2);
        const secret = verb === 'LOGIN' || verb === 'AUTHENTICATE';
        commands.push(secret ? `${verb} ${rest.split(' ')[0] ?? ''} ***` : `${verb} ${rest}`.trim());
        const reply = opts.answer({ tag, verb, rest });
        const crlf = (lines: readonly string[]): string => lines.map((l) => `${l}\r\n`).join('');
        if ('end' in reply) socket.end(crlf(reply.end));
        else socket.write(crlf(reply));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    commands,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
