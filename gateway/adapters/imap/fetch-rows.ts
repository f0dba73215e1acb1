/**
 * UID FETCH through imapflow's command queue, with its untagged FETCH rows read by our tokenizer
 * (fetch-tokenizer.ts) instead of imapflow's parser: the view and body fetches of a Sync window
 * spent more CPU in that parser than in everything else the gateway does with the rows.
 *
 * imapflow stays in charge of the connection: it writes the command, splits the socket's bytes
 * into lines and literals, and settles the command on its tagged answer. The hook sits on its
 * per-response handler and takes over only untagged FETCH lines that arrive while a command
 * started here is the one in flight (the request's own options carry the row callback, so no
 * other command's rows are touched). Every other line, and any FETCH line the tokenizer leaves
 * alone, goes to imapflow as before, and from there to the same callback.
 *
 * The hook uses an imapflow internal (`handleResponse`); if a future imapflow renames it, the
 * hook is simply not installed and every row takes imapflow's parser (tested).
 */
import type { ImapFlow } from 'imapflow';
import { tokenizeFetch } from './fetch-tokenizer.js';
import { rawExec, type ImapAttribute } from './raw-exec.js';

const ROWS = Symbol('easgate.fetchRows');
const HOOKED = Symbol('easgate.fetchHook');

type OnRow = (list: ImapAttribute[]) => void;

interface StreamItem {
  payload?: Buffer;
  literals?: Buffer[];
}

interface ClientInternals {
  handleResponse?: (data: StreamItem) => Promise<boolean>;
  currentRequest?: { options?: { [ROWS]?: OnRow } } | null;
  [HOOKED]?: boolean;
}

/** Installs the hook on a client once; false when this imapflow has no handler to hook. */
export function hookFetchRows(client: ImapFlow): boolean {
  const c = client as unknown as ClientInternals;
  if (c[HOOKED]) return true;
  const original = c.handleResponse;
  if (typeof original !== 'function') return false;
  c.handleResponse = async function (this: ClientInternals, data: StreamItem): Promise<boolean> {
    const onRow = this.currentRequest?.options?.[ROWS];
    const payload = data?.payload;
    if (onRow && payload && payload[0] === 0x2a) {
      const line = tokenizeFetch(payload, data.literals ?? []);
      if (line) {
        try {
          onRow(line.list);
          return true;
        } catch {
          // Left to imapflow: it parses the line again, calls the same callback through the
          // untagged handler, and logs and skips the row when it throws there too.
        }
      }
    }
    return original.call(this, data);
  };
  c[HOOKED] = true;
  return true;
}

/** One UID FETCH (or FETCH) whose untagged FETCH rows' data item lists go to `onRow`, in order. */
export async function fetchRows(client: ImapFlow, command: 'UID FETCH' | 'FETCH', attributes: unknown[], onRow: OnRow): Promise<void> {
  hookFetchRows(client);
  const options = {
    untagged: {
      FETCH: async (u: { attributes?: ImapAttribute[] }) => {
        const list = u.attributes?.[1];
        if (Array.isArray(list)) onRow(list);
      },
    },
    [ROWS]: onRow,
  };
  const res = await rawExec(client).exec(command, attributes, options);
  res.next();
}
