import { describe, expect, it } from 'vitest';
import { InvalidTransitionError, nextStatus, outcomeEvent, type OrderStatus, type SagaEvent } from '../src/domain/order-status.ts';

describe('an order moving through the saga', () => {
  it.each<[OrderStatus, SagaEvent, OrderStatus]>([
    ['PENDING', 'StockReserved', 'RESERVED'],
    ['PENDING', 'StockRejected', 'REJECTED'],
    ['RESERVED', 'DeliveryScheduled', 'CONFIRMED'],
    ['RESERVED', 'DeliveryFailed', 'CANCELLING'],
    ['CANCELLING', 'StockReleased', 'CANCELLED'],
  ])('from %s on %s goes to %s', (from, event, to) => {
    expect(nextStatus(from, event)).toBe(to);
  });

  it.each<[OrderStatus, SagaEvent, OrderStatus]>([
    ['PENDING', 'DeliveryScheduled', 'CONFIRMED'],
    ['PENDING', 'DeliveryFailed', 'CANCELLING'],
    ['CONFIRMED', 'StockReserved', 'CONFIRMED'],
    ['CANCELLING', 'StockReserved', 'CANCELLING'],
    ['PENDING', 'StockReleased', 'CANCELLED'],
  ])('tolerates events from two topics arriving out of order: %s on %s stays consistent at %s', (from, event, to) => {
    expect(nextStatus(from, event)).toBe(to);
  });

  it.each<[OrderStatus, SagaEvent]>([
    ['REJECTED', 'DeliveryScheduled'],
    ['CONFIRMED', 'DeliveryFailed'],
    ['CONFIRMED', 'StockRejected'],
  ])('refuses a contradiction: %s on %s', (from, event) => {
    expect(() => nextStatus(from, event)).toThrow(InvalidTransitionError);
    expect(() => nextStatus(from, event)).toThrow(`event ${event} cannot apply to an order in status ${from}`);
  });

  it.each<SagaEvent>(['StockReserved', 'StockRejected', 'StockReleased', 'DeliveryScheduled', 'DeliveryFailed', 'DeliveryCancelled'])(
    'keeps a cancelled order cancelled when %s arrives late (the other services compensate it)',
    (event) => {
      expect(nextStatus('CANCELLED', event)).toBe('CANCELLED');
    },
  );

  it('announces an outcome only on first reaching a final status', () => {
    expect(outcomeEvent('RESERVED', 'CONFIRMED')).toBe('OrderConfirmed');
    expect(outcomeEvent('PENDING', 'REJECTED')).toBe('OrderRejected');
    expect(outcomeEvent('CANCELLING', 'CANCELLED')).toBe('OrderCancelled');
    expect(outcomeEvent('CONFIRMED', 'CONFIRMED')).toBeUndefined();
    expect(outcomeEvent('PENDING', 'RESERVED')).toBeUndefined();
  });
});
