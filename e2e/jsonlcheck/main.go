// Command jsonlcheck checks JSON lines written by `trailscope query --format json` against the
// archive they came from, read here on its own: every line parses and is, byte for byte, a record of
// the archive; eventTime never goes backwards; every eventID of the archive is there exactly once.
// It reads S3 delivery files ({"Records":[...]}, gzipped or not), as `trailscope synth` writes them.
//
//	trailscope query --format json DIR '' | go run ./e2e/jsonlcheck DIR
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

type record struct {
	EventID   string `json:"eventID"`
	EventTime string `json:"eventTime"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: trailscope query --format json DIR '' | jsonlcheck DIR")
		os.Exit(2)
	}
	want, records, err := readArchive(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "jsonlcheck:", err)
		os.Exit(2)
	}
	problems := check(os.Stdin, want, records)
	for i, p := range problems {
		if i == 20 {
			fmt.Fprintf(os.Stderr, "... and %d more\n", len(problems)-20)
			break
		}
		fmt.Fprintln(os.Stderr, p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}

// readArchive returns the hash of every record of the archive by eventID, and how many records it holds.
func readArchive(dir string) (map[string][32]byte, int, error) {
	want := map[string][32]byte{}
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(d.Name(), ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			if data, err = io.ReadAll(zr); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		var file struct{ Records []json.RawMessage }
		if err := json.Unmarshal(data, &file); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for _, raw := range file.Records {
			var r record
			if err := json.Unmarshal(raw, &r); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			want[r.EventID] = sha256.Sum256(raw)
			n++
		}
		return nil
	})
	return want, n, err
}

// check reads the lines and returns what is wrong with them.
func check(in io.Reader, want map[string][32]byte, records int) []string {
	var problems []string
	seen := make(map[string]bool, len(want))
	var last time.Time
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	line := 0
	for sc.Scan() {
		line++
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			problems = append(problems, fmt.Sprintf("line %d does not parse: %v", line, err))
			continue
		}
		t, err := time.Parse(time.RFC3339, r.EventTime)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("line %d: eventTime %q: %v", line, r.EventTime, err))
		case t.Before(last):
			problems = append(problems, fmt.Sprintf("line %d: eventTime %s goes back from %s", line, r.EventTime, last.Format(time.RFC3339)))
		default:
			last = t
		}
		h, ok := want[r.EventID]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("line %d: eventID %q is not in the archive", line, r.EventID))
		case seen[r.EventID]:
			problems = append(problems, fmt.Sprintf("line %d: eventID %q again", line, r.EventID))
		case h != sha256.Sum256(sc.Bytes()):
			problems = append(problems, fmt.Sprintf("line %d: eventID %q is not the archive's record byte for byte", line, r.EventID))
		}
		seen[r.EventID] = true
	}
	if err := sc.Err(); err != nil {
		problems = append(problems, "read the lines: "+err.Error())
	}
	if len(seen) < len(want) {
		problems = append(problems, fmt.Sprintf("%d eventIDs of the archive are missing", len(want)-len(seen)))
	}
	fmt.Fprintf(os.Stderr, "jsonlcheck: %d lines, %d distinct eventIDs of %d in the archive (%d records with duplicate deliveries); %d problems\n",
		line, len(seen), len(want), records, len(problems))
	return problems
}
