/**
 * Every request line and header set a real client sent (shared/fixtures/captured_clients)
 * must read as the command, device and version the client meant.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { knownCommandByName } from '../../../../gateway/commands/registry.js';
import { isProtocolVersion } from '../../../../gateway/commands/types.js';
import { parseRequestLine } from '../../../../gateway/http/request-line.js';
import { capturedRequests } from '../../../support/fixtures.js';

const requests = capturedRequests();

describe('captured client requests', () => {
  it('the fixtures are there', () => {
    assert.ok(requests.length >= 40, `expected the captured logs, found ${requests.length} requests`);
  });

  for (const r of requests.filter((x) => x.method === 'POST')) {
    it(`${r.client} #${r.seq} ${r.target.slice(r.target.indexOf('Cmd='), r.target.indexOf('&'))}`, () => {
      const query = r.target.slice(r.target.indexOf('?') + 1);
      const line = parseRequestLine(query, r.headers);
      const cmd = /Cmd=([A-Za-z]+)/.exec(r.target)?.[1];
      assert.equal(line.encoding, 'plain');
      assert.equal(line.command, cmd);
      assert.ok(knownCommandByName(line.command!), `${line.command} is a known EAS command`);
      assert.equal(line.user, 'user@example.com');
      assert.ok(line.deviceId.length > 0 && line.deviceType.length > 0);
      assert.equal(line.protocolVersion, r.headers['ms-asprotocolversion']);
      assert.ok(isProtocolVersion(line.protocolVersion!), `${line.protocolVersion} is served`);
      const expectedKey = r.headers['x-ms-policykey'] ?? /PolicyKey=(\d+)/.exec(r.target)?.[1];
      assert.equal(line.policyKey, expectedKey);
    });
  }

  it('pyActiveSync (TomerSitton) leaves @ unencoded in User= and still reads right', () => {
    const r = requests.find((x) => x.client.startsWith('pyActiveSync_TomerSitton') && x.method === 'POST');
    assert.ok(r);
    assert.ok(r.target.includes('User=user@example.com'));
    const line = parseRequestLine(r.target.split('?')[1]!, r.headers);
    assert.deepEqual([line.command, line.user, line.deviceId, line.deviceType, line.protocolVersion], ['FolderSync', 'user@example.com', '123456', 'Python', '14.1']);
  });

  it('every OPTIONS request carries Basic credentials (so OPTIONS may require them)', () => {
    const options = requests.filter((x) => x.method === 'OPTIONS');
    assert.ok(options.length >= 4);
    for (const o of options) assert.match(o.headers.authorization ?? '', /^Basic /);
  });
});
