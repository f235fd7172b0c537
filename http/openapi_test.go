package http

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net"
	nethttp "net/http"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/intelcell/intelcell/sqlite"
)

// handlerReads is what a handler reads from a request, found by walking
// the package's source from the handler through the functions it calls.
type handlerReads struct{ query, path map[string]bool }

// sourceReads parses the package's non-test files and returns, for each
// function or method name, the query and path parameters it reads directly
// or through functions of this package it calls.
func sourceReads(t *testing.T) func(name string) handlerReads {
	t.Helper()
	fset := token.NewFileSet()
	files, _ := filepath.Glob("*.go")
	decls := map[string]*ast.FuncDecl{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range af.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				decls[fd.Name.Name] = fd
			}
		}
	}
	return func(name string) handlerReads {
		out := handlerReads{query: map[string]bool{}, path: map[string]bool{}}
		seen := map[string]bool{}
		var visit func(string)
		visit = func(fn string) {
			fd := decls[fn]
			if fd == nil || seen[fn] {
				return
			}
			seen[fn] = true
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				switch fun := call.Fun.(type) {
				case *ast.Ident:
					visit(fun.Name)
				case *ast.SelectorExpr:
					lit := ""
					if len(call.Args) == 1 {
						if bl, ok := call.Args[0].(*ast.BasicLit); ok && bl.Kind == token.STRING {
							lit, _ = strconv.Unquote(bl.Value)
						}
					}
					switch {
					case fun.Sel.Name == "PathValue" && lit != "":
						out.path[lit] = true
					case fun.Sel.Name == "Get" && lit != "" && isQueryValues(fun.X):
						out.query[lit] = true
					default:
						if id, ok := fun.X.(*ast.Ident); ok && id.Name == "s" {
							visit(fun.Sel.Name)
						}
					}
				}
				return true
			})
		}
		visit(name)
		return out
	}
}

// isQueryValues reports whether x is a url.Values as handlers write it: a
// variable (q) or r.URL.Query(). Header reads (r.Header.Get,
// w.Header().Get) are neither.
func isQueryValues(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Ident:
		return true
	case *ast.CallExpr:
		sel, ok := x.Fun.(*ast.SelectorExpr)
		return ok && sel.Sel.Name == "Query"
	}
	return false
}

func handlerName(rt Route) string {
	n := runtime.FuncForPC(reflect.ValueOf(rt.handle).Pointer()).Name()
	n = strings.TrimSuffix(n, "-fm")
	return n[strings.LastIndex(n, ".")+1:]
}

// TestOpenAPIMatchesRoutes fails when the served OpenAPI document and the
// route table disagree on a path or method, or when a route's documented
// parameters differ from the query and path parameters its handler reads.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	db, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := NewServer(db, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &nethttp.Server{Handler: s}
	go hs.Serve(ln)
	defer hs.Close()
	resp, err := nethttp.Get("http://" + ln.Addr().String() + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET openapi.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct{ Parameters []struct{ Name, In string } }
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	// Paths and methods, both ways.
	inTable := map[string]bool{}
	for _, rt := range s.Routes() {
		inTable[strings.ToLower(rt.Method)+" "+rt.Path] = true
	}
	inDoc := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			inDoc[m+" "+p] = true
		}
	}
	for k := range inTable {
		if !inDoc[k] {
			t.Errorf("route %s is missing from the OpenAPI document", k)
		}
	}
	for k := range inDoc {
		if !inTable[k] {
			t.Errorf("the OpenAPI document has %s, which no route serves", k)
		}
	}
	for k := range queryParams {
		m, p, _ := strings.Cut(k, " ")
		if !inTable[strings.ToLower(m)+" "+p] {
			t.Errorf("queryParams documents %s, which no route serves", k)
		}
	}
	// Parameters: documented = read by the handler.
	reads := sourceReads(t)
	for _, rt := range s.Routes() {
		op := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
		doc := map[string][]string{}
		for _, p := range op.Parameters {
			doc[p.In] = append(doc[p.In], p.Name)
		}
		h := handlerName(rt)
		got := reads(h)
		key := rt.Method + " " + rt.Path
		if want, have := keys(got.query), sorted(doc["query"]); !reflect.DeepEqual(want, have) {
			t.Errorf("%s (%s): handler reads query %v, document says %v", key, h, want, have)
		}
		wild := sorted(PathParams(rt.Path))
		if have := sorted(doc["path"]); !reflect.DeepEqual(wild, have) {
			t.Errorf("%s: pattern has path parameters %v, document says %v", key, wild, have)
		}
		if want := keys(got.path); !reflect.DeepEqual(want, wild) {
			t.Errorf("%s (%s): handler reads path values %v, pattern has %v", key, h, want, wild)
		}
	}
	if t.Failed() {
		os.Stderr.Write(body[:min(len(body), 2000)])
	}
}

// TestSourceReadsSeesDrift checks the checker: a parameter read through a
// helper is found, and a header read is not taken for a query parameter.
func TestSourceReadsSeesDrift(t *testing.T) {
	reads := sourceReads(t)
	ev := reads("handleEvents")
	for _, p := range []string{"actor", "bbox", "format", "limit", "q"} {
		if !ev.query[p] {
			t.Errorf("handleEvents: %q not found among %v", p, keys(ev.query))
		}
	}
	if post := reads("handlePostReport"); len(post.query) != 0 {
		t.Errorf("handlePostReport reads no query parameter, found %v", keys(post.query))
	}
}

func keys(m map[string]bool) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}
