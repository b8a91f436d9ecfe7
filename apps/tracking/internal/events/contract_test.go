package events_test

// The event contract, read from where the catalog keeps it (packages/catalog/events/envelope.schema.json
// and apps/<producer>/events/<topic>/<Type>.schema.json, generated from the producers' own schemas):
// this consumer checks that every example and every recorded real event is valid by the contract
// (with a JSON Schema validator of its own language) and that it decodes them with its own types.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"msa-platform/apps/tracking/internal/events"
)

// The repository root, from this package's folder (apps/tracking/internal/events).
const root = "../../../.."

type contract struct {
	envelope *jsonschema.Schema
	// types[topic][type]: the schema of the event's data, and its examples.
	types map[string]map[string]eventSchema
}

type eventSchema struct {
	file     string
	schema   *jsonschema.Schema
	examples []any
}

func compile(t *testing.T, c *jsonschema.Compiler, file string) (*jsonschema.Schema, []any) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	url := "file:///" + filepath.ToSlash(file)
	if err := c.AddResource(url, doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	schema, err := c.Compile(url)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	examples, _ := doc.(map[string]any)["examples"].([]any)
	return schema, examples
}

func loadContract(t *testing.T) contract {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat() // uuid and date-time are part of the contract, not hints
	envelope, _ := compile(t, c, filepath.Join(root, "packages/catalog/events/envelope.schema.json"))
	files, err := filepath.Glob(filepath.Join(root, "apps/*/events/*/*.schema.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no event schemas under apps/*/events (%v)", err)
	}
	k := contract{envelope: envelope, types: map[string]map[string]eventSchema{}}
	for _, file := range files {
		topic := filepath.Base(filepath.Dir(file))
		typ := strings.TrimSuffix(filepath.Base(file), ".schema.json")
		schema, examples := compile(t, c, file)
		if k.types[topic] == nil {
			k.types[topic] = map[string]eventSchema{}
		}
		k.types[topic][typ] = eventSchema{file: file, schema: schema, examples: examples}
	}
	return k
}

func asInstance(t *testing.T, v any) any {
	t.Helper()
	raw, _ := json.Marshal(v)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// validate checks a whole message value against the envelope and its type's schema, then decodes it.
func validate(t *testing.T, k contract, topic string, value []byte) *events.Event {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(value))
	if err != nil {
		t.Fatal(err)
	}
	if err := k.envelope.Validate(inst); err != nil {
		t.Fatalf("%s: envelope invalid by the contract: %v", topic, err)
	}
	env := inst.(map[string]any)
	typ, _ := env["type"].(string)
	es, ok := k.types[topic][typ]
	if !ok {
		t.Fatalf("%s %s: no schema in the contract", topic, typ)
	}
	if err := es.schema.Validate(env["data"]); err != nil {
		t.Fatalf("%s %s: data invalid by %s: %v", topic, typ, es.file, err)
	}
	ev, err := events.Parse(topic, value)
	if err != nil {
		t.Fatalf("%s %s: valid by the contract, refused by this consumer: %v", topic, typ, err)
	}
	return ev
}

func TestEveryTypeThisServiceFollowsIsInTheContract(t *testing.T) {
	k := loadContract(t)
	for topic, types := range events.Types {
		for _, typ := range types {
			if _, ok := k.types[topic][typ]; !ok {
				t.Errorf("%s %s is followed here but no producer declares it (apps/*/events/%s/%s.schema.json)", topic, typ, topic, typ)
			}
		}
	}
}

func TestEveryExampleOfTheContractIsValidAndDecodes(t *testing.T) {
	k := loadContract(t)
	for topic, types := range k.types {
		for typ, es := range types {
			if len(es.examples) == 0 {
				t.Errorf("%s has no examples", es.file)
			}
			for _, example := range es.examples {
				if err := es.schema.Validate(asInstance(t, example)); err != nil {
					t.Errorf("%s: its own example is invalid: %v", es.file, err)
					continue
				}
				orderID := example.(map[string]any)["orderId"].(string)
				value, _ := json.Marshal(map[string]any{
					"id": "7d3f0a4e-1c2b-4d5e-8f60-718293a4b5c6", "type": typ, "key": orderID,
					"source": "contract", "occurredAt": "2026-11-30T12:00:00.000Z", "data": example,
				})
				ev := validate(t, k, topic, value)
				if ev.OrderID != orderID || !ev.Known {
					t.Errorf("%s %s: decoded as %+v", topic, typ, ev)
				}
			}
		}
	}
}

func TestTheEnvelopesExamplesAreValid(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	envelope, examples := compile(t, c, filepath.Join(root, "packages/catalog/events/envelope.schema.json"))
	if len(examples) == 0 {
		t.Fatal("the envelope schema has no examples")
	}
	for _, example := range examples {
		if err := envelope.Validate(asInstance(t, example)); err != nil {
			t.Errorf("envelope example invalid: %v", err)
		}
	}
}

// testdata/recorded.jsonl: one real run of the saga's three paths (packages/system-tests/src/record-events-cli.ts).
func TestRecordedEventsOfARealSagaRunAreValidAndDecode(t *testing.T) {
	k := loadContract(t)
	f, err := os.Open("testdata/recorded.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]int{}
	lines := bufio.NewScanner(f)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	for lines.Scan() {
		var rec struct {
			Topic string          `json:"topic"`
			Value json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal(lines.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		ev := validate(t, k, rec.Topic, rec.Value)
		seen[ev.Type]++
		if ev.Type == "OrderPlaced" && len(ev.Items) == 0 {
			t.Errorf("OrderPlaced %s decoded without items", ev.OrderID)
		}
	}
	// The three paths: confirmed, rejected, cancelled after a failed delivery.
	for _, typ := range []string{"OrderPlaced", "OrderConfirmed", "OrderRejected", "OrderCancelled", "StockReserved", "StockRejected", "StockReleased", "DeliveryScheduled", "DeliveryFailed"} {
		if seen[typ] == 0 {
			t.Errorf("the recording has no %s", typ)
		}
	}
}

func TestTheContractRefusesAnEventWithoutARequiredField(t *testing.T) {
	k := loadContract(t)
	es := k.types["order.events"]["OrderPlaced"]
	data := asInstance(t, map[string]any{"orderId": "5f0c8a52-2b1e-4c3a-9a57-0d6f2c1b7e01", "address": "1 Main Street"})
	if err := es.schema.Validate(data); err == nil || !strings.Contains(err.Error(), "items") {
		t.Fatalf("OrderPlaced without items: want an error naming items, got %v", err)
	}
}
