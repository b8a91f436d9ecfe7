// Package consume reads the saga's topics with franz-go and applies each event to the read model:
// at least once from Kafka, exactly once in Redis (the event's mark and its effect are one script).
package consume

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"msa-platform/apps/tracking/internal/config"
	"msa-platform/apps/tracking/internal/events"
	"msa-platform/apps/tracking/internal/metrics"
)

// Applier is the read model: false for an event it had applied already.
type Applier interface {
	Apply(ctx context.Context, topic string, ev *events.Event, traceID string, now time.Time) (bool, error)
}

type Consumer struct {
	cfg   *config.Config
	store Applier
	m     *metrics.Metrics
	log   *slog.Logger
	state atomic.Value
	cl    atomic.Pointer[kgo.Client]
}

func New(cfg *config.Config, store Applier, m *metrics.Metrics, log *slog.Logger) *Consumer {
	c := &Consumer{cfg: cfg, store: store, m: m, log: log}
	c.state.Store("starting")
	return c
}

// State is the readiness check's word: starting, ok, retrying, restarting, stopped.
func (c *Consumer) State() string { return c.state.Load().(string) }

// Ping asks the broker for its metadata: the readiness check of Kafka.
func (c *Consumer) Ping(ctx context.Context) error {
	cl := c.cl.Load()
	if cl == nil {
		return errors.New("no client")
	}
	return cl.Ping(ctx)
}

// Group and DeadLetterTopic follow the catalog contract (packages/catalog/src/contract/names.ts).
func (c *Consumer) Group() string           { return c.cfg.TopicPrefix + c.cfg.Service }
func (c *Consumer) DeadLetterTopic() string { return c.cfg.TopicPrefix + c.cfg.Service + ".dlq" }

// Run consumes until ctx ends; a loop that dies (commit or dead-letter send failed) is rebuilt with backoff.
func (c *Consumer) Run(ctx context.Context) {
	for attempt := 0; ctx.Err() == nil; attempt++ {
		err := c.runOnce(ctx)
		c.m.ConsumerUp.Set(0)
		if ctx.Err() != nil {
			break
		}
		c.m.ConsumerRestarts.Inc()
		c.state.Store("restarting")
		c.log.Error("consumer stopped; rebuilding it", "err", err)
		sleep(ctx, backoff(c.cfg.RetryBase, c.cfg.RetryMax, attempt))
	}
	c.state.Store("stopped")
}

func (c *Consumer) runOnce(ctx context.Context) error {
	topics := make([]string, len(c.cfg.TopicsConsumed))
	for i, t := range c.cfg.TopicsConsumed {
		topics[i] = c.cfg.TopicPrefix + t
	}
	auth, err := authOptions(ctx, c.cfg)
	if err != nil {
		return err
	}
	cl, err := kgo.NewClient(append(auth,
		kgo.SeedBrokers(c.cfg.KafkaBrokers...),
		kgo.ConsumerGroup(c.Group()),
		kgo.ConsumeTopics(topics...),
		kgo.DisableAutoCommit(),
		kgo.BlockRebalanceOnPoll(),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.SessionTimeout(10*time.Second),
		kgo.ClientID(c.cfg.Service),
		// In the group with partitions: the consumer is up (as the kit's is once it has joined).
		kgo.OnPartitionsAssigned(func(context.Context, *kgo.Client, map[string][]int32) {
			c.m.ConsumerUp.Set(1)
			if c.State() != "retrying" {
				c.state.Store("ok")
			}
		}),
	)...)
	if err != nil {
		return err
	}
	c.cl.Store(cl)
	// A poll blocks rebalances until AllowRebalance; leaving the group (Close) needs them allowed.
	defer func() { c.cl.Store(nil); cl.AllowRebalance(); cl.Close() }()
	for {
		fetches := cl.PollRecords(ctx, 500)
		if ctx.Err() != nil || fetches.IsClientClosed() {
			return ctx.Err()
		}
		var fetchErr error
		fetches.EachError(func(topic string, p int32, err error) { fetchErr = fmt.Errorf("fetch %s[%d]: %w", topic, p, err) })
		if fetchErr != nil && fetches.NumRecords() == 0 {
			c.log.Warn("fetch failed", "err", fetchErr)
			sleep(ctx, c.cfg.RetryBase)
			cl.AllowRebalance()
			continue
		}
		c.m.ConsumerUp.Set(1)
		if c.State() != "retrying" {
			c.state.Store("ok")
		}
		done, err := c.handleFetches(ctx, cl, fetches)
		// Only what was handled is committed: an interrupted record comes back, and its mark makes it a duplicate if it had landed.
		commitCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		commitErr := cl.CommitRecords(commitCtx, done...)
		cancel()
		cl.AllowRebalance()
		if err != nil {
			return err
		}
		if commitErr != nil {
			return fmt.Errorf("offset commit: %w", commitErr)
		}
	}
}

// handleFetches runs each partition's records in order, partitions side by side; it returns the
// last handled record of each partition.
func (c *Consumer) handleFetches(ctx context.Context, cl *kgo.Client, fetches kgo.Fetches) ([]*kgo.Record, error) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	var done []*kgo.Record
	var firstErr error
	fetches.EachPartition(func(p kgo.FetchTopicPartition) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last *kgo.Record
			for _, rec := range p.Records {
				if err := c.handle(ctx, cl, rec); err != nil {
					mu.Lock()
					if firstErr == nil && !errors.Is(err, context.Canceled) {
						firstErr = err
					}
					mu.Unlock()
					break
				}
				last = rec
			}
			if last != nil {
				mu.Lock()
				done = append(done, last)
				mu.Unlock()
			}
		}()
	})
	wg.Wait()
	return done, firstErr
}

// handle applies one record; it returns an error only when the record was not dealt with
// (shutdown, or its dead letter could not be sent).
func (c *Consumer) handle(ctx context.Context, cl *kgo.Client, rec *kgo.Record) error {
	topic := strings.TrimPrefix(rec.Topic, c.cfg.TopicPrefix)
	traceID := TraceID(header(rec, "traceparent"))
	ev, err := events.Parse(topic, rec.Value)
	if err != nil {
		return c.deadLetter(ctx, cl, rec, topic, "invalid_message", err.Error())
	}
	if !ev.Known {
		c.m.Consumed.WithLabelValues(topic, "ignored").Inc()
		return nil
	}
	var firstTransient time.Time
	defer c.m.ConsumerRetrySeconds.Set(0)
	for attempt := 1; ; attempt++ {
		applied, err := c.store.Apply(ctx, topic, ev, traceID, time.Now())
		if err == nil {
			if c.State() == "retrying" {
				c.state.Store("ok")
			}
			outcome := map[bool]string{true: "processed", false: "duplicate"}[applied]
			c.m.Consumed.WithLabelValues(topic, outcome).Inc()
			c.log.Debug("event applied", "topic", topic, "type", ev.Type, "event_id", ev.ID, "order_id", ev.OrderID, "outcome", outcome, "trace_id", traceID)
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		kind := Classify(err)
		if kind == Permanent || (kind == Unknown && attempt >= c.cfg.MaxAttempts) {
			why := map[bool]string{true: "permanent", false: "attempts_exhausted"}[kind == Permanent]
			return c.deadLetter(ctx, cl, rec, topic, why, fmt.Sprintf("%s after %d attempt(s): %v", kind, attempt, err))
		}
		if kind == Transient {
			if firstTransient.IsZero() {
				firstTransient = time.Now()
			}
			c.state.Store("retrying")
			c.m.ConsumerTransientFailures.WithLabelValues(topic).Inc()
			c.m.ConsumerRetrySeconds.Set(time.Since(firstTransient).Seconds())
		}
		c.log.Warn("event failed; retrying", "topic", topic, "event_id", ev.ID, "kind", kind, "attempt", attempt, "err", err, "trace_id", traceID)
		sleep(ctx, backoff(c.cfg.RetryBase, c.cfg.RetryMax, attempt-1))
	}
}

// deadLetter sends the original key, value and headers to <service>.dlq with the kit's dlq-* headers;
// why is the kit's reason label (invalid_message, permanent, attempts_exhausted).
func (c *Consumer) deadLetter(ctx context.Context, cl *kgo.Client, rec *kgo.Record, topic, why, reason string) error {
	headers := append([]kgo.RecordHeader{}, rec.Headers...)
	for k, v := range map[string]string{
		"dlq-reason": reason, "dlq-source-topic": topic, "dlq-source-partition": strconv.Itoa(int(rec.Partition)),
		"dlq-source-offset": strconv.FormatInt(rec.Offset, 10), "dlq-consumer": c.cfg.Service, "dlq-failed-at": time.Now().UTC().Format(time.RFC3339Nano),
	} {
		headers = append(headers, kgo.RecordHeader{Key: k, Value: []byte(v)})
	}
	dl := &kgo.Record{Topic: c.DeadLetterTopic(), Key: rec.Key, Value: rec.Value, Headers: headers}
	if err := cl.ProduceSync(ctx, dl).FirstErr(); err != nil {
		return fmt.Errorf("dead-letter send: %w", err)
	}
	c.m.Consumed.WithLabelValues(topic, "dead_lettered").Inc()
	c.m.DeadLetters.WithLabelValues(topic, why).Inc()
	c.log.Warn("message dead-lettered", "topic", topic, "partition", rec.Partition, "offset", rec.Offset, "reason", reason, "trace_id", TraceID(header(rec, "traceparent")))
	return nil
}

var traceparentRe = regexp.MustCompile(`^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$`)

// TraceID is the trace a W3C traceparent names, or "" for none or a malformed one.
func TraceID(traceparent string) string {
	m := traceparentRe.FindStringSubmatch(strings.TrimSpace(traceparent))
	if m == nil || m[1] == strings.Repeat("0", 32) {
		return ""
	}
	return m[1]
}

func header(rec *kgo.Record, key string) string {
	for _, h := range rec.Headers {
		if h.Key == key {
			return string(h.Value)
		}
	}
	return ""
}

func backoff(base, max time.Duration, attempt int) time.Duration {
	d := base
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
