import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../common/clock.js';
import { ControllerExpectations } from './expectations.js';

void test('creations must all be observed before the controller acts again', () => {
  const e = new ControllerExpectations(new FakeClock());
  assert.ok(e.satisfied('ns/rs'), 'no record: satisfied');
  e.expectCreations('ns/rs', 3);
  assert.ok(!e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  e.creationObserved('ns/rs');
  assert.ok(!e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  assert.ok(e.satisfied('ns/rs'));
});

void test('deletions count once per expected pod key', () => {
  const e = new ControllerExpectations(new FakeClock());
  e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
  e.deletionObserved('ns/rs', 'ns/a');
  e.deletionObserved('ns/rs', 'ns/a'); // the update with deletionTimestamp, then the DELETED event
  e.deletionObserved('ns/rs', 'ns/other');
  assert.ok(!e.satisfied('ns/rs'));
  assert.deepEqual(e.pending('ns/rs'), { add: 0, del: 1 });
  e.deletionObserved('ns/rs', 'ns/b');
  assert.ok(e.satisfied('ns/rs'));
});

void test('expectations expire after the timeout (5 minutes upstream)', async () => {
  const clock = new FakeClock();
  const e = new ControllerExpectations(clock);
  e.expectCreations('k', 2);
  await clock.advance(5 * 60_000);
  assert.ok(!e.satisfied('k'));
  await clock.advance(1);
  assert.ok(e.satisfied('k'));
  e.delete('k');
  assert.equal(e.pending('k'), undefined);
});
