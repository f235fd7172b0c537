package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/intelcell/intelcell/extract"
	apihttp "github.com/intelcell/intelcell/http"
	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/worker"
)

// tuneGC sets the garbage collector for a long-running server whose live
// heap is mostly the knowledge base and caches (merged windows, answers):
// unless GOGC says otherwise the heap may grow to three times what is live
// (GOGC=200), which halves the collections a stream of merges causes (at
// 100,000 reports: ~9 % less CPU per window merged, ~250 MB more memory);
// unless GOMEMLIMIT says otherwise, a soft limit of a quarter of the
// machine's memory keeps that growth in bounds on small machines.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if total := physicalMemory(); total > 0 {
			debug.SetMemoryLimit(total / 4)
		}
	}
}

// physicalMemory returns the machine's memory in bytes from /proc/meminfo,
// 0 when it cannot be read (not Linux).
func physicalMemory() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// dataFlag and openStore (--data DIR | --db postgres://...) are in store.go.

func init() {
	c := &command{name: "serve", usage: "[--data DIR | --db postgres://...] [--addr 127.0.0.1:8080] [--workers N]",
		help: "Run the cell's server: the HTTP API v1 and the background extraction workers over the embedded database (or PostgreSQL with --db)."}
	c.run = func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := newFlags(c, stderr)
		data := dataFlag(fs)
		addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
		workers := fs.Int("workers", runtime.GOMAXPROCS(0), "parallel extractions")
		kbDir := fs.String("kb-dir", "", "a directory of knowledge-base files that add to or override the built-in ones")
		maxBody := fs.Int64("max-body", apihttp.DefaultMaxBody, "largest request body in bytes")
		allowPrivateFeeds := fs.Bool("allow-private-feeds", false, "let feeds and their pages be fetched from loopback, private and link-local addresses (feed.go)")
		feedInterval := fs.Duration("feed-interval", 10*time.Minute, "how often to poll the feeds (0: never)")
		pos, err := parseInterleaved(fs, args)
		if err != nil {
			return err
		}
		if len(pos) > 0 {
			return wrapUsage("serve takes no arguments")
		}
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
		logger := slog.New(slog.NewJSONHandler(stderr, nil))
		tuneGC()

		db, err := openStore(ctx, *data)
		if err != nil {
			return err
		}
		defer db.Close()
		x, err := extract.Load(kb.Options{Overlay: *kbDir})
		if err != nil {
			return err
		}
		srv := apihttp.NewServer(db, logger)
		srv.MaxBody = *maxBody
		pool := &worker.Pool{Jobs: db, Extractor: x, Workers: *workers, Logger: logger, Observe: srv.ObserveExtraction}
		srv.Waker = pool

		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			return err
		}
		if toks, err := db.FindTokens(ctx, ""); err == nil && len(toks) == 0 {
			fmt.Fprintf(stderr, "No tokens exist yet: only public reports can be read and nothing can be submitted.\n"+
				"Create the first cell admin (works while the server runs):\n"+
				"  intelcell org create %s ORG\n"+
				"  intelcell token create %s --org ORG --role cell-admin\n", data.Flag(), data.Flag())
		}
		fmt.Fprintf(stdout, "intelcell serving on http://%s (data %s, extractor %s, kb %s)\n", ln.Addr(), db.Path(), extract.Version, x.KB().Version())
		hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, IdleTimeout: 2 * time.Minute}
		serveErr := make(chan error, 1)
		go func() { serveErr <- hs.Serve(ln) }()
		poolCtx, stopPool := context.WithCancel(context.Background())
		poolDone := make(chan struct{})
		go func() { pool.Run(poolCtx); close(poolDone) }()
		startFeedPolling(ctx, db, pool.Wake, logger, *allowPrivateFeeds, *feedInterval) // feed.go

		select {
		case <-ctx.Done():
		case err = <-serveErr:
		}
		logger.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		if e := hs.Shutdown(sctx); e != nil {
			logger.Error("http shutdown", "err", e)
		}
		stopPool() // finishes the running batch or requeues it
		<-poolDone
		srv.FlushAudit() // every answered request's audit entry is written
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
	register(c)
}
