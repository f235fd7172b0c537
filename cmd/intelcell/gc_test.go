package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
)

// TestTuneGC: serve lets the heap grow to three times what is live with a
// soft limit of a quarter of memory, unless GOGC or GOMEMLIMIT are set.
func TestTuneGC(t *testing.T) {
	oldPercent := debug.SetGCPercent(100)
	oldLimit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(oldPercent); debug.SetMemoryLimit(oldLimit) })

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	os.Unsetenv("GOGC")
	os.Unsetenv("GOMEMLIMIT")
	debug.SetMemoryLimit(1 << 62)
	tuneGC()
	if p := debug.SetGCPercent(100); p != 200 {
		t.Errorf("GC percent %d, want 200", p)
	}
	if runtime.GOOS == "linux" {
		mem := physicalMemory()
		if mem <= 0 {
			t.Fatal("no MemTotal in /proc/meminfo")
		}
		if l := debug.SetMemoryLimit(-1); l != mem/4 {
			t.Errorf("memory limit %d, want %d", l, mem/4)
		}
	}

	// the operator's settings win
	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "1GiB")
	debug.SetGCPercent(150)
	debug.SetMemoryLimit(1 << 30)
	tuneGC()
	if p := debug.SetGCPercent(100); p != 150 {
		t.Errorf("with GOGC=150 set: GC percent %d", p)
	}
	if l := debug.SetMemoryLimit(-1); l != 1<<30 {
		t.Errorf("with GOMEMLIMIT set: memory limit %d", l)
	}
}
