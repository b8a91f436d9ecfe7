package events_test

import (
	"errors"
	"strings"
	"testing"

	"msa-platform/apps/tracking/internal/events"
)

const valid = `{"id":"7d3f0a4e-1c2b-4d5e-8f60-718293a4b5c6","type":"OrderPlaced","key":"5f0c8a52-2b1e-4c3a-9a57-0d6f2c1b7e01","source":"order","occurredAt":"2026-11-30T12:00:00.000Z","data":{"orderId":"5f0c8a52-2b1e-4c3a-9a57-0d6f2c1b7e01","items":[{"sku":"apple","quantity":2}],"address":"1 Main St"}}`

func TestAnOrderPlacedEnvelopeGivesItsOrderAndItems(t *testing.T) {
	ev, err := events.Parse("order.events", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	if ev.OrderID != "5f0c8a52-2b1e-4c3a-9a57-0d6f2c1b7e01" || len(ev.Items) != 1 || ev.Items[0].Sku != "apple" || !ev.Known || ev.Final != "" {
		t.Fatalf("%+v", ev)
	}
}

func TestWhatCanNeverBeProcessedIsInvalidAndSaysWhere(t *testing.T) {
	cases := map[string]string{
		"":         "empty message value",
		"not json": "not a JSON envelope",
		strings.Replace(valid, `"id":"7d3f0a4e-1c2b-4d5e-8f60-718293a4b5c6"`, `"id":"x"`, 1):         `"id"`,
		strings.Replace(valid, `2026-11-30T12:00:00.000Z`, `yesterday`, 1):                           `"occurredAt"`,
		strings.Replace(valid, `"quantity":2`, `"quantity":0`, 1):                                    `"data.items.0.quantity"`,
		strings.Replace(valid, `"sku":"apple"`, `"sku":"Apple!"`, 1):                                 `"data.items.0.sku"`,
		strings.Replace(valid, `"orderId":"5f0c8a52-2b1e-4c3a-9a57-0d6f2c1b7e01"`, `"orderId":7`, 1): `"data.orderId"`,
	}
	for value, where := range cases {
		_, err := events.Parse("order.events", []byte(value))
		var invalid *events.InvalidError
		if !errors.As(err, &invalid) || !strings.Contains(err.Error(), where) {
			t.Errorf("%q: want an InvalidError naming %s, got %v", value, where, err)
		}
	}
}

func TestAnOutcomeNamesTheFinalStatusAndAnUnknownTypeIsNotFollowed(t *testing.T) {
	ev, _ := events.Parse("order.events", []byte(strings.Replace(valid, `"type":"OrderPlaced"`, `"type":"OrderRejected"`, 1)))
	if ev.Final != "REJECTED" {
		t.Fatalf("final %q", ev.Final)
	}
	ev, _ = events.Parse("order.events", []byte(strings.Replace(valid, `"type":"OrderPlaced"`, `"type":"OrderAudited"`, 1)))
	if ev.Known {
		t.Fatal("OrderAudited is not a saga event")
	}
}
