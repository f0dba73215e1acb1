import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePlainQuery } from '../../../../gateway/http/plain-query.js';
import { BadRequestError } from '../../../../gateway/errors.js';

describe('parsePlainQuery (MS-ASHTTP 2.2.1.1.1.2)', () => {
  it('reads Cmd, User, DeviceId and DeviceType', () => {
    const line = parsePlainQuery('Cmd=Sync&User=rmjones&DeviceId=v140Device&DeviceType=SmartPhone');
    assert.equal(line.encoding, 'plain');
    assert.equal(line.command, 'Sync');
    assert.equal(line.user, 'rmjones');
    assert.equal(line.deviceId, 'v140Device');
    assert.equal(line.deviceType, 'SmartPhone');
    assert.deepEqual(line.params, { saveInSent: false, acceptMultiPart: false });
    assert.equal(line.protocolVersion, undefined);
  });

  it('decodes %40 and accepts a raw @ in User (pyActiveSync does not encode it)', () => {
    assert.equal(parsePlainQuery('Cmd=FolderSync&User=user%40example.com&DeviceId=a&DeviceType=b').user, 'user@example.com');
    assert.equal(parsePlainQuery('Cmd=FolderSync&User=user@example.com&DeviceId=a&DeviceType=b').user, 'user@example.com');
  });

  it('reads the command parameters of SmartReply/SmartForward/GetAttachment', () => {
    const line = parsePlainQuery(
      'Cmd=SmartReply&User=u&DeviceId=d&DeviceType=t&ItemId=5%3A12&CollectionId=5&LongId=RgAAAA%2B&Occurrence=2026-11-25T14%3A00%3A00.000Z&SaveInSent=T&AttachmentName=a%2Fb.txt',
    );
    assert.deepEqual(line.params, {
      itemId: '5:12',
      collectionId: '5',
      longId: 'RgAAAA+',
      occurrence: '2026-11-25T14:00:00.000Z',
      attachmentName: 'a/b.txt',
      saveInSent: true,
      acceptMultiPart: false,
    });
  });

  it('SaveInSent is false unless T, and defaults to F', () => {
    assert.equal(parsePlainQuery('Cmd=SendMail&DeviceId=d&DeviceType=t&SaveInSent=F').params.saveInSent, false);
    assert.equal(parsePlainQuery('Cmd=SendMail&DeviceId=d&DeviceType=t&SaveInSent=t').params.saveInSent, true);
    assert.equal(parsePlainQuery('Cmd=SendMail&DeviceId=d&DeviceType=t').params.saveInSent, false);
  });

  it('matches parameter names case-insensitively and keeps the first occurrence', () => {
    const line = parsePlainQuery('cmd=Ping&deviceid=first&DeviceId=second&DEVICETYPE=t');
    assert.equal(line.command, 'Ping');
    assert.equal(line.deviceId, 'first');
    assert.equal(line.deviceType, 't');
  });

  it('keeps the non-standard PolicyKey parameter pyactivesync sends', () => {
    assert.equal(parsePlainQuery('Cmd=Provision&DeviceId=d&DeviceType=t&PolicyKey=1111111111').policyKey, '1111111111');
  });

  for (const [query, reason] of [
    ['User=u&DeviceId=d&DeviceType=t', 'missing-command'],
    ['Cmd=&DeviceId=d&DeviceType=t', 'missing-command'],
    ['Cmd=Sync&DeviceType=t', 'missing-deviceid'],
    ['Cmd=Sync&DeviceId=d', 'missing-devicetype'],
    [`Cmd=Sync&DeviceId=${'x'.repeat(129)}&DeviceType=t`, 'invalid-deviceid'],
    ['', 'missing-command'],
  ] as const) {
    it(`refuses "${query.slice(0, 40)}" with ${reason}`, () => {
      assert.throws(() => parsePlainQuery(query), (err: unknown) => err instanceof BadRequestError && err.reason === reason && err.httpStatus === 400);
    });
  }
});
