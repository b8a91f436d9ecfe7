// The tracking service: a read side in Go on Redis. It follows the order saga on the three
// services' topics and keeps each order's journey; see README.md in this folder.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/redis/go-redis/v9"

	"msa-platform/apps/tracking/internal/auth"
	"msa-platform/apps/tracking/internal/config"
	"msa-platform/apps/tracking/internal/consume"
	"msa-platform/apps/tracking/internal/httpapi"
	"msa-platform/apps/tracking/internal/journey"
	"msa-platform/apps/tracking/internal/metrics"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level(cfg.LogLevel)})).With("service", cfg.Service)
	slog.SetDefault(log) // the JWKS refresher logs its failures through slog's default
	// Before anything connects: a JWKS file that cannot be read stops the start, naming AUTH_JWKS.
	keysCtx, stopKeys := context.WithCancel(context.Background())
	defer stopKeys()
	verifier, err := auth.New(keysCtx, cfg.Auth)
	if err != nil {
		return err
	}
	opts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return fmt.Errorf("REDIS_URL: %w", err)
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	m := metrics.New(cfg.Service, cfg.Version)
	store := journey.NewStore(rdb, cfg.RedisKeyPrefix, cfg.ProcessedRetention)
	consumer := consume.New(cfg, store, m, log)
	lag := consume.NewLagReader(cfg, consumer.Group())
	defer lag.Close()
	m.RegisterLag(lag.Read)
	api := httpapi.New(cfg, store, m, log, []httpapi.Check{
		{Name: "redis", Required: true, State: func(ctx context.Context) string { return stateOf(store.Ping(ctx)) }},
		{Name: "kafka", State: func(ctx context.Context) string { return stateOf(consumer.Ping(ctx)) }},
		{Name: "consumer", State: func(context.Context) string { return consumer.State() }},
	}, verifier)
	ln, err := listen(net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port)))
	if err != nil {
		return fmt.Errorf("listen on %s:%d: %w", cfg.Host, cfg.Port, err)
	}
	srv := &http.Server{Handler: api.Handler()}
	// The API listens before the consumer joins its group, as the kit's services do.
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server failed", "err", err)
		}
	}()
	log.Info("listening", "address", ln.Addr().String(), "version", cfg.Version)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	consumed := make(chan struct{})
	go func() { consumer.Run(ctx); close(consumed) }()
	<-ctx.Done()
	// Stop consuming (what is in hand is committed or comes back), then finish in-flight requests.
	api.ShuttingDown.Store(true)
	log.Info("shutting down")
	<-consumed
	shutdownCtx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

func stateOf(err error) string {
	if err != nil {
		return "unreachable"
	}
	return "ok"
}

func level(name string) slog.Level {
	switch name {
	case "debug", "trace":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error", "fatal":
		return slog.LevelError
	}
	return slog.LevelInfo
}
