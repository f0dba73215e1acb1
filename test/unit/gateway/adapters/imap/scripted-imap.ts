/**
 * A scripted IMAP server for the folder listing: a fixed set of mailboxes, and switches for
 * the server differences the adapter must handle (LIST-STATUS or not, X-GUID known or not,
 * OBJECTID, namespaces), which one real Dovecot cannot show at once.
 */
import net from 'node:net';

export interface ScriptedMailbox {
  /** As on the wire (modified UTF-7). */
  readonly name: string;
  readonly flags?: readonly string[];
  /** X-GUID, or MAILBOXID when the server has OBJECTID. */
  readonly id?: string;
}

export interface ScriptOptions {
  /** Capabilities after login, besides IMAP4rev1. */
  readonly capabilities: readonly string[];
  readonly mailboxes: readonly ScriptedMailbox[];
  /** The NAMESPACE response's arguments. */
  readonly namespace?: string;
  /** Answer BAD to any request for X-GUID (a non-Dovecot server). */
  readonly rejectXGuid?: boolean;
}

export interface ScriptedImap {
  readonly port: number;
  /** Every command line received, tag stripped. */
  readonly commands: string[];
  close(): Promise<void>;
}

const quote = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

export async function startScriptedImap(opts: ScriptOptions): Promise<ScriptedImap> {
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();
  const objectId = opts.capabilities.includes('OBJECTID');
  const idItem = (m: ScriptedMailbox): string => (objectId ? `MAILBOXID (${m.id})` : `X-GUID ${m.id}`);
  const selectable = (m: ScriptedMailbox): boolean => !(m.flags ?? []).includes('\\Noselect') && m.id !== undefined;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write('* OK scripted ready\r\n');
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      for (let eol = buffered.indexOf('\r\n'); eol >= 0; eol = buffered.indexOf('\r\n')) {
        const line = buffered.slice(0, eol);
        buffered = buffered.slice(eol + 2);
        const [tag = '*', verb = ''] = line.split(' ');
        const rest = line.slice(tag.length + verb.length + 2);
        commands.push(verb.toUpperCase() === 'LOGIN' ? 'LOGIN ***' : `${verb.toUpperCase()} ${rest}`.trim());
        const out: string[] = [];
        const asksId = /X-GUID|MAILBOXID/i.test(rest);
        switch (verb.toUpperCase()) {
          case 'CAPABILITY':
            out.push('* CAPABILITY IMAP4rev1', `${tag} OK done`);
            break;
          case 'LOGIN':
            out.push(`${tag} OK [CAPABILITY IMAP4rev1 ${opts.capabilities.join(' ')}] logged in`);
            break;
          case 'NAMESPACE':
            out.push(`* NAMESPACE ${opts.namespace ?? '(("" "/")) NIL NIL'}`, `${tag} OK done`);
            break;
          case 'LIST':
            if (asksId && opts.rejectXGuid && /X-GUID/i.test(rest)) {
              out.push(`${tag} BAD unknown status item`);
              break;
            }
            for (const m of opts.mailboxes) {
              out.push(`* LIST (${(m.flags ?? []).join(' ')}) "/" ${quote(m.name)}`);
              if (asksId && selectable(m)) out.push(`* STATUS ${quote(m.name)} (${idItem(m)})`);
            }
            out.push(`${tag} OK listed`);
            break;
          case 'STATUS': {
            if (opts.rejectXGuid && /X-GUID/i.test(rest)) {
              out.push(`${tag} BAD unknown status item`);
              break;
            }
            const m = opts.mailboxes.find((x) => rest.startsWith(`${quote(x.name)} `) || rest.startsWith(`${x.name} `));
            if (!m || !selectable(m)) out.push(`${tag} NO [NONEXISTENT] no such mailbox`);
            else out.push(`* STATUS ${quote(m.name)} (${idItem(m)})`, `${tag} OK status`);
            break;
          }
          case 'LOGOUT':
            socket.end(`* BYE bye\r\n${tag} OK logged out\r\n`);
            continue;
          default:
            out.push(`${tag} OK ${verb.toLowerCase()} done`);
        }
        socket.write(out.map((l) => `${l}\r\n`).join(''));
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
