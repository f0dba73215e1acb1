/** createHttpServer: 100 Continue is sent only when the body is about to be read. */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { el } from '../../../../codec/tree.js';
import { fakeDocument } from '../../../support/fakes.js';
import { ALICE, plainQuery, startTestApp, type TestApp } from '../../../support/test-app.js';

const FOLDER_SYNC = fakeDocument(el('FolderHierarchy', 'FolderSync', [el('FolderHierarchy', 'SyncKey', '0')]));

let app: TestApp;
before(async () => {
  app = await startTestApp({ config: { server: { maxBodyBytes: 4096 } } });
});
after(() => app.close());

describe('Expect: 100-continue', () => {
  /** Sends headers, and the body only if (and when) the server says 100 Continue. */
  function expectContinue(path: string, auth: { user: string; password: string }, body: Buffer): Promise<{ status: number; continued: boolean }> {
    return new Promise((resolve, reject) => {
      let continued = false;
      const req = http.request(new URL(path, app.url), {
        method: 'POST',
        agent: false,
        headers: {
          Expect: '100-continue',
          'Content-Length': String(body.length),
          'MS-ASProtocolVersion': '14.1',
          Authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`,
        },
      });
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, continued }));
      });
      req.on('error', (err) => (continued ? reject(err) : undefined));
      req.flushHeaders();
    });
  }
  it('answers wrong credentials before inviting the body', async () => {
    assert.deepEqual(await expectContinue(plainQuery('FolderSync'), { user: ALICE.user, password: 'nope' }, FOLDER_SYNC), { status: 401, continued: false });
  });
  it('answers an oversized declared body before inviting it', async () => {
    assert.deepEqual(await expectContinue(plainQuery('FolderSync'), ALICE, Buffer.alloc(5000)), { status: 413, continued: false });
  });
  it('invites the body once the request is acceptable', async () => {
    assert.deepEqual(await expectContinue(plainQuery('FolderSync'), ALICE, FOLDER_SYNC), { status: 200, continued: true });
  });
});
