/**
 * MoveItems through the HTTP endpoint against Dovecot, at 12.1, 14.1 and 16.1: the message lands in
 * the destination under the UID the returned DstMsgId names and leaves the source; several moves
 * between the same folders are one UID MOVE; and every refusal has MS-ASCMD's Status (4 same
 * folder, 1 unknown source or a message already gone or a foreign ServerId, 2 unknown destination).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { el, type WbxmlElement } from '../../../codec/index.js';
import { productionGatewaySuite } from '../../support/gateway-suite.js';
import { imapSuite } from '../../support/imap.js';
import { memoryLog } from '../../support/memory-log.js';
import { eas, timing, folderIds, kids, mime, RUN, text, uidsIn, type Phone } from './support.js';

const M = 'Move';
const move = (src: string, srcFld: string, dst: string) => el(M, 'Move', [el(M, 'SrcMsgId', src), el(M, 'SrcFldId', srcFld), el(M, 'DstFldId', dst)]);
const moveItems = (...moves: WbxmlElement[]) => el(M, 'MoveItems', moves);
const answers = (r: WbxmlElement) => kids(r, 'Response').map((x) => ({ src: text(x, 'SrcMsgId'), status: Number(text(x, 'Status')), dst: text(x, 'DstMsgId') }));

describe('MoveItems against Dovecot, over HTTP with WBXML', { timeout: 120_000 }, () => {
  const log = memoryLog('debug');
  const suite = productionGatewaySuite(log, { policy: { enforce: false } });
  const direct = imapSuite(RUN);

  for (const version of ['12.1', '14.1', '16.1']) {
    describe(`protocol ${version}`, () => {
      const v = version.replace('.', '');
      const phone: Phone = { deviceId: `MV${v}${RUN}`, version };
      const SRC = `${RUN}-${v}-src`;
      const DST = `${RUN}-${v}-dst`;
      let srcId = '';
      let dstId = '';
      let uids: number[] = [];

      before(async () => {
        await direct.imap.mailboxCreate(SRC);
        await direct.imap.mailboxCreate(DST);
        uids = [];
        for (let i = 0; i < 4; i++) {
          const appended = await direct.imap.append(SRC, mime(`move ${RUN} ${v} ${i}`));
          assert.ok(appended && appended.uid);
          uids.push(appended.uid);
        }
        const ids = await folderIds(suite.gw.url, phone);
        srcId = ids.get(SRC)!;
        dstId = ids.get(DST)!;
        assert.ok(srcId && dstId);
      });

      it('moves one message: it is in the destination under the DstMsgId UID and gone from the source', async () => {
        const r = answers(await eas(suite.gw.url, phone, 'MoveItems', moveItems(move(`${srcId}:${uids[0]}`, srcId, dstId))));
        assert.equal(r.length, 1);
        assert.deepEqual([r[0]!.src, r[0]!.status], [`${srcId}:${uids[0]}`, 3]);
        const [coll, dstUid] = r[0]!.dst!.split(':');
        assert.equal(coll, dstId);
        assert.deepEqual(await uidsIn(direct.imap, DST), [Number(dstUid)]);
        assert.ok(!(await uidsIn(direct.imap, SRC)).includes(uids[0]!));
        const lock = await direct.imap.getMailboxLock(DST, { readOnly: true });
        try {
          const msg = await direct.imap.fetchOne(dstUid!, { uid: true, envelope: true }, { uid: true });
          assert.equal(msg && msg.envelope?.subject, `move ${RUN} ${v} 0`);
        } finally {
          lock.release();
        }
      });

      it('two moves between the same folders, and refusals: 4 same folder, 1 gone / foreign / unknown source / wrong folder, 2 unknown destination', async () => {
        const r = answers(await eas(suite.gw.url, phone, 'MoveItems', moveItems(
          move(`${srcId}:${uids[1]}`, srcId, dstId),
          move(`${srcId}:${uids[2]}`, srcId, srcId),
          move(`${srcId}:${uids[0]}`, srcId, dstId),
          move('not-ours', srcId, dstId),
          move(`${srcId}:${uids[2]}`, 'no-such-folder', dstId),
          move(`${srcId}:${uids[2]}`, srcId, 'no-such-folder'),
          move(`${dstId}:${uids[2]}`, srcId, dstId),
          move(`${srcId}:${uids[3]}`, srcId, dstId),
        )));
        assert.deepEqual(r.map((a) => a.status), [3, 4, 1, 1, 1, 2, 1, 3]);
        assert.deepEqual(r.map((a) => a.src), [`${srcId}:${uids[1]}`, `${srcId}:${uids[2]}`, `${srcId}:${uids[0]}`, 'not-ours', `${srcId}:${uids[2]}`, `${srcId}:${uids[2]}`, `${dstId}:${uids[2]}`, `${srcId}:${uids[3]}`]);
        assert.deepEqual(await uidsIn(direct.imap, SRC), [uids[2]]);
        const inDst = await uidsIn(direct.imap, DST);
        assert.equal(inDst.length, 3);
        for (const a of [r[0]!, r[7]!]) assert.ok(inDst.includes(Number(a.dst!.split(':')[1])));
      });

      it('a batch whose only message is already gone is Status 1, not a failure', async () => {
        const r = answers(await eas(suite.gw.url, phone, 'MoveItems', moveItems(move(`${srcId}:${uids[1]}`, srcId, dstId))));
        assert.deepEqual(r.map((a) => [a.status, a.dst]), [[1, undefined]]);
      });

      it('200 moves in one request: all moved, distinct DstMsgIds, in one batch (timed)', async () => {
        const BULK = `${RUN}-${v}-bulk`;
        await direct.imap.mailboxCreate(BULK);
        const items = Array.from({ length: 200 }, (_, i) => ({ content: mime(`bulk ${RUN} ${v} ${i}`) }));
        for (const item of items) await direct.imap.append(BULK, item.content);
        const bulkId = (await folderIds(suite.gw.url, phone)).get(BULK)!;
        const uidsBefore = await uidsIn(direct.imap, BULK);
        const r = answers(await eas(suite.gw.url, phone, 'MoveItems', moveItems(...uidsBefore.map((u) => move(`${bulkId}:${u}`, bulkId, dstId)))));
        const ms = timing.lastHttpMs;
        assert.deepEqual(r.map((a) => a.status), uidsBefore.map(() => 3));
        assert.equal(new Set(r.map((a) => a.dst)).size, 200);
        assert.deepEqual(await uidsIn(direct.imap, BULK), []);
        console.log(`# MoveItems of 200 messages in one request at ${version}: ${ms.toFixed(0)} ms`);
      });

      it('a request that is not MoveItems gets the common Status 103 (InvalidXML)', async () => {
        const r = await eas(suite.gw.url, phone, 'MoveItems', el(M, 'MoveItems', []));
        assert.equal(text(r, 'Status'), '103');
      });
    });
  }
});
