package web_test

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intelcell/intelcell/web"
)

// TestDistBuilt checks the committed build: the page, its scripts, the
// libraries and the world outlines are all embedded.
func TestDistBuilt(t *testing.T) {
	for _, name := range []string{"index.html", "assets/app/main.js", "assets/app/app.css", "assets/app/views/report.js",
		"assets/vendor/leaflet/leaflet.js", "assets/vendor/cytoscape/cytoscape.min.js", "assets/vendor/uplot/uPlot.iife.min.js",
		"assets/vendor/world/countries-110m.geojson", "assets/vendor/world/ATTRIBUTION.md"} {
		if _, err := fs.Stat(web.Dist(), name); err != nil {
			t.Errorf("dist lacks %s (run: cd web && npm ci && npm run build): %v", name, err)
		}
	}
}

// TestConsoleE2E runs web/e2e/run.mjs — the console in Debian's chromium,
// driven by playwright-core — against a real intelcell server on loopback
// with a temporary data dir, two orgs and their tokens, and (when present)
// the seed article and ../shared/corpus. It skips when node, chromium or
// web/node_modules is missing. Screenshots go to ../test-artifacts/console
// (or $CONSOLE_ARTIFACTS).
func TestConsoleE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("browser test skipped: node is not installed (CI installs it: see .ci/run)")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("browser test skipped: %s is missing (apt-get install -y chromium; .ci/run does it)", chromium)
	}
	if _, err := os.Stat("node_modules/playwright-core"); err != nil {
		t.Skip("browser test skipped: web/node_modules/playwright-core is missing (cd web && npm ci)")
	}

	dir := t.TempDir()
	bin := filepath.Join(dir, "intelcell")
	build := exec.Command("go", "build", "-o", bin, "../cmd/intelcell")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("intelcell %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	lastLine := func(s string) string {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		return strings.TrimSpace(lines[len(lines)-1])
	}
	run("org", "create", "--data", data, "alpha")
	run("org", "create", "--data", data, "beta")
	tokA := lastLine(run("token", "create", "--data", data, "--org", "alpha", "--role", "admin"))
	tokB := lastLine(run("token", "create", "--data", data, "--org", "beta", "--role", "analyst"))
	// Real data for every view: the shared news corpus, released to the whole cell.
	if corpus, err := filepath.Glob("../../shared/corpus/*.jsonl"); err == nil && len(corpus) > 0 {
		for _, f := range corpus {
			out := run("ingest", "--data", data, "--org", "alpha", "--audience", "cell", f)
			t.Logf("%s: %s", filepath.Base(f), lastLine(out))
		}
	} else {
		t.Log("../shared/corpus is absent: the test runs on the reports it submits")
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := exec.CommandContext(ctx, bin, "serve", "--data", data, "--addr", addr)
	srvLog, _ := os.Create(filepath.Join(dir, "serve.log"))
	srv.Stdout, srv.Stderr = srvLog, srvLog
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		srv.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			srv.Process.Kill()
		}
	}()
	base := "http://" + addr
	ready := false
	for i := 0; i < 100 && !ready; i++ {
		if res, err := http.Get(base + "/healthz"); err == nil {
			res.Body.Close()
			ready = res.StatusCode == 200
		}
		if !ready {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !ready {
		b, _ := os.ReadFile(filepath.Join(dir, "serve.log"))
		t.Fatalf("the server did not start:\n%s", b)
	}

	artifacts := os.Getenv("CONSOLE_ARTIFACTS")
	if artifacts == "" {
		artifacts, _ = filepath.Abs("../test-artifacts/console")
	}
	seed := "../../shared/seeds/000_2934a6465c17f8f6.txt"
	cmd := exec.Command(node, "e2e/run.mjs")
	cmd.Env = append(os.Environ(), "BASE_URL="+base, "TOKEN_A="+tokA, "TOKEN_B="+tokB, "SEED="+seed,
		"ARTIFACTS="+artifacts, "CHROMIUM="+chromium)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var report strings.Builder
	for sc.Scan() {
		fmt.Fprintln(&report, sc.Text())
	}
	err = cmd.Wait()
	t.Log("\n" + report.String())
	t.Logf("screenshots: %s", artifacts)
	if err != nil {
		t.Fatalf("browser test failed: %v", err)
	}
}
