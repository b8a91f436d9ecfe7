package journey_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"msa-platform/apps/tracking/internal/events"
	"msa-platform/apps/tracking/internal/journey"
	"msa-platform/apps/tracking/internal/redistest"
)

var server *redistest.Server

func TestMain(m *testing.M) {
	var err error
	if server, err = redistest.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	server.Stop()
	os.Exit(code)
}

const order = "5f0c8a52-2b1e-4c3a-9a57-0d6f2c1b7e01"

func event(t *testing.T, topic, id, typ, data string) *events.Event {
	t.Helper()
	raw := fmt.Sprintf(`{"id":%q,"type":%q,"key":%q,"source":"test","occurredAt":"2026-11-30T12:00:00.000Z","data":%s}`, id, typ, order, data)
	ev, err := events.Parse(topic, []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func newStore(t *testing.T) *journey.Store {
	server.Flush(t)
	rdb := server.Client()
	t.Cleanup(func() { rdb.Close() })
	return journey.NewStore(rdb, "tracking:", time.Hour)
}

func apply(t *testing.T, s *journey.Store, topic string, ev *events.Event) bool {
	t.Helper()
	ok, err := s.Apply(context.Background(), topic, ev, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestAConfirmedOrderHasEveryStepAndLeavesNothingInFlight(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	apply(t, s, "order.events", event(t, "order.events", "00000000-0000-4000-8000-000000000001", "OrderPlaced", `{"orderId":"`+order+`","items":[{"sku":"apple","quantity":2},{"sku":"apple","quantity":1},{"sku":"pear","quantity":1}],"address":"1 Main St"}`))
	sum, _ := s.Summary(ctx)
	if sum.InFlightBySku["apple"] != 1 || sum.InFlightBySku["pear"] != 1 {
		t.Fatalf("an order in flight counts once per sku, got %v", sum.InFlightBySku)
	}
	apply(t, s, "inventory.events", event(t, "inventory.events", "00000000-0000-4000-8000-000000000002", "StockReserved", `{"orderId":"`+order+`"}`))
	apply(t, s, "delivery.events", event(t, "delivery.events", "00000000-0000-4000-8000-000000000003", "DeliveryScheduled", `{"orderId":"`+order+`","eta":"2026-12-01T12:00:00.000Z"}`))
	apply(t, s, "order.events", event(t, "order.events", "00000000-0000-4000-8000-000000000004", "OrderConfirmed", `{"orderId":"`+order+`"}`))
	j, err := s.Journey(ctx, order)
	if err != nil || j == nil {
		t.Fatalf("journey: %v %v", j, err)
	}
	types := []string{}
	for _, st := range j.Steps {
		types = append(types, st.Type)
	}
	if fmt.Sprint(types) != "[OrderPlaced StockReserved DeliveryScheduled OrderConfirmed]" || j.Status != "CONFIRMED" || j.FinalAt == nil {
		t.Fatalf("journey %+v", j)
	}
	sum, _ = s.Summary(ctx)
	if len(sum.InFlightBySku) != 0 || sum.Placed != 1 || sum.Confirmed != 1 || sum.Events != 4 {
		t.Fatalf("summary %+v", sum)
	}
}

func TestARedeliveredEventChangesNothingEvenWhenDeliveredConcurrently(t *testing.T) {
	s := newStore(t)
	placed := event(t, "order.events", "00000000-0000-4000-8000-000000000011", "OrderPlaced", `{"orderId":"`+order+`","items":[{"sku":"plum","quantity":1}],"address":"x"}`)
	var wg sync.WaitGroup
	var mu sync.Mutex
	applied := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if apply(t, s, "order.events", placed) {
				mu.Lock()
				applied++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	j, _ := s.Journey(context.Background(), order)
	sum, _ := s.Summary(context.Background())
	if applied != 1 || len(j.Steps) != 1 || sum.InFlightBySku["plum"] != 1 || sum.Placed != 1 {
		t.Fatalf("applied %d times, %d steps, summary %+v", applied, len(j.Steps), sum)
	}
}

func TestAnOutcomeBeforeAReplayedOrderPlacedKeepsTheOrderOutOfFlight(t *testing.T) {
	s := newStore(t)
	apply(t, s, "order.events", event(t, "order.events", "00000000-0000-4000-8000-000000000021", "OrderCancelled", `{"orderId":"`+order+`","reason":"saga deadline"}`))
	apply(t, s, "order.events", event(t, "order.events", "00000000-0000-4000-8000-000000000022", "OrderPlaced", `{"orderId":"`+order+`","items":[{"sku":"pear","quantity":1}],"address":"x"}`))
	j, _ := s.Journey(context.Background(), order)
	sum, _ := s.Summary(context.Background())
	if j.Status != "CANCELLED" || len(sum.InFlightBySku) != 0 {
		t.Fatalf("journey %+v summary %+v", j, sum)
	}
}

func TestAnUnknownOrderHasNoJourney(t *testing.T) {
	s := newStore(t)
	j, err := s.Journey(context.Background(), order)
	if err != nil || j != nil {
		t.Fatalf("want none, got %+v %v", j, err)
	}
}
