import { describe, expect, it } from 'vitest';
import { InvalidMessageError } from '../src/events/envelope.ts';
import { deadLetterReason } from '../src/messaging/dead-letter.ts';
import { classifyFailure, PermanentError, TransientError } from '../src/messaging/failure.ts';

const pgError = (code: string, message = 'from the server') => Object.assign(new Error(message), { code });
const sysError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

describe('classifying a failed message', () => {
  it.each([
    ['a message that is not an envelope', new InvalidMessageError('message value is not JSON')],
    ['a business rule that cannot hold', new PermanentError('DeliveryFailed for order x, which has no reservation')],
    ['invalid input for a column (22P02)', pgError('22P02')],
    ['a constraint the data violates (23502)', pgError('23502')],
  ])('dead-letters at once: %s', (_what, error) => {
    expect(classifyFailure(error)).toBe('permanent');
  });

  it.each([
    ['a serialization conflict (40001)', pgError('40001')],
    ['a deadlock (40P01)', pgError('40P01')],
    ['an administrator terminating the session (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['a server starting up (57P03)', pgError('57P03')],
    ['a statement timeout (57014)', pgError('57014')],
    ['too many connections (53300)', pgError('53300')],
    ['a database not accepting connections (55000)', pgError('55000')],
    ['a lock not available (55P03)', pgError('55P03')],
    ['a connection failure (08006)', pgError('08006')],
    ['a refused socket', sysError('ECONNREFUSED')],
    ['a reset socket', sysError('ECONNRESET')],
    ["pg's connect timeout", new Error('timeout exceeded when trying to connect')],
    ["pg's lost connection", new Error('Connection terminated unexpectedly')],
    ['what the kit marks transient', new TransientError('database unreachable')],
  ])('retries for as long as it lasts: %s', (_what, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });

  it('gives a failure it does not know a few attempts, then dead-letters it', () => {
    expect(classifyFailure(new Error('something else'))).toBe('unknown');
    expect(classifyFailure('a string')).toBe('unknown');
  });
});

describe("a dead letter's reason label (kafka_dead_letters_total)", () => {
  it.each([
    ['invalid_message', new InvalidMessageError('message value is not JSON')],
    ['permanent', new PermanentError('DeliveryFailed for order x, which has no reservation')],
    ['permanent', pgError('23505')],
    ['attempts_exhausted', new Error('a bug in a handler')],
  ])('is %s for %s', (reason, error) => {
    expect(deadLetterReason(error)).toBe(reason);
  });
});
