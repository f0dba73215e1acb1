/**
 * A scripted IMAP server on loopback, for the cases a real Dovecot will not produce on
 * demand: a temporary [UNAVAILABLE] refusal, a wrong greeting, a server that never speaks.
 */
import net from 'node:net';

export type LoginReply = 'ok' | 'authenticationfailed' | 'unavailable';

export interface FakeImapServer {
  readonly port: number;
  /** Commands received, tag stripped and passwords masked ("LOGIN alice ***"). */
  readonly commands: string[];
  close(): Promise<void>;
}

export async function startFakeImap(opts: { greeting?: string | null; login?: LoginReply } = {}): Promise<FakeImapServer> {
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (opts.greeting !== null) socket.write(`${opts.greeting ?? '* OK [CAPABILITY IMAP4rev1] fake ready'}\r\n`);
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      for (let eol = buffered.indexOf('\r\n'); eol >= 0; eol = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, eol);
        buffered = buffered.slice(eol + 2);
        const [tag = '*', command = '', ...args] = line.split(' ');
        const verb = command.toUpperCase();
        commands.push(verb === 'LOGIN' || verb === 'AUTHENTICATE' ? `${verb} ${args[0] ?? ''} ***` : `${verb} ${args.join(' ')}`.trim());
        if (verb === 'CAPABILITY') socket.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
        else if (verb === 'LOGIN') {
          const reply = opts.login ?? 'ok';
          if (reply === 'ok') socket.write(`${tag} OK [CAPABILITY IMAP4rev1] logged in\r\n`);
          else if (reply === 'unavailable') socket.write(`${tag} NO [UNAVAILABLE] try again later\r\n`);
          else socket.write(`${tag} NO [AUTHENTICATIONFAILED] Authentication failed.\r\n`);
        } else if (verb === 'LOGOUT') {
          socket.end(`* BYE bye\r\n${tag} OK logged out\r\n`);
        } else socket.write(`${tag} OK ${verb.toLowerCase()} done\r\n`);
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
