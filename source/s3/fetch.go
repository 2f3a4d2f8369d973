package s3

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
)

// fetchAttempts bounds the tries of one object whose body broke off: the SDK retries a request
// that fails, not a body that stops half-way.
const fetchAttempts = 3

// Fetch makes sure the object o is in the cache and returns its path there. fetched says whether
// it came from the bucket (false: the cache had it whole). GetObject asks for the version that was
// listed (If-Match its ETag); should the object have been replaced since, the new one is fetched.
func (b *Bucket) Fetch(ctx context.Context, cache *Cache, o Object) (path string, fetched bool, err error) {
	path = cache.Path(b.Name, o)
	if cache.Has(path, o) {
		return path, false, nil
	}
	ifMatch := o.ETag
	for attempt := 1; ; attempt++ {
		path, err = b.fetchOnce(ctx, cache, o, ifMatch)
		switch {
		case err == nil:
			return path, true, nil
		case code(err) == "PreconditionFailed" && ifMatch != "":
			ifMatch = "" // replaced since it was listed: take what is there now
		case errors.Is(err, errBody) && attempt < fetchAttempts && ctx.Err() == nil:
		case ctx.Err() != nil:
			return "", false, ctx.Err()
		case errors.Is(err, errBody):
			return "", false, fmt.Errorf("read %s: %w", URL(b.Name, o.Key), err)
		default:
			return "", false, b.explain(err, "s3:GetObject", o.Key)
		}
	}
}

// errBody marks a body that broke off or did not have the size announced.
var errBody = errors.New("the download broke off")

func (b *Bucket) fetchOnce(ctx context.Context, cache *Cache, o Object, ifMatch string) (string, error) {
	in := &awss3.GetObjectInput{Bucket: aws.String(b.Name), Key: aws.String(o.Key)}
	if ifMatch != "" {
		in.IfMatch = aws.String(ifMatch)
	}
	// The gate's place is held until the body is read: reading it is most of a request's time.
	epoch, err := b.c.gate.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer b.c.gate.release()
	ctx = context.WithValue(ctx, ticketKey{}, epoch)
	out, err := b.service().GetObject(ctx, in)
	if err != nil && b.followErr(err) {
		out, err = b.service().GetObject(ctx, in)
	}
	if err != nil {
		return "", err
	}
	defer out.Body.Close()
	got := o
	if e := aws.ToString(out.ETag); e != "" {
		got.ETag = e
	}
	if out.ContentLength != nil {
		got.Size = *out.ContentLength
	}
	path := cache.Path(b.Name, got)
	err = cache.dir.Write(path, false, func(w io.Writer) error {
		n, err := io.Copy(w, out.Body)
		if err != nil {
			return fmt.Errorf("%w: %w after %d bytes", errBody, err, n)
		}
		if n != got.Size {
			return fmt.Errorf("%w: %d bytes where S3 announced %d", errBody, n, got.Size)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	b.c.gate.succeeded()
	return path, nil
}

// Head describes one object (HeadObject): for a URL that names a file rather than a folder, and
// for a digest file's signature, which S3 keeps in its metadata. An object that does not exist is
// an error that wraps awsconf.ErrNotFound.
func (b *Bucket) Head(ctx context.Context, key string) (Object, error) {
	out, err := call(ctx, b, func(ctx context.Context, s api) (*awss3.HeadObjectOutput, error) {
		return s.HeadObject(ctx, &awss3.HeadObjectInput{Bucket: aws.String(b.Name), Key: aws.String(key)})
	})
	if err != nil {
		return Object{}, b.explain(err, "s3:GetObject", key)
	}
	return Object{Key: key, Size: aws.ToInt64(out.ContentLength), ETag: aws.ToString(out.ETag), Stamp: stamp(key),
		Metadata: out.Metadata}, nil
}
