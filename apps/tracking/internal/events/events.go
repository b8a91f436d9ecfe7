// Package events parses the saga's events as the producers publish them (the kit's envelope,
// packages/service-kit/src/events/envelope.ts, and each type's data: apps/<producer>/events/<topic>/<Type>.schema.json, checked in contract_test.go).
// A message that fails here can never be processed: the consumer dead-letters it at once.
package events

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// Envelope is every event on every topic; Key is the order id.
type Envelope struct {
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Key        string          `json:"key"`
	Source     string          `json:"source"`
	OccurredAt string          `json:"occurredAt"`
	Data       json.RawMessage `json:"data"`
}

type Item struct {
	Sku      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

// Event is an envelope whose data this service understood.
type Event struct {
	Envelope
	OrderID  string
	Occurred time.Time
	// Items of OrderPlaced: what the order keeps in flight per sku until it is final.
	Items []Item
	// Final is CONFIRMED, REJECTED or CANCELLED for the order service's outcome events.
	Final string
	// Ignored: a type this service does not follow (it is recorded as a step all the same).
	Known bool
}

// InvalidError is a message that no retry can fix.
type InvalidError struct{ Reason string }

func (e *InvalidError) Error() string { return e.Reason }

func invalid(format string, a ...any) error { return &InvalidError{Reason: fmt.Sprintf(format, a...)} }

var (
	uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	skuRe  = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)
)

// Outcomes of the order service: the order's final status.
var finals = map[string]string{"OrderConfirmed": "CONFIRMED", "OrderRejected": "REJECTED", "OrderCancelled": "CANCELLED"}

// Types the saga publishes, by topic (catalog names, before the prefix).
var Types = map[string][]string{
	"order.events":     {"OrderPlaced", "OrderConfirmed", "OrderRejected", "OrderCancelled"},
	"inventory.events": {"StockReserved", "StockRejected", "StockReleased"},
	"delivery.events":  {"DeliveryScheduled", "DeliveryFailed", "DeliveryCancelled"},
}

// Parse reads one message value; topic is the catalog name the message came from.
func Parse(topic string, value []byte) (*Event, error) {
	if len(value) == 0 {
		return nil, invalid("empty message value")
	}
	var env Envelope
	if err := json.Unmarshal(value, &env); err != nil {
		return nil, invalid("message value is not a JSON envelope: %v", err)
	}
	switch {
	case !uuidRe.MatchString(env.ID):
		return nil, invalid(`message envelope invalid at "id": not a uuid`)
	case env.Type == "":
		return nil, invalid(`message envelope invalid at "type": empty`)
	case env.Key == "":
		return nil, invalid(`message envelope invalid at "key": empty`)
	case env.Source == "":
		return nil, invalid(`message envelope invalid at "source": empty`)
	}
	occurred, err := time.Parse(time.RFC3339Nano, env.OccurredAt)
	if err != nil {
		return nil, invalid(`message envelope invalid at "occurredAt": not an ISO date-time`)
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(env.Data, &data); err != nil || data == nil {
		return nil, invalid(`message envelope invalid at "data": not an object`)
	}
	ev := &Event{Envelope: env, Occurred: occurred, Final: finals[env.Type], Known: known(topic, env.Type)}
	ev.OrderID = env.Key
	if raw, ok := data["orderId"]; ok {
		if err := json.Unmarshal(raw, &ev.OrderID); err != nil {
			return nil, invalid(`%s invalid at "data.orderId": not a string`, env.Type)
		}
	}
	if !uuidRe.MatchString(ev.OrderID) {
		return nil, invalid(`%s invalid at "data.orderId": not a uuid`, env.Type)
	}
	if env.Type == "OrderPlaced" {
		if ev.Items, err = parseItems(data["items"]); err != nil {
			return nil, err
		}
	}
	return ev, nil
}

func parseItems(raw json.RawMessage) ([]Item, error) {
	var items []Item
	if err := json.Unmarshal(raw, &items); err != nil || len(items) == 0 {
		return nil, invalid(`OrderPlaced invalid at "data.items": a non-empty array of {sku, quantity}`)
	}
	for i, it := range items {
		if !skuRe.MatchString(it.Sku) {
			return nil, invalid(`OrderPlaced invalid at "data.items.%d.sku": not a sku`, i)
		}
		if it.Quantity < 1 {
			return nil, invalid(`OrderPlaced invalid at "data.items.%d.quantity": not a positive integer`, i)
		}
	}
	return items, nil
}

func known(topic, typ string) bool {
	for _, t := range Types[topic] {
		if t == typ {
			return true
		}
	}
	return false
}
