/**
 * MoveItems and Sync agree: after a phone moves a message, the next Sync of the source reports
 * exactly one Delete (its old ServerId) and the next Sync of the destination exactly one Add (the
 * DstMsgId MoveItems returned), and the round after that has nothing more: no duplicate, no
 * ghost. Against Dovecot through the HTTP endpoint, with a source folder of this run's own (alice's
 * INBOX is shared with other suites, so its counts are not ours to assert).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { el } from '../../../codec/index.js';
import { productionGatewaySuite } from '../../support/gateway-suite.js';
import { imapSuite } from '../../support/imap.js';
import { memoryLog } from '../../support/memory-log.js';
import { collection, drain, field, sync, syncRequest } from '../sync-command/support.js';
import { eas, folderIds, kids, mime, RUN, text, type Phone } from './support.js';

const M = 'Move';

describe('MoveItems then Sync of both folders: one Delete, one Add', { timeout: 120_000 }, () => {
  const log = memoryLog('debug');
  const suite = productionGatewaySuite(log, { policy: { enforce: false } });
  const direct = imapSuite(RUN);

  for (const version of ['12.1', '16.1']) {
    it(`at ${version}`, async () => {
      const v = version.replace('.', '');
      const phone: Phone = { deviceId: `MS${v}${RUN}`, version };
      const SRC = `${RUN}-${v}-inbox`;
      const DST = `${RUN}-${v}-archive`;
      await direct.imap.mailboxCreate(SRC);
      await direct.imap.mailboxCreate(DST);
      for (let i = 0; i < 3; i++) await direct.imap.append(SRC, mime(`sync-move ${RUN} ${v} ${i}`));
      const ids = await folderIds(suite.gw.url, phone);
      const srcId = ids.get(SRC)!;
      const dstId = ids.get(DST)!;

      const prime = async (id: string) => {
        const first = await sync(suite.gw.url, phone, syncRequest([collection({ syncKey: '0', collectionId: id })]));
        return drain(suite.gw.url, phone, id, first.collections[0]!.syncKey, { windowSize: 100 });
      };
      const src = await prime(srcId);
      const dst = await prime(dstId);
      assert.deepEqual([src.adds.length, dst.adds.length], [3, 0]);
      const moved = src.adds[1]!.serverId;

      const r = await eas(suite.gw.url, phone, 'MoveItems', el(M, 'MoveItems', [el(M, 'Move', [el(M, 'SrcMsgId', moved), el(M, 'SrcFldId', srcId), el(M, 'DstFldId', dstId)])]));
      const [resp] = kids(r, 'Response');
      assert.equal(text(resp, 'Status'), '3');
      const dstMsgId = text(resp, 'DstMsgId')!;

      const srcNext = await drain(suite.gw.url, phone, srcId, src.key, { windowSize: 100 });
      const srcOps = srcNext.answers.flatMap((a) => [...a.adds.map((x) => `add ${x.serverId}`), ...a.changes.map((x) => `change ${x.serverId}`), ...a.deletes.map((d) => `delete ${d}`), ...a.softDeletes.map((d) => `soft ${d}`)]);
      assert.deepEqual(srcOps, [`delete ${moved}`]);
      const dstNext = await drain(suite.gw.url, phone, dstId, dst.key, { windowSize: 100 });
      const dstOps = dstNext.answers.flatMap((a) => [...a.adds.map((x) => `add ${x.serverId}`), ...a.changes.map((x) => `change ${x.serverId}`), ...a.deletes.map((d) => `delete ${d}`)]);
      assert.deepEqual(dstOps, [`add ${dstMsgId}`]);
      assert.equal(field(dstNext.answers[0]!.adds[0]!.data, 'Subject'), field(src.adds[1]!.data, 'Subject'));

      // And nothing more on either side.
      for (const [id, key] of [[srcId, srcNext.key], [dstId, dstNext.key]] as const) {
        const again = await drain(suite.gw.url, phone, id, key, { windowSize: 100 });
        assert.deepEqual(again.answers.flatMap((a) => [...a.adds, ...a.changes, ...a.deletes]), []);
      }
    });
  }
});
