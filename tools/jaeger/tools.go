//go:build tools

// Pins the Jaeger module in go.mod/go.sum so `go build` of its command is reproducible.
package tools

import _ "github.com/jaegertracing/jaeger/cmd/jaeger"
