package consume_test

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"

	"msa-platform/apps/tracking/internal/consume"
	"msa-platform/apps/tracking/internal/events"
)

func TestFailuresAreToldApartLikeTheKitDoes(t *testing.T) {
	cases := []struct {
		err  error
		want consume.Kind
	}{
		{&events.InvalidError{Reason: "bad"}, consume.Permanent},
		{fmt.Errorf("dial: %w", syscall.ECONNREFUSED), consume.Transient},
		{context.DeadlineExceeded, consume.Transient},
		{errors.New("LOADING Redis is loading the dataset in memory"), consume.Transient},
		{errors.New("READONLY You can't write against a read only replica."), consume.Transient},
		{errors.New("redis: connection pool timeout"), consume.Transient},
		{errors.New("ERR Error running script: attempt to index a nil value"), consume.Unknown},
	}
	for _, c := range cases {
		if got := consume.Classify(c.err); got != c.want {
			t.Errorf("%v: got %s, want %s", c.err, got, c.want)
		}
	}
}

func TestATraceparentGivesItsTraceIdAndAMalformedOneNone(t *testing.T) {
	if got := consume.TraceID("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"); got != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatal(got)
	}
	for _, bad := range []string{"", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"} {
		if got := consume.TraceID(bad); got != "" {
			t.Errorf("%q gave %q", bad, got)
		}
	}
}
