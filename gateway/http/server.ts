/**
 * The node:http server around the Koa app. It takes over "Expect: 100-continue" from
 * Node, which would otherwise invite every upload at once: we send 100 Continue only
 * when we are about to read the body, so a client with wrong credentials or an
 * oversized Content-Length is answered before it sends a byte of its body.
 */
import http from 'node:http';
import type Koa from 'koa';

const CONTINUE_DEFERRED = Symbol('easgate.continueDeferred');

type DeferredRequest = http.IncomingMessage & { [CONTINUE_DEFERRED]?: boolean };

export function createHttpServer(app: Koa): http.Server {
  const handle = app.callback();
  const server = http.createServer(handle);
  server.on('checkContinue', (req: DeferredRequest, res: http.ServerResponse) => {
    req[CONTINUE_DEFERRED] = true;
    void handle(req, res);
  });
  return server;
}

/** Call right before reading a body: sends the 100 Continue the client may be waiting for. */
export function continueIfDeferred(req: http.IncomingMessage, res: http.ServerResponse): void {
  const r = req as DeferredRequest;
  if (r[CONTINUE_DEFERRED] && !res.headersSent) {
    r[CONTINUE_DEFERRED] = false;
    res.writeContinue();
  }
}
