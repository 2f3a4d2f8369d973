package main

// This file is `trailscope cache`: what --lookup, s3:// sources and --athena keep in the user's
// cache directory.

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/trailscope/trailscope/model/cloudtrail"
	"github.com/trailscope/trailscope/source/athena"
	"github.com/trailscope/trailscope/source/cachedir"
	"github.com/trailscope/trailscope/source/lookup"
	s3src "github.com/trailscope/trailscope/source/s3"
	"github.com/trailscope/trailscope/ui/report"
)

// cacheKind is one source's cache, as `trailscope cache` shows it.
type cacheKind struct {
	what string // what it holds: "LookupEvents pages"
	unit string // one of them: "page"
	open func() (root string, c cacheStore, err error)
}

// cacheStore is what lookup.Cache and s3.Cache both do.
type cacheStore interface {
	Usage() (files int, size int64, err error)
	Clear() (files int, size int64, err error)
}

var caches = []cacheKind{
	{"LookupEvents pages", "page", func() (string, cacheStore, error) {
		root, err := lookup.DefaultCacheDir()
		return root, &lookup.Cache{Root: root}, err
	}},
	{"S3 objects", "object", func() (string, cacheStore, error) {
		root, err := s3src.DefaultCacheDir()
		return root, s3src.NewCache(root), err
	}},
	{"Athena results", "file", func() (string, cacheStore, error) {
		root, err := athena.DefaultCacheDir()
		return root, &cachedir.Dir{Root: root}, err
	}},
}

func newCache(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "The cache of LookupEvents pages, S3 objects and Athena results (clear, info)",
		Long: `--lookup keeps the pages it fetches as CloudTrail archive files, s3:// sources the objects
they fetch as they are in the bucket, and --athena the results of a query over a window that
has ended (0600 files in 0700 folders), in the user's cache directory, so that a second look
at the same time fetches only what is missing and the same query is not paid for twice.
--no-cache does without it for --lookup and --athena.`,
		Args: cobra.NoArgs,
	}
	each := func(do func(k cacheKind, root string, c cacheStore) error) error {
		for _, k := range caches {
			root, c, err := k.open()
			if err != nil {
				return err
			}
			if err := do(k, root, c); err != nil {
				return err
			}
		}
		return nil
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "clear",
		Short: "Forget every cached LookupEvents page, S3 object and Athena result",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return each(func(k cacheKind, root string, c cacheStore) error {
				n, size, err := c.Clear()
				if err != nil {
					return err
				}
				if n == 0 {
					fmt.Fprintf(stdout, "the cache of %s was empty (%s)\n", k.what, root)
					return nil
				}
				fmt.Fprintf(stdout, "removed %s (%s) from %s\n", report.Count(n, "cached "+k.unit), cloudtrail.Size(size), root)
				return nil
			})
		},
	}, &cobra.Command{
		Use:   "info",
		Short: "Say where the caches are and how much they hold",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return each(func(k cacheKind, root string, c cacheStore) error {
				n, size, err := c.Usage()
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "%s: %s, %s\n", root, report.Count(n, k.unit), cloudtrail.Size(size))
				return nil
			})
		},
	})
	return cmd
}
