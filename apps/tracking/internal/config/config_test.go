package config_test

import (
	"strings"
	"testing"

	"msa-platform/apps/tracking/internal/config"
)

func lookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestTheCatalogsEnvironmentIsRead(t *testing.T) {
	c, err := config.Load(lookup(map[string]string{"SERVICE_NAME": "tracking", "PORT": "3104", "KAFKA_BROKERS": "a:1, b:2", "REDIS_URL": "redis://:pw@127.0.0.1:6379/0", "TOPICS_CONSUMED": "order.events,delivery.events", "TOPIC_PREFIX": "pr7."}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 3104 || len(c.KafkaBrokers) != 2 || c.TopicsConsumed[1] != "delivery.events" || c.HealthPath != "/healthz" || c.MaxAttempts != 4 {
		t.Fatalf("%+v", c)
	}
}

func TestMskIamNeedsTheRegionItSignsFor(t *testing.T) {
	base := map[string]string{"SERVICE_NAME": "tracking", "PORT": "3104", "KAFKA_BROKERS": "b:9098", "REDIS_URL": "rediss://:t@cache:6379/0", "KAFKA_AUTH": "aws-iam"}
	if _, err := config.Load(lookup(base)); err == nil || !strings.Contains(err.Error(), "AWS_REGION:") {
		t.Fatalf("want AWS_REGION named, got %v", err)
	}
	base["AWS_REGION"] = "eu-central-1"
	if c, err := config.Load(lookup(base)); err != nil || c.KafkaAuth != "aws-iam" {
		t.Fatalf("%+v %v", c, err)
	}
}

func TestEveryInvalidVariableIsNamedAtOnce(t *testing.T) {
	_, err := config.Load(lookup(map[string]string{"PORT": "http", "REDIS_URL": "postgres://x", "HEALTH_PATH": "healthz", "KAFKA_AUTH": "kerberos"}))
	if err == nil {
		t.Fatal("want an error")
	}
	for _, name := range []string{"SERVICE_NAME", "PORT", "KAFKA_BROKERS", "REDIS_URL", "HEALTH_PATH", "KAFKA_AUTH"} {
		if !strings.Contains(err.Error(), name+":") {
			t.Errorf("%s not named in:\n%v", name, err)
		}
	}
}
