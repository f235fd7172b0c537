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
	"syscall"
	"time"

	"github.com/intelcell/intelcell/extract"
	apihttp "github.com/intelcell/intelcell/http"
	"github.com/intelcell/intelcell/kb"
	"github.com/intelcell/intelcell/worker"
)

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
