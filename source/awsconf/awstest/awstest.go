// Package awstest gives tests that talk to a local AWS endpoint an AWS environment of their own:
// static credentials, empty config files, no CA bundle, no instance metadata, no proxy and a
// private cache folder, so that they behave the same on every machine (this one sets
// AWS_CA_BUNDLE, a developer's may have a profile or an endpoint set).
package awstest

import (
	"os"
	"path/filepath"
	"testing"
)

// Env sets the environment of the test t: the credentials key and secret, the region us-east-1,
// and nothing else of AWS's. HOME and XDG_CACHE_HOME point into a temporary folder, whose path it
// returns. Endpoints are left for the test to set (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3).
func Env(t testing.TB, key, secret string) string {
	t.Helper()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"HOME":                        dir,
		"XDG_CACHE_HOME":              filepath.Join(dir, "cache"),
		"AWS_ACCESS_KEY_ID":           key,
		"AWS_SECRET_ACCESS_KEY":       secret,
		"AWS_SESSION_TOKEN":           "",
		"AWS_REGION":                  "us-east-1",
		"AWS_DEFAULT_REGION":          "",
		"AWS_PROFILE":                 "",
		"AWS_DEFAULT_PROFILE":         "",
		"AWS_CONFIG_FILE":             empty,
		"AWS_SHARED_CREDENTIALS_FILE": empty,
		"AWS_CA_BUNDLE":               "",
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_ENDPOINT_URL":            "",
		"AWS_ENDPOINT_URL_CLOUDTRAIL": "",
		"AWS_ENDPOINT_URL_STS":        "",
		"AWS_ENDPOINT_URL_EC2":        "",
		"AWS_ENDPOINT_URL_S3":         "",
		"AWS_MAX_ATTEMPTS":            "",
		"AWS_RETRY_MODE":              "",
		"AWS_NEW_RETRIES_2026":        "",
		"AWS_USE_FIPS_ENDPOINT":       "",
		"AWS_USE_DUALSTACK_ENDPOINT":  "",
		"AWS_S3_USE_ARN_REGION":       "",
		"HTTPS_PROXY":                 "",
		"HTTP_PROXY":                  "",
		"https_proxy":                 "",
		"http_proxy":                  "",
	} {
		t.Setenv(k, v)
	}
	return dir
}
