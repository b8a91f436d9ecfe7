package metrics

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// The alert rules (monitoring/alerts.rules.yml) read these series by the kit's names and labels,
// for every service in every language: consumer lag per topic and partition, dead letters per reason.
func TestLagAndDeadLettersUnderTheKitsNamesAndLabels(t *testing.T) {
	m := New("tracking", "1.2.3")
	m.RegisterLag(func(context.Context) ([]PartitionLag, error) {
		return []PartitionLag{{Topic: "order.events", Partition: 0, Lag: 0}, {Topic: "order.events", Partition: 2, Lag: 7}}, nil
	})
	m.DeadLetters.WithLabelValues("order.events", "invalid_message").Inc()
	want := `
# HELP kafka_consumer_lag_messages Messages on a consumed topic's partition that the service's consumer group has not committed yet
# TYPE kafka_consumer_lag_messages gauge
kafka_consumer_lag_messages{partition="0",service="tracking",topic="order.events"} 0
kafka_consumer_lag_messages{partition="2",service="tracking",topic="order.events"} 7
`
	if err := testutil.GatherAndCompare(m.Registry, strings.NewReader(want), "kafka_consumer_lag_messages"); err != nil {
		t.Fatal(err)
	}
	got := testutil.ToFloat64(m.DeadLetters.WithLabelValues("order.events", "invalid_message"))
	if got != 1 {
		t.Fatalf("kafka_dead_letters_total{topic=order.events,reason=invalid_message} = %v, want 1", got)
	}
	if n, err := testutil.GatherAndCount(m.Registry, "kafka_dead_letters_total"); err != nil || n != 1 {
		t.Fatalf("kafka_dead_letters_total series = %d (%v), want 1", n, err)
	}
}

// While the broker is away a scrape still answers, with the last lag it read.
func TestLagServesTheLastReadingWhenTheBrokerIsAway(t *testing.T) {
	m := New("tracking", "1.2.3")
	fail := false
	m.RegisterLag(func(context.Context) ([]PartitionLag, error) {
		if fail {
			return nil, errors.New("broker away")
		}
		return []PartitionLag{{Topic: "delivery.events", Partition: 1, Lag: 4}}, nil
	})
	if _, err := m.Registry.Gather(); err != nil {
		t.Fatal(err)
	}
	fail = true
	want := `
# HELP kafka_consumer_lag_messages Messages on a consumed topic's partition that the service's consumer group has not committed yet
# TYPE kafka_consumer_lag_messages gauge
kafka_consumer_lag_messages{partition="1",service="tracking",topic="delivery.events"} 4
`
	if err := testutil.GatherAndCompare(m.Registry, strings.NewReader(want), "kafka_consumer_lag_messages"); err != nil {
		t.Fatal(err)
	}
}
