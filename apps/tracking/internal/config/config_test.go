package config_test

import (
	"strings"
	"testing"

	"msa-platform/apps/tracking/internal/config"
)

func lookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

// withAuth adds the issuer serviceEnv always gives (AUTH_*).
func withAuth(env map[string]string) map[string]string {
	env["AUTH_ISSUER"], env["AUTH_AUDIENCE"], env["AUTH_JWKS"] = "urn:msa:dev-issuer:test", "msa-api", "/tmp/jwks.json"
	return env
}

func TestTheCatalogsEnvironmentIsRead(t *testing.T) {
	c, err := config.Load(lookup(withAuth(map[string]string{"SERVICE_NAME": "tracking", "PORT": "3104", "KAFKA_BROKERS": "a:1, b:2", "REDIS_URL": "redis://:pw@127.0.0.1:6379/0", "TOPICS_CONSUMED": "order.events,delivery.events", "TOPIC_PREFIX": "pr7."})))
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 3104 || len(c.KafkaBrokers) != 2 || c.TopicsConsumed[1] != "delivery.events" || c.HealthPath != "/healthz" || c.MaxAttempts != 4 ||
		c.Auth != (config.Auth{Issuer: "urn:msa:dev-issuer:test", Audience: "msa-api", JWKS: "/tmp/jwks.json", RolesClaim: "roles"}) {
		t.Fatalf("%+v", c)
	}
}

func TestMskIamNeedsTheRegionItSignsFor(t *testing.T) {
	base := withAuth(map[string]string{"SERVICE_NAME": "tracking", "PORT": "3104", "KAFKA_BROKERS": "b:9098", "REDIS_URL": "rediss://:t@cache:6379/0", "KAFKA_AUTH": "aws-iam"})
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

func TestItRefusesToStartWithoutItsTokenIssuer(t *testing.T) {
	_, err := config.Load(lookup(map[string]string{"SERVICE_NAME": "tracking", "PORT": "3104", "KAFKA_BROKERS": "a:1", "REDIS_URL": "redis://127.0.0.1:6379/0"}))
	for _, name := range []string{"AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_JWKS"} {
		if err == nil || !strings.Contains(err.Error(), name+":") {
			t.Errorf("%s not named in: %v", name, err)
		}
	}
}

func TestTheJwksIsAUrlOrAnAbsoluteFileAndTheRolesClaimIsConfigurable(t *testing.T) {
	env := withAuth(map[string]string{"SERVICE_NAME": "tracking", "PORT": "3104", "KAFKA_BROKERS": "a:1", "REDIS_URL": "redis://127.0.0.1:6379/0", "AUTH_ROLES_CLAIM": "cognito:groups"})
	env["AUTH_JWKS"] = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x/.well-known/jwks.json"
	if c, err := config.Load(lookup(env)); err != nil || c.Auth.RolesClaim != "cognito:groups" {
		t.Fatalf("%+v %v", c, err)
	}
	env["AUTH_JWKS"] = "relative/jwks.json"
	if _, err := config.Load(lookup(env)); err == nil || !strings.Contains(err.Error(), "AUTH_JWKS: an http(s):// JWKS URL or an absolute path") {
		t.Fatalf("want AUTH_JWKS named, got %v", err)
	}
}
