package main

import (
	"context"
	"os"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials/insecure"
)

// parentPollInterval is how often the host checks that the engine is still its parent.
const parentPollInterval = 200 * time.Millisecond

// watchEngine calls stop once the engine that started this host is gone: either the host's
// parent process changed (the engine starts the host as its child, so a killed engine hands the
// host to init or a subreaper), or the engine's gRPC server, having answered once, refuses
// connections. The engine closes its plugins before its own server in a normal shutdown, so
// neither happens while the engine still wants the host.
func watchEngine(engineAddress string, stop func()) {
	var once sync.Once
	gone := func() { once.Do(stop) }

	if parent := os.Getppid(); parent > 1 {
		go func() {
			for range time.Tick(parentPollInterval) {
				if os.Getppid() != parent {
					gone()
					return
				}
			}
		}()
	}
	if engineAddress != "" {
		go watchEngineConnection(engineAddress, gone)
	}
}

// watchEngineConnection keeps a gRPC connection to the engine and calls gone when it fails to
// reconnect after having been ready. A lost connection makes the channel idle; asking it to
// connect again then ends in TRANSIENT_FAILURE when nothing listens any more.
func watchEngineConnection(engineAddress string, gone func()) {
	conn, err := grpc.NewClient(engineAddress, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return
	}
	defer conn.Close()
	ctx := context.Background()
	wasReady := false
	for {
		state := conn.GetState()
		switch state {
		case connectivity.Idle:
			conn.Connect()
		case connectivity.Ready:
			wasReady = true
		case connectivity.TransientFailure:
			if wasReady {
				gone()
				return
			}
		case connectivity.Shutdown:
			return
		}
		conn.WaitForStateChange(ctx, state)
	}
}

// stopWithEngine ends the Node.js programs this host started, and the host. The engine starts
// the host in a process group of its own, which the programs (and whatever they started) share,
// so killing the group reaches them all, this host included. When the host does not lead its
// group (started by hand), only the programs it knows of are killed.
func (h *host) stopWithEngine() {
	if syscall.Getpgrp() == os.Getpid() {
		_ = syscall.Kill(0, syscall.SIGKILL)
	}
	h.mu.Lock()
	for cmd := range h.running {
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
		}
	}
	h.mu.Unlock()
	os.Exit(1)
}
