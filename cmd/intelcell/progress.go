package main

import (
	"io"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
)

// progress is a progress bar on stderr, shown only when stderr is a
// terminal; the nil *progress (not a terminal) does nothing.
type progress struct{ bar *progressbar.ProgressBar }

// newProgress returns a bar counting to total (-1: unknown, a spinner with
// a count and rate), or nil when w is not a terminal.
func newProgress(w io.Writer, total int64, desc string) *progress {
	f, ok := w.(*os.File)
	if !ok || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return nil
	}
	return &progress{bar: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("reports"),
		progressbar.OptionThrottle(100e6),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionFullWidth(),
	)}
}

// Add advances the bar by n.
func (p *progress) Add(n int) {
	if p != nil {
		p.bar.Add(n)
	}
}

// Finish completes and clears the bar.
func (p *progress) Finish() {
	if p != nil {
		p.bar.Finish()
	}
}
