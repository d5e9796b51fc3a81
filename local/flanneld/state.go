package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flannel-io/flannel/pkg/ip"
	"github.com/joho/godotenv"
	log "k8s.io/klog/v2"
)

// previousCIDR is KEY of the subnet file a previous run wrote (flannel compares it to replace stale
// masquerade rules); the zero network when there is none.
func previousCIDR(path, key string) ip.IP4Net {
	env, err := godotenv.Read(path)
	if err != nil {
		return ip.IP4Net{}
	}
	_, cidr, err := net.ParseCIDR(env[key])
	if err != nil {
		return ip.IP4Net{}
	}
	return ip.FromIPNet(cidr)
}

// serveHealthz answers /healthz always and /readyz once subnet.env is written, as flanneld v0.28.9
// does (the chart's liveness and readiness probes, port 8081).
func serveHealthz(ctx context.Context, wg *sync.WaitGroup, port int, ready *atomic.Bool) {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("flanneld is running")) })
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !ready.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("flanneld is not ready yet"))
			return
		}
		_, _ = w.Write([]byte("flanneld is ready"))
	})
	server := &http.Server{Addr: net.JoinHostPort("0.0.0.0", strconv.Itoa(port)), Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	wg.Add(2)
	go func() {
		defer wg.Done()
		if err := server.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Errorf("flanneld: healthz on %s: %v", server.Addr, err)
		}
	}()
	go func() {
		defer wg.Done()
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_ = server.Shutdown(shutdown)
	}()
}
