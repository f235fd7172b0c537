package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds the intelcell command once per test run.
var buildOnce struct {
	sync.Once
	path string
	err  error
}

func buildBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "intelcell-bin")
		if err != nil {
			buildOnce.err = err
			return
		}
		buildOnce.path = filepath.Join(dir, "intelcell")
		out, err := exec.Command("go", "build", "-o", buildOnce.path, ".").CombinedOutput()
		if err != nil {
			buildOnce.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildOnce.err != nil {
		t.Fatal(buildOnce.err)
	}
	return buildOnce.path
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServe starts `intelcell serve` on a free loopback port and waits
// until it is ready.
func startServe(t *testing.T, bin, data string) (*exec.Cmd, string) {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--data", data, "--addr", addr, "--workers", "2", "--feed-interval", "0")
	cmd.Stdout = io.Discard
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return cmd, base
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	t.Fatalf("serve did not become ready; stderr:\n%s", logs.String())
	return nil, ""
}

// TestKill9 posts reports to a real server process, kills it with SIGKILL at
// a random moment, restarts it and checks that every report acknowledged
// with 202 is there and gets extracted (status done): an acknowledgement
// means the report and its job are on disk.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	start := time.Now()
	bin := buildBinary(t)
	data := t.TempDir()
	if _, errOut, code := runCLI(t, "", "org", "create", "alpha", "--data", data); code != 0 {
		t.Fatal(errOut)
	}
	out, errOut, code := runCLI(t, "", "token", "create", "--org", "alpha", "--role", "analyst", "--data", data)
	if code != 0 {
		t.Fatal(errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]

	const maxReports = 400
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	killAfter := time.Duration(300+rng.IntN(1200)) * time.Millisecond
	t.Logf("seed %d: SIGKILL after %v", seed, killAfter)

	proc, base := startServe(t, bin, data)
	client := &http.Client{Timeout: 5 * time.Second}
	post := func(i int) (string, int, error) {
		body, _ := json.Marshal(map[string]any{
			"title": fmt.Sprintf("Report %d", i), "date": "2016-05-10",
			"text":    fmt.Sprintf("Jordan agreed on Sunday to expand intelligence cooperation with Egypt (item %d, run %d).", i, seed),
			"release": map[string]string{"audience": "org"},
		})
		req, _ := http.NewRequest("POST", base+"/api/v1/reports", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return "", 0, err
		}
		defer resp.Body.Close()
		var r struct{ ID string }
		json.NewDecoder(resp.Body).Decode(&r)
		return r.ID, resp.StatusCode, nil
	}

	var acked []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < maxReports; i++ {
			id, status, err := post(i)
			if err != nil {
				return // the server is gone
			}
			if status == 202 {
				acked = append(acked, id)
			} else {
				t.Errorf("report %d: status %d", i, status)
				return
			}
		}
	}()
	time.Sleep(killAfter)
	if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	proc.Wait()
	<-done
	t.Logf("%d reports acknowledged before SIGKILL", len(acked))
	if len(acked) == 0 {
		t.Fatal("no report was acknowledged before the kill")
	}

	proc, base = startServe(t, bin, data)
	defer func() { proc.Process.Signal(syscall.SIGTERM); proc.Wait() }()
	pending := map[string]bool{}
	for _, id := range acked {
		pending[id] = true
	}
	deadline := start.Add(30 * time.Second)
	lastStatus := map[string]string{}
	for len(pending) > 0 && time.Now().Before(deadline) {
		for id := range pending {
			req, _ := http.NewRequest("GET", base+"/api/v1/reports/"+id, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var r struct{ Status string }
			json.NewDecoder(bufio.NewReader(resp.Body)).Decode(&r)
			resp.Body.Close()
			if resp.StatusCode == 404 {
				t.Fatalf("report %s was acknowledged with 202 but is gone after the kill", id)
			}
			lastStatus[id] = r.Status
			switch r.Status {
			case "done":
				delete(pending, id)
			case "failed":
				t.Fatalf("report %s failed", id)
			}
		}
		if len(pending) > 0 {
			time.Sleep(100 * time.Millisecond)
		}
	}
	for id := range pending {
		t.Errorf("report %s not processed within 30 s (status %q)", id, lastStatus[id])
	}
	t.Logf("all %d acknowledged reports present and done after restart, %v in all", len(acked), time.Since(start).Round(time.Millisecond))
}
