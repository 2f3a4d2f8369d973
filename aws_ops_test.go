package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// readOperations is everything trailscope may call on AWS: it only reads.
var readOperations = []string{
	"cloudtrail:ListPublicKeys", "cloudtrail:LookupEvents", "ec2:DescribeRegions",
	"s3:GetBucketLocation", "s3:GetObject", "s3:HeadObject", "s3:ListObjectsV2",
	"sts:GetCallerIdentity",
}

// TestOnlyReadOperations reads the code that talks to AWS (every package under source/, and main)
// and lists every AWS operation it can call: a method of an SDK client called or taken as a value
// anywhere, or a paginator or waiter built on one. The list must be the read operations above.
// (Each source's tests check the same on the wire: the operations that reach its test server.)
func TestOnlyReadOperations(t *testing.T) {
	clients := map[string]reflect.Type{
		"cloudtrail": reflect.TypeOf(&cloudtrail.Client{}),
		"ec2":        reflect.TypeOf(&ec2.Client{}),
		"s3":         reflect.TypeOf(&s3.Client{}),
		"sts":        reflect.TypeOf(&sts.Client{}),
	}
	opService := map[string][]string{} // operation name -> the services that have it
	for svc, typ := range clients {
		for i := range typ.NumMethod() {
			if m := typ.Method(i).Name; m != "Options" {
				opService[m] = append(opService[m], svc)
			}
		}
	}
	files, _ := filepath.Glob("*.go")
	filepath.WalkDir("source", func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(path, ".go") {
			files = append(files, path)
		}
		return err
	})
	found := map[string]bool{}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		sdk := map[string]string{} // local package name -> SDK service
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			rest, ok := strings.CutPrefix(p, "github.com/aws/aws-sdk-go-v2/service/")
			if !ok {
				continue
			}
			svc, _, _ := strings.Cut(rest, "/")
			if _, known := clients[svc]; !known && svc != "internal" {
				t.Errorf("%s imports %s: trailscope uses only CloudTrail, STS, EC2 and S3", path, p)
			}
			name := filepath.Base(p)
			if imp.Name != nil {
				name = imp.Name.Name
			}
			sdk[name] = svc
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			name := sel.Sel.Name
			if pkg, ok := sel.X.(*ast.Ident); ok && sdk[pkg.Name] != "" {
				// cloudtrail.NewListTrailsPaginator(client, ...) calls ListTrails.
				for _, affix := range []string{"Paginator", "Waiter"} {
					if op, ok := strings.CutSuffix(strings.TrimPrefix(name, "New"), affix); ok && strings.HasPrefix(name, "New") {
						found[sdk[pkg.Name]+":"+strings.TrimSuffix(op, "Instance")] = true
					}
				}
				return true
			}
			for _, svc := range opService[name] {
				if usesService(sdk, svc) {
					found[svc+":"+name] = true
				}
			}
			return true
		})
	}
	var got []string
	for op := range found {
		got = append(got, op)
	}
	slices.Sort(got)
	if !slices.Equal(got, readOperations) {
		t.Errorf("the code can call %v; trailscope may call only %v", got, readOperations)
	}
}

// usesService tells whether a file imports the SDK package of svc (only then can a method named
// like one of its operations be one).
func usesService(sdk map[string]string, svc string) bool {
	for _, s := range sdk {
		if s == svc {
			return true
		}
	}
	return false
}
