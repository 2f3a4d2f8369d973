package s3

import (
	"fmt"
	"regexp"
	"strings"
)

// Location is what an s3:// URL names: a bucket, and a prefix in it ("" for the whole bucket) or
// one object.
type Location struct {
	Bucket string
	Prefix string // a folder, ending in "/", or ""; or an object's key when Object is set
	Object bool   // the URL names one object (a .json or .json.gz file): it is read whole
}

// IsURL tells whether a PATH argument is an s3:// URL rather than a local path.
func IsURL(path string) bool {
	return strings.HasPrefix(strings.ToLower(path), "s3://")
}

// bucketName is S3's rule for bucket names (3 to 63 lower-case letters, digits, dots and hyphens,
// starting and ending with a letter or digit), loose enough for S3-compatible stores.
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$`)

// ParseURL reads s3://BUCKET[/PREFIX]. A prefix is a folder: s3://b/AWSLogs and s3://b/AWSLogs/
// are the same, unless the last part is a file name (ending in .json or .json.gz), which names one
// object.
func ParseURL(raw string) (Location, error) {
	if !IsURL(raw) {
		return Location{}, fmt.Errorf("%q is not an s3:// URL", raw)
	}
	rest := raw[len("s3://"):]
	bucket, key, _ := strings.Cut(rest, "/")
	if !bucketName.MatchString(bucket) {
		return Location{}, fmt.Errorf("%s: %q is not a bucket name; write s3://BUCKET/PREFIX, e.g. s3://my-trail-bucket/AWSLogs/", raw, bucket)
	}
	for strings.HasPrefix(key, "/") {
		key = key[1:]
	}
	loc := Location{Bucket: bucket, Prefix: key}
	base := key[strings.LastIndex(key, "/")+1:]
	switch {
	case key == "":
	case strings.HasSuffix(base, ".json") || strings.HasSuffix(base, ".json.gz"):
		loc.Object = true
	case !strings.HasSuffix(key, "/"):
		loc.Prefix += "/"
	}
	return loc, nil
}

// String is the location as an s3:// URL.
func (l Location) String() string { return URL(l.Bucket, l.Prefix) }

// URL names an object or a folder of a bucket.
func URL(bucket, key string) string { return "s3://" + bucket + "/" + key }
