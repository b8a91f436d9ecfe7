// Package redistest starts a real redis-server (Debian's, installed by tools/setup.sh) for a test
// package: on a free loopback port, with a password, its data in a temporary folder.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

const password = "test-only-password"

// Server is a running redis-server; Stop ends it.
type Server struct {
	URL string
	cmd *exec.Cmd
	dir string
}

// Start fails (never skips) when redis-server is missing: the project's setup installs it.
func Start() (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server is not on PATH; run tools/setup.sh (it installs Debian's redis-server): %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dir, err := os.MkdirTemp("", "tracking-redis-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", fmt.Sprint(port), "--requirepass", password,
		"--dir", dir, "--save", "", "--appendonly", "no", "--logfile", filepath.Join(dir, "redis.log"))
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{URL: fmt.Sprintf("redis://:%s@127.0.0.1:%d/0", password, port), cmd: cmd, dir: dir}
	rdb := s.Client()
	defer rdb.Close()
	for deadline := time.Now().Add(10 * time.Second); ; {
		if err := rdb.Ping(context.Background()).Err(); err == nil {
			return s, nil
		} else if time.Now().After(deadline) {
			s.Stop()
			return nil, fmt.Errorf("redis-server on port %d did not answer in 10 s: %w", port, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *Server) Client() *redis.Client {
	opts, _ := redis.ParseURL(s.URL)
	return redis.NewClient(opts)
}

// Flush empties the server between tests.
func (s *Server) Flush(t testing.TB) {
	rdb := s.Client()
	defer rdb.Close()
	if err := rdb.FlushAll(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
}

func (s *Server) Stop() {
	_ = s.cmd.Process.Kill()
	_, _ = s.cmd.Process.Wait()
	_ = os.RemoveAll(s.dir)
}
