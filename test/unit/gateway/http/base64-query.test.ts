import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../../../gateway/errors.js';
import { looksLikeBase64Query, parseBase64Query, PARAMETER_TAGS, versionText } from '../../../../gateway/http/base64-query.js';
import { parseRequestLine } from '../../../../gateway/http/request-line.js';
import { encodeBase64Query } from '../../../support/base64-query.js';

describe('parseBase64Query (MS-ASHTTP 2.2.1.1.1.1)', () => {
  it('decodes the example of the specification', () => {
    // "/Microsoft-Server-ActiveSync?jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l", section 2.2.1.1.1.1
    const line = parseBase64Query('jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l');
    assert.equal(line.encoding, 'base64');
    assert.equal(line.protocolVersion, '14.0');
    assert.equal(line.command, 'Sync');
    assert.equal(line.commandCode, 0);
    assert.equal(line.locale, 0x0409);
    assert.equal(line.deviceId, 'v140Device');
    assert.equal(line.policyKey, undefined);
    assert.equal(line.deviceType, 'SmartPhone');
    assert.deepEqual(line.params, { saveInSent: false, acceptMultiPart: false });
  });

  it('reads the policy key as uint32 little-endian', () => {
    const q = encodeBase64Query({ version: 141, commandCode: 9, deviceId: 'D1', policyKey: 3_000_000_001, deviceType: 'iPhone' });
    assert.equal(parseBase64Query(q).policyKey, '3000000001');
  });

  it('reads every command parameter tag and the Options bits', () => {
    const q = encodeBase64Query({
      version: 161,
      commandCode: 3,
      deviceId: 'D1',
      deviceType: 'iPhone',
      params: [
        [PARAMETER_TAGS.AttachmentName, 'att.bin'],
        [PARAMETER_TAGS.CollectionId, '7'],
        [PARAMETER_TAGS.ItemId, '7:42'],
        [PARAMETER_TAGS.LongId, 'L1'],
        [PARAMETER_TAGS.Occurrence, '2026-11-25T14:00:00.000Z'],
        [PARAMETER_TAGS.Options, 0x03],
        [PARAMETER_TAGS.User, 'alice@example.com'],
      ],
    });
    const line = parseBase64Query(q);
    assert.equal(line.command, 'SmartReply');
    assert.equal(line.protocolVersion, '16.1');
    assert.equal(line.user, 'alice@example.com');
    assert.deepEqual(line.params, {
      attachmentName: 'att.bin',
      collectionId: '7',
      itemId: '7:42',
      longId: 'L1',
      occurrence: '2026-11-25T14:00:00.000Z',
      saveInSent: true,
      acceptMultiPart: true,
    });
  });

  it('separates the two Options flags', () => {
    const only = (bits: number) => parseBase64Query(encodeBase64Query({ version: 141, commandCode: 19, deviceId: 'D', deviceType: 'T', params: [[7, bits]] })).params;
    assert.deepEqual([only(0x01).saveInSent, only(0x01).acceptMultiPart], [true, false]);
    assert.deepEqual([only(0x02).saveInSent, only(0x02).acceptMultiPart], [false, true]);
  });

  it('skips unassigned parameter tags', () => {
    const q = encodeBase64Query({ version: 141, commandCode: 0, deviceId: 'D', deviceType: 'T', params: [[2, 'x'], [5, 'y'], [PARAMETER_TAGS.ItemId, 'i']] });
    assert.equal(parseBase64Query(q).params.itemId, 'i');
  });

  it('keeps an unassigned command code for the error message', () => {
    const line = parseBase64Query(encodeBase64Query({ version: 141, commandCode: 99, deviceId: 'D', deviceType: 'T' }));
    assert.equal(line.command, undefined);
    assert.equal(line.commandCode, 99);
  });

  it('turns a binary (GUID) device id into upper-case hex', () => {
    const guid = Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const line = parseBase64Query(encodeBase64Query({ version: 121, commandCode: 9, deviceId: guid, deviceType: 'PocketPC' }));
    assert.equal(line.deviceId, 'DEADBEEF000102030405060708090A0B');
  });

  it('accepts percent-encoded and base64url forms', () => {
    const q = encodeBase64Query({ version: 141, commandCode: 9, deviceId: 'D?>', deviceType: 'T', policyKey: 0xfbffffff });
    assert.ok(/[+/=]/.test(q), 'the sample should exercise + / or =');
    const plain = parseBase64Query(q);
    assert.deepEqual(parseBase64Query(encodeURIComponent(q)), plain);
    assert.deepEqual(parseBase64Query(q.replace(/\+/g, '-').replace(/\//g, '_')), plain);
  });

  for (const [name, bytes, reason] of [
    ['empty', [], 'malformed-base64-query'],
    ['cut in the locale', [141, 0, 9], 'malformed-base64-query'],
    ['device id longer than the rest', [141, 0, 9, 4, 20, 65], 'malformed-base64-query'],
    ['policy key length 3', [141, 0, 9, 4, 1, 65, 3, 1, 2, 3, 1, 84], 'malformed-base64-query'],
    ['parameter value cut', [141, 0, 9, 4, 1, 65, 0, 1, 84, 3, 10, 65], 'malformed-base64-query'],
    ['empty device id', [141, 0, 9, 4, 0, 0, 1, 84], 'missing-deviceid'],
    ['empty device type', [141, 0, 9, 4, 1, 65, 0, 0], 'missing-devicetype'],
  ] as const) {
    it(`refuses ${name}`, () => {
      const q = Buffer.from(bytes as readonly number[]).toString('base64') || 'AA==';
      assert.throws(() => parseBase64Query(q), (err: unknown) => err instanceof BadRequestError && err.reason === reason);
    });
  }

  it('versionText maps the version byte', () => {
    assert.deepEqual([121, 140, 141, 160, 161, 25].map(versionText), ['12.1', '14.0', '14.1', '16.0', '16.1', '2.5']);
  });
});

describe('plain or base64?', () => {
  it('tells the two query forms apart', () => {
    assert.equal(looksLikeBase64Query('jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l'), true);
    assert.equal(looksLikeBase64Query('jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l%3D'), true);
    assert.equal(looksLikeBase64Query('Cmd=Sync&User=u&DeviceId=d&DeviceType=t'), false);
    assert.equal(looksLikeBase64Query('Cmd=Sync'), false);
    assert.equal(looksLikeBase64Query('Cmd='), false);
    assert.equal(looksLikeBase64Query(''), false);
  });
});

describe('parseRequestLine: one shape from both forms', () => {
  it('a base64 query and its plain twin give the same request line, except the encoding and locale', () => {
    const headers = { 'ms-asprotocolversion': '14.1', 'x-ms-policykey': '1234567890' };
    const plain = parseRequestLine('Cmd=SmartForward&User=alice%40example.com&DeviceId=PHONE1&DeviceType=iPhone&ItemId=5%3A1&CollectionId=5&SaveInSent=T', headers);
    const b64 = parseRequestLine(
      encodeBase64Query({
        version: 141,
        commandCode: 2,
        deviceId: 'PHONE1',
        deviceType: 'iPhone',
        policyKey: 1234567890,
        params: [[PARAMETER_TAGS.User, 'alice@example.com'], [PARAMETER_TAGS.ItemId, '5:1'], [PARAMETER_TAGS.CollectionId, '5'], [PARAMETER_TAGS.Options, 0x01]],
      }),
      {},
    );
    const { encoding: e1, ...p } = plain;
    const { encoding: e2, locale, commandCode, ...b } = b64;
    assert.equal(e1, 'plain');
    assert.equal(e2, 'base64');
    assert.equal(locale, 0x0409);
    assert.equal(commandCode, 2);
    assert.deepEqual(b, p);
  });

  it('takes version and policy key from the headers for a plain query', () => {
    const line = parseRequestLine('Cmd=Sync&DeviceId=d&DeviceType=t&PolicyKey=1', { 'ms-asprotocolversion': ' 12.1 ', 'x-ms-policykey': '2' });
    assert.equal(line.protocolVersion, '12.1');
    assert.equal(line.policyKey, '2');
    assert.equal(parseRequestLine('Cmd=Sync&DeviceId=d&DeviceType=t&PolicyKey=1', {}).policyKey, '1');
  });

  it('lets the base64 fields win over headers, and fall back to them when absent', () => {
    const q = encodeBase64Query({ version: 161, commandCode: 0, deviceId: 'D', deviceType: 'T' });
    const line = parseRequestLine(q, { 'ms-asprotocolversion': '14.0', 'x-ms-policykey': '77' });
    assert.equal(line.protocolVersion, '16.1');
    assert.equal(line.policyKey, '77');
  });

  it('MS-ASAcceptMultiPart: T sets acceptMultiPart', () => {
    assert.equal(parseRequestLine('Cmd=ItemOperations&DeviceId=d&DeviceType=t', { 'ms-asacceptmultipart': 'T' }).params.acceptMultiPart, true);
    assert.equal(parseRequestLine('Cmd=ItemOperations&DeviceId=d&DeviceType=t', { 'ms-asacceptmultipart': 'F' }).params.acceptMultiPart, false);
  });
});
