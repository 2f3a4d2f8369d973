package lookup

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// readOperations is everything trailscope may call on AWS: it only reads.
var readOperations = []string{"cloudtrail:ListPublicKeys", "cloudtrail:LookupEvents", "ec2:DescribeRegions", "sts:GetCallerIdentity"}

// TestOnlyReadOperations reads the code that talks to AWS (this package and main's lookup file)
// and lists every AWS operation it can call: a method of an SDK client called or taken as a value
// anywhere, or a paginator or waiter built on one. The list must be the read operations above.
func TestOnlyReadOperations(t *testing.T) {
	clients := map[string]reflect.Type{
		"cloudtrail": reflect.TypeOf(&cloudtrail.Client{}),
		"ec2":        reflect.TypeOf(&ec2.Client{}),
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
	files = append(files, "../../main_lookup.go")
	found := map[string]bool{}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		if _, err := os.Stat(path); err != nil {
			continue // main_lookup.go, when this package is vendored elsewhere
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
				t.Errorf("%s imports %s: trailscope uses only CloudTrail, STS and EC2", path, p)
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

// TestOnlyReadOperationsOnTheWire checks the same from the other side: the operations that reach the
// test server, in a run that uses them all.
func TestOnlyReadOperationsOnTheWire(t *testing.T) {
	awsEnv(t)
	srv := fakeServer(t, fakectConfigAllRegions())
	opt := fastOptions(srv, "all")
	if res := run(t, opt); res.err != nil {
		t.Fatal(res.err)
	}
	keys, err := OpenPublicKeys(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Fetch(context.Background(), "eu-west-1", dataNow.Add(-time.Hour), dataNow); err != nil {
		t.Fatal(err)
	}
	var got []string
	for op := range srv.Ops() {
		got = append(got, op)
	}
	slices.Sort(got)
	if !slices.Equal(got, readOperations) {
		t.Errorf("operations on the wire: %v, want %v", got, readOperations)
	}
}
