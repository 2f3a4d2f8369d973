// Command gen writes the built-in sample's data: the scenario dataset, regenerated from its deterministic
// generator (source/sample/story), and, when asked, the Invictus dataset copied in gzipped. Run it with
// go generate ./source/sample, then commit the files.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/klauspost/compress/gzip"

	"github.com/trailscope/trailscope/source/sample/story"
)

func main() {
	out := flag.String("out", "data", "the sample's data folder")
	invictus := flag.String("invictus", "", "also copy the Invictus dataset from this folder (its CloudTrail/*.json, LICENSE)")
	flag.Parse()
	if err := run(*out, *invictus); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out, invictus string) error {
	files, truth, st, err := story.Generate()
	if err != nil {
		return err
	}
	dir := filepath.Join(out, "scenarios")
	if err := os.RemoveAll(filepath.Join(dir, "AWSLogs")); err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("scenarios: %d files, %d records (%d for the scenarios), %.1f MB of JSON, %.1f MB gzipped, %d scenarios\n",
		st.Files, st.Records, st.Incident, float64(st.JSONBytes)/1e6, float64(st.GzipBytes)/1e6, len(truth))
	if invictus != "" {
		return copyInvictus(invictus, filepath.Join(out, "invictus"))
	}
	return nil
}

// copyInvictus gzips the dataset's log files into dst/CloudTrail and copies its license.
func copyInvictus(src, dst string) error {
	names, err := filepath.Glob(filepath.Join(src, "CloudTrail", "*.json"))
	if err != nil || len(names) == 0 {
		return fmt.Errorf("no CloudTrail/*.json in %s", src)
	}
	if err := os.RemoveAll(filepath.Join(dst, "CloudTrail")); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dst, "CloudTrail"), 0o755); err != nil {
		return err
	}
	var total int64
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if _, err := zw.Write(data); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		total += int64(buf.Len())
		if err := os.WriteFile(filepath.Join(dst, "CloudTrail", filepath.Base(n)+".gz"), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	lic, err := os.ReadFile(filepath.Join(src, "LICENSE"))
	if err != nil {
		return err
	}
	if !strings.Contains(string(lic), "MIT License") {
		return fmt.Errorf("%s/LICENSE is not the MIT license any more: check before embedding", src)
	}
	if err := os.WriteFile(filepath.Join(dst, "LICENSE"), lic, 0o644); err != nil {
		return err
	}
	fmt.Printf("invictus: %d files, %.1f MB gzipped\n", len(names), float64(total)/1e6)
	return nil
}
