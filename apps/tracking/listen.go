package main

import (
	"context"
	"net"
	"os"
	"syscall"
)

// listen binds the API's port. With REUSE_PORT=1 (the local stack's supervisor sets it when it
// runs several replicas of a program on one port) the socket has SO_REUSEPORT, so each replica
// binds the same port and the kernel spreads the connections, as node:cluster does for Node.js.
func listen(address string) (net.Listener, error) {
	lc := net.ListenConfig{}
	if os.Getenv("REUSE_PORT") == "1" {
		lc.Control = func(_, _ string, c syscall.RawConn) error {
			var sockErr error
			if err := c.Control(func(fd uintptr) {
				sockErr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, 0x0F /* SO_REUSEPORT */, 1)
			}); err != nil {
				return err
			}
			return sockErr
		}
	}
	return lc.Listen(context.Background(), "tcp", address)
}
