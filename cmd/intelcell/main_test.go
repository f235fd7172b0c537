package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range commands {
		_, errOut, code := runCLI(t, "", c.name, "--help")
		if code != 0 || !strings.Contains(errOut, "usage: intelcell "+c.name) {
			t.Errorf("%s --help: exit %d, output %q", c.name, code, errOut)
		}
	}
	if _, _, code := runCLI(t, "", "nonsense"); code != 2 {
		t.Errorf("unknown command should exit 2, got %d", code)
	}
}

func TestExtractFilter(t *testing.T) {
	text := "Jordan agreed to expand intelligence cooperation with Egypt on Sunday, a spokesman said."
	out, errOut, code := runCLI(t, text, "extract", "-", "--json", "--date", "2016-05-10")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var d struct {
		Date     string
		Mentions []struct{ Text string }
		Events   []struct {
			Cameo string
			Date  string
		}
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if d.Date != "2016-05-10" || len(d.Mentions) < 2 || len(d.Events) == 0 || d.Events[0].Date != "2016-05-08" {
		t.Errorf("unexpected document: %+v", d)
	}
	human, _, code := runCLI(t, text, "extract", "--date", "2016-05-10", "-")
	if code != 0 || !strings.Contains(human, "Jordan (JOR) —") || !strings.Contains(human, "Egypt (EGY)") {
		t.Errorf("human output:\n%s", human)
	}
}

func TestExtractJSONLBatch(t *testing.T) {
	in := `{"id":"a","date":"2016-05-10","title":"Talks","text":"Iran met Iraq."}
not json
{"id":"c","date":"bad","text":"x"}
{"id":"d","text":"Egypt condemned Israel.","extra":1}
`
	out, errOut, code := runCLI(t, in, "extract", "--jsonl", "--date", "2016-05-10")
	if code != 1 || !strings.Contains(errOut, "2 line(s) failed") {
		t.Errorf("exit %d, stderr %q: want 1 and two failures", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("want 4 output lines in input order, got %d:\n%s", len(lines), out)
	}
	var ids []string
	for _, l := range lines {
		var x struct {
			ID    string
			Error string
		}
		if err := json.Unmarshal([]byte(l), &x); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, x.ID+":"+map[bool]string{true: "err", false: "ok"}[x.Error != ""])
	}
	if strings.Join(ids, ",") != "a:ok,:err,c:err,d:ok" {
		t.Errorf("order and errors: %v", ids)
	}
	// the title is the first line: offsets count into "Talks\n" + text
	if !strings.Contains(lines[0], `"text":"Iran","actor"`) || !strings.Contains(lines[0], `"start":6`) {
		t.Errorf("title offsets: %s", lines[0])
	}
}

func TestExtractRefusesBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "x.bin")
	os.WriteFile(bin, []byte("\x00\x01\x02ELF\x00"), 0o644)
	_, errOut, code := runCLI(t, "", "extract", bin)
	if code != 1 || !strings.Contains(errOut, "binary data") {
		t.Errorf("binary input: exit %d, %q", code, errOut)
	}
	_, errOut, code = runCLI(t, "", "extract", "--date", "yesterday", "-")
	if code != 2 || !strings.Contains(errOut, "YYYY-MM-DD") {
		t.Errorf("bad date: exit %d, %q", code, errOut)
	}
	_, _, code = runCLI(t, "", "extract", filepath.Join(dir, "missing.txt"))
	if code != 1 {
		t.Errorf("missing file: exit %d", code)
	}
}

func TestKBCommands(t *testing.T) {
	out, errOut, code := runCLI(t, "", "kb", "check")
	if code != 0 || !strings.Contains(out, "no problems") {
		t.Errorf("kb check: %d %s %s", code, out, errOut)
	}
	out, _, code = runCLI(t, "", "kb", "lookup", "Lavrov", "--date", "2015-09-28")
	if code != 0 || !strings.Contains(out, "RUSGOV") {
		t.Errorf("kb lookup Lavrov: %d %s", code, out)
	}
	out, _, _ = runCLI(t, "", "kb", "stats")
	if !strings.Contains(out, "countries") {
		t.Errorf("kb stats: %s", out)
	}
}
