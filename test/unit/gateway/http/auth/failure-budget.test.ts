import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FailureBudget } from '../../../../../gateway/http/auth/failure-budget.js';

function budget(now: { t: number }) {
  return new FailureBudget({ budget: 3, windowMs: 60_000, delayMs: 1000, maxDelayMs: 2500, now: () => now.t });
}

describe('FailureBudget', () => {
  it('lets the budget through, then delays each further attempt more, up to the cap', () => {
    const now = { t: 0 };
    const b = budget(now);
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      delays.push(b.delayFor('alice@example.com', '10.0.0.1'));
      b.recordFailure('alice@example.com', '10.0.0.1');
    }
    assert.deepEqual(delays, [0, 0, 0, 1000, 2000, 2500]);
  });

  it('counts per address across logins (spraying one password over many users)', () => {
    const b = budget({ t: 0 });
    for (const user of ['a', 'b', 'c']) b.recordFailure(user, '10.0.0.9');
    assert.equal(b.delayFor('d', '10.0.0.9'), 1000);
    assert.equal(b.delayFor('d', '10.0.0.10'), 0);
  });

  it('counts per login across addresses (a botnet on one account)', () => {
    const b = budget({ t: 0 });
    for (const ip of ['1.1.1.1', '2.2.2.2', '3.3.3.3']) b.recordFailure('Alice', ip);
    assert.equal(b.delayFor('alice', '4.4.4.4'), 1000);
  });

  it('forgets failures after the window', () => {
    const now = { t: 0 };
    const b = budget(now);
    for (let i = 0; i < 5; i++) b.recordFailure('alice', 'ip');
    assert.ok(b.delayFor('alice', 'ip') > 0);
    now.t = 60_000;
    assert.equal(b.delayFor('alice', 'ip'), 0);
    b.recordFailure('alice', 'ip');
    assert.equal(b.delayFor('alice', 'ip'), 0);
  });

  it('a success clears the login but not the address', () => {
    const b = budget({ t: 0 });
    for (let i = 0; i < 4; i++) b.recordFailure('alice', 'ip');
    b.recordSuccess('alice');
    assert.equal(b.delayFor('alice', 'other-ip'), 0);
    assert.ok(b.delayFor('bob', 'ip') > 0);
  });
});
