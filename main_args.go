package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/trailscope/trailscope/model/filter"
	s3src "github.com/trailscope/trailscope/source/s3"
)

// stdinPiped says whether events may be waiting on stdin: a pipe or a redirected file, not a
// terminal and not /dev/null. A reader that is not a file (a test's) counts as piped; nil does not.
func stdinPiped(r io.Reader) bool {
	if r == nil {
		return false
	}
	f, ok := r.(*os.File)
	if !ok {
		return true
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&fs.ModeCharDevice == 0
}

// isSourceArg says whether an argument names where events are: stdin, a bucket, or a file or
// folder that exists.
func isSourceArg(a string) bool {
	if a == "-" || s3src.IsURL(a) {
		return true
	}
	_, err := os.Stat(a)
	return err == nil
}

// looksLikePath says whether an argument that is not a source was meant as one: it has no filter
// qualifier and reads as a path (a folder separator, an archive's extension, a leading dot or ~).
func looksLikePath(a string) bool {
	if strings.HasPrefix(a, "-") || filter.HasQualifier(a) {
		return false
	}
	if a == "" {
		return false
	}
	ext := strings.ToLower(filepath.Ext(strings.TrimSuffix(a, ".gz")))
	return strings.ContainsRune(a, os.PathSeparator) || strings.HasPrefix(a, ".") || strings.HasPrefix(a, "~") ||
		ext == ".json" || ext == ".jsonl" || ext == ".ndjson" || strings.HasSuffix(a, ".gz")
}

// queryArgs splits query's arguments into the PATHs that lead and the filter after them, as a
// shell user types them: `query logs/ event:X error:any` is the filter "event:X error:any" over
// logs/. Each argument after the PATHs must read as filter terms on its own, so that an unquoted
// value with a space is caught rather than silently split into two terms. hint, when not empty,
// is something worth telling the user on stderr.
func queryArgs(args []string) (paths []string, text, hint string, err error) {
	i := 0
	for i < len(args) && (isSourceArg(args[i]) || looksLikePath(args[i])) {
		i++ // a missing PATH is reported by the source, with the rest of what is wrong
	}
	paths, rest := args[:i], args[i:]
	if len(rest) == 0 {
		return paths, "", "no FILTER given: every event matches (give one after the PATHs, '' for all)", nil
	}
	for _, a := range rest {
		if looksLikePath(a) {
			if isSourceArg(a) {
				return nil, "", "", fmt.Errorf("%s: PATHs go before the FILTER", a)
			}
			_, err := os.Stat(a)
			return nil, "", "", fmt.Errorf("read %s: %w", a, errors.Unwrap(err))
		}
		if len(rest) > 1 {
			if _, err := filter.ParseQuery(a); err != nil {
				return nil, "", "", fmt.Errorf("filter %q: %w\n(quote the whole filter as one argument: trailscope query PATH '%s')",
					a, err, strings.Join(rest, " "))
			}
		}
	}
	return paths, strings.Join(rest, " "), "", nil
}

// flagError explains a flag the user did not mean as one: a negated filter term (`-readonly:true`)
// is read by the shell's rules as a flag unless `--` comes before it. pflag names the argument
// last: "unknown shorthand flag: 'r' in -readonly:true".
func flagError(err error) error {
	_, arg, ok := strings.Cut(err.Error(), " in -")
	if ok && filter.HasQualifier(arg) {
		return fmt.Errorf("%w\n-%s is a negated filter term: put -- before the filter (trailscope query PATH -- '-%s')", err, arg, arg)
	}
	return err
}

// version is the module version and VCS revision the binary was built from.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev != "" {
		v += fmt.Sprintf(" (revision %.12s%s)", rev, modified)
	}
	return v
}

// errNothingRead is the error of a load that found nothing it could read: exit 2, not "no match".
var errNothingRead = errors.New("nothing could be read")
