package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestQueryJSONIntoHead pipes JSON lines into a reader that stops after one line, as `| head -1`
// does: trailscope stops quietly, with no message and exit status 0.
func TestQueryJSONIntoHead(t *testing.T) {
	dir := t.TempDir()
	bin := binary(t)
	logs := filepath.Join(dir, "logs")
	if out, err := exec.Command(bin, "synth", "--events", "20000", "--files", "10", logs).CombinedOutput(); err != nil {
		t.Fatalf("synth: %v\n%s", err, out)
	}

	cmd := exec.Command(bin, "query", "--format", "json", logs, "")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadBytes('\n')
	if err != nil {
		t.Fatalf("first line: %v", err)
	}
	var rec map[string]any
	if err := json.Unmarshal(line, &rec); err != nil || rec["eventID"] == nil {
		t.Errorf("first line %q: %v", line, err)
	}
	out.Close() // the reader goes away
	if err := cmd.Wait(); err != nil || stderr.Len() > 0 {
		t.Errorf("trailscope after its reader went away: %v, stderr %q; want exit 0 and no message", err, stderr.String())
	}
}
