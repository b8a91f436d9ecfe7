package consume

import (
	"reflect"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"

	"msa-platform/apps/tracking/internal/metrics"
)

func listed(topic string, offsets ...int64) map[int32]kadm.ListedOffset {
	out := map[int32]kadm.ListedOffset{}
	for p, o := range offsets {
		out[int32(p)] = kadm.ListedOffset{Topic: topic, Partition: int32(p), Offset: o}
	}
	return out
}

// Lag is the end offset minus the group's commit; a partition the group never committed counts from
// the log start (where the consumer would begin); labels carry the catalog's topic name.
func TestLagOfCountsFromTheCommitOrTheLogStart(t *testing.T) {
	ends := kadm.ListedOffsets{"t1.order.events": listed("t1.order.events", 10, 5, 8)}
	starts := kadm.ListedOffsets{"t1.order.events": listed("t1.order.events", 0, 2, 3)}
	committed := kadm.OffsetResponses{"t1.order.events": {
		0: {Offset: kadm.Offset{Topic: "t1.order.events", Partition: 0, At: 10}},
		1: {Offset: kadm.Offset{Topic: "t1.order.events", Partition: 1, At: 1}},
	}}
	got := LagOf("t1.", ends, starts, committed)
	want := []metrics.PartitionLag{
		{Topic: "order.events", Partition: 0, Lag: 0},
		{Topic: "order.events", Partition: 1, Lag: 4},
		{Topic: "order.events", Partition: 2, Lag: 5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("LagOf = %+v, want %+v", got, want)
	}
}
