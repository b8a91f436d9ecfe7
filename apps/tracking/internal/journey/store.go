// Package journey keeps the order-journey read model in Redis: each order's steps with their
// times, its status, per-sku counts of orders in flight, and summary counters. Every key starts
// with the service's key prefix (its ACL user may touch no other key).
package journey

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"msa-platform/apps/tracking/internal/events"
)

//go:embed apply.lua
var applySource string

var applyScript = redis.NewScript(applySource)

// Step is one event in an order's journey.
type Step struct {
	EventID    string `json:"eventId"`
	Type       string `json:"type"`
	Source     string `json:"source"`
	Topic      string `json:"topic"`
	OccurredAt string `json:"occurredAt"`
	RecordedAt string `json:"recordedAt"`
	TraceID    string `json:"traceId,omitempty"`
}

type Journey struct {
	OrderID  string  `json:"orderId"`
	Status   string  `json:"status"`
	PlacedAt *string `json:"placedAt"`
	FinalAt  *string `json:"finalAt"`
	Steps    []Step  `json:"steps"`
}

type Summary struct {
	Events        int64            `json:"events"`
	Placed        int64            `json:"placed"`
	Confirmed     int64            `json:"confirmed"`
	Rejected      int64            `json:"rejected"`
	Cancelled     int64            `json:"cancelled"`
	InFlightBySku map[string]int64 `json:"inFlightBySku"`
}

type Store struct {
	rdb              redis.UniversalClient
	prefix           string
	markTTL, keepTTL time.Duration
}

// JourneyRetention: how long a journey is kept after its last event.
const JourneyRetention = 30 * 24 * time.Hour

func NewStore(rdb redis.UniversalClient, prefix string, markTTL time.Duration) *Store {
	return &Store{rdb: rdb, prefix: prefix, markTTL: markTTL, keepTTL: JourneyRetention}
}

func (s *Store) key(parts ...string) string { return s.prefix + strings.Join(parts, ":") }

// Apply records the event unless its id was applied before; false means a duplicate.
func (s *Store) Apply(ctx context.Context, topic string, ev *events.Event, traceID string, now time.Time) (bool, error) {
	step, _ := json.Marshal(Step{EventID: ev.ID, Type: ev.Type, Source: ev.Source, Topic: topic, OccurredAt: ev.OccurredAt, RecordedAt: now.UTC().Format(time.RFC3339Nano), TraceID: traceID})
	items := ""
	if ev.Items != nil {
		raw, _ := json.Marshal(ev.Items)
		items = string(raw)
	}
	keys := []string{s.key("processed", ev.ID), s.key("journey", ev.OrderID), s.key("steps", ev.OrderID), s.key("inflight"), s.key("summary")}
	n, err := applyScript.Run(ctx, s.rdb, keys, ev.Type, string(step), seconds(s.markTTL), items, ev.Final, ev.OccurredAt, seconds(s.keepTTL)).Int()
	return n == 1, err
}

// Journey returns nil when the order has no journey (yet).
func (s *Store) Journey(ctx context.Context, orderID string) (*Journey, error) {
	pipe := s.rdb.Pipeline()
	meta := pipe.HGetAll(ctx, s.key("journey", orderID))
	steps := pipe.LRange(ctx, s.key("steps", orderID), 0, -1)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	if len(meta.Val()) == 0 {
		return nil, nil
	}
	j := &Journey{OrderID: orderID, Status: meta.Val()["status"], Steps: []Step{}}
	if v, ok := meta.Val()["placedAt"]; ok {
		j.PlacedAt = &v
	}
	if v, ok := meta.Val()["finalAt"]; ok {
		j.FinalAt = &v
	}
	for _, raw := range steps.Val() {
		var st Step
		if err := json.Unmarshal([]byte(raw), &st); err == nil {
			j.Steps = append(j.Steps, st)
		}
	}
	return j, nil
}

func (s *Store) Summary(ctx context.Context) (*Summary, error) {
	pipe := s.rdb.Pipeline()
	counts := pipe.HGetAll(ctx, s.key("summary"))
	skus := pipe.HGetAll(ctx, s.key("inflight"))
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	n := func(m map[string]string, k string) int64 { v, _ := strconv.ParseInt(m[k], 10, 64); return v }
	c := counts.Val()
	sum := &Summary{Events: n(c, "events"), Placed: n(c, "placed"), Confirmed: n(c, "confirmed"), Rejected: n(c, "rejected"), Cancelled: n(c, "cancelled"), InFlightBySku: map[string]int64{}}
	for sku := range skus.Val() {
		if v := n(skus.Val(), sku); v > 0 {
			sum.InFlightBySku[sku] = v
		}
	}
	return sum, nil
}

// Ping is the readiness check of the store.
func (s *Store) Ping(ctx context.Context) error { return s.rdb.Ping(ctx).Err() }

func seconds(d time.Duration) int64 {
	if d < time.Second {
		return 1
	}
	return int64(d / time.Second)
}
