/**
 * The floor: a plain imapflow client on the same Dovecot, fetching what a Sync sends, with
 * nothing of the gateway in between (no HTTP, no WBXML, no state, no conversion).
 *
 * (a) connect + login, EXAMINE, UID SEARCH ALL, then newest first in windows of 100:
 *     UID FETCH <100 uids> (UID FLAGS ENVELOPE BODYSTRUCTURE BODY.PEEK[1]<0.5120>)
 * (b) on that session, folder still selected: UID FETCH 1:* (FLAGS) (CHANGEDSINCE <modseq>),
 *     nothing changed (what an ideal QRESYNC client does to learn that nothing changed)
 * (c) the same after 10 flag changes by another client (returns the 10 rows)
 * It also times a QRESYNC EXAMINE of the folder, the command whose cost grows with its size.
 */
import { FLAG_CHANGES, flagSome, imapClient, median, SKIP_INITIAL, TRUNCATION, timed, WINDOW } from './common.js';

export interface FloorResult {
  initialMs: number;
  messages: number;
  noChangeMs: number;
  flagChangeMs: number;
  /** EXAMINE box (QRESYNC (uidvalidity modseq)) with 10 changes since, on a session with nothing selected. */
  examineMs: number;
}

export async function measureFloor(folder: string, rounds: number): Promise<FloorResult> {
  const a = await timed(async () => {
    const client = await imapClient();
    await client.mailboxOpen(folder, { readOnly: true });
    const uids = ((await client.search({ all: true }, { uid: true })) || []).sort((x, y) => y - x);
    let messages = 0;
    for (let i = 0; i < (SKIP_INITIAL ? 0 : uids.length); i += WINDOW) {
      const set = uids.slice(i, i + WINDOW).join(',');
      for await (const m of client.fetch(set, { uid: true, flags: true, envelope: true, bodyStructure: true, bodyParts: [{ key: '1', start: 0, maxLength: TRUNCATION }] }, { uid: true })) {
        if (m.uid) messages += 1;
      }
    }
    return { client, messages, uids };
  });
  const { client, uids } = a.value;
  try {
    const modseq = (): bigint => client.mailbox ? BigInt(client.mailbox.highestModseq ?? 0n) : 0n;
    const changedSince = async (since: bigint): Promise<number> => {
      let n = 0;
      for await (const m of client.fetch('1:*', { uid: true, flags: true }, { uid: true, changedSince: since })) if (m.uid) n += 1;
      return n;
    };
    const noChange: number[] = [];
    for (let r = 0; r < rounds; r++) {
      await client.noop();
      const since = modseq();
      noChange.push((await timed(() => changedSince(since))).ms);
    }
    const flagChange: number[] = [];
    for (let r = 0; r < rounds; r++) {
      await client.noop();
      const since = modseq();
      await flagSome(folder, uids, FLAG_CHANGES, 1000 + r);
      const t = await timed(() => changedSince(since));
      if (t.value < FLAG_CHANGES) throw new Error(`floor saw ${t.value} of ${FLAG_CHANGES} flag changes`);
      flagChange.push(t.ms);
    }
    const examine: number[] = [];
    const other = await imapClient();
    try {
      await (other as unknown as { run(c: string, e: string[]): Promise<unknown> }).run('ENABLE', ['QRESYNC']);
      for (let r = 0; r < rounds; r++) {
        const st = await other.status(folder, { uidValidity: true, highestModseq: true });
        if (!st) throw new Error(`STATUS ${folder} failed`);
        await flagSome(folder, uids, FLAG_CHANGES, 2000 + r);
        const t = await timed(() => other.mailboxOpen(folder, { readOnly: true, uidValidity: st.uidValidity!, changedSince: st.highestModseq! }));
        examine.push(t.ms);
        await other.mailboxClose();
      }
    } finally {
      await other.logout();
    }
    return { initialMs: SKIP_INITIAL ? NaN : a.ms, messages: a.value.messages, noChangeMs: median(noChange), flagChangeMs: median(flagChange), examineMs: median(examine) };
  } finally {
    await client.logout();
  }
}
