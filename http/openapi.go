package http

import (
	"cmp"
	"encoding/json"
	nethttp "net/http"
	"regexp"
	"strings"

	"github.com/intelcell/intelcell"
)

// Param documents one query parameter of a route in the OpenAPI document.
type Param struct {
	Name string
	Type string   // JSON schema type: string (default), integer
	Enum []string // allowed values, if a closed set
	Doc  string
}

// eventParams are the filters decodeEventFilter reads.
var eventParams = []Param{
	{Name: "actor", Doc: "actor id (e.g. Q796) or code (IRQGOV), as source or target"},
	{Name: "country", Doc: "ISO 3166-1 alpha-3 country of source or target"},
	{Name: "cameo", Doc: "CAMEO code: two digits match the root, longer codes match the code and its sub-codes"},
	{Name: "plover", Doc: "PLOVER event type (AGREE, CONSULT, ...)"},
	{Name: "from", Doc: "first event date, YYYY-MM-DD inclusive"},
	{Name: "to", Doc: "last event date, YYYY-MM-DD inclusive"},
	{Name: "bbox", Doc: "min_lon,min_lat,max_lon,max_lat: the event's place inside the box"},
	{Name: "q", Doc: "words of the report the event was coded from (all required)"},
	{Name: "report", Doc: "one report's events (report id)"},
	{Name: "limit", Type: "integer", Doc: "page size, 1 to 1000 (default 100)"},
	{Name: "cursor", Doc: "the next value of the previous page"},
}

// queryParams are the query parameters of each route, keyed by "METHOD
// PATH" as in the route table. A route absent here takes none. The test in
// openapi_test.go checks these against what the handlers read.
var queryParams = map[string][]Param{
	"GET /api/v1/events": append(append([]Param{}, eventParams...),
		Param{Name: "format", Enum: []string{"json", "csv", "jsonl"}, Doc: "json (paged), or csv (GDELT 2.0 columns) / jsonl streaming every matching event"}),
	"GET /api/v1/events/facets": eventParams,
	"GET /api/v1/search": {
		{Name: "q", Doc: "words, all required"},
		{Name: "sort", Doc: "relevance (default: BM25 over the newest 2,000 visible matches) or newest (every visible match, newest first)"},
		{Name: "limit", Type: "integer", Doc: "page size, 1 to 100"},
		{Name: "cursor", Doc: "the next value of the previous page"},
	},
	"GET /api/v1/actors/{id}/quotes": {
		{Name: "limit", Type: "integer", Doc: "at most this many, 1 to 200 (default 50)"},
	},
	"GET /api/v1/overview": {
		{Name: "from", Doc: "first day of the window, YYYY-MM-DD inclusive (default: to minus 89 days)"},
		{Name: "to", Doc: "last day of the window, YYYY-MM-DD inclusive (default: the newest visible event's or report's date)"},
	},
	"GET /api/v1/audit": {
		{Name: "report", Doc: "entries about one report"},
		{Name: "action", Doc: "read, search, export, create or change"},
		{Name: "org", Doc: "entries of one org"},
		{Name: "limit", Type: "integer", Doc: "page size, 1 to 1000"},
		{Name: "cursor", Doc: "the next value of the previous page"},
	},
}

// requestBodies are the JSON request bodies of routes that take one.
var requestBodies = map[string]map[string]any{
	"POST /api/v1/reports":             {"$ref": "#/components/schemas/ReportRequest"},
	"PUT /api/v1/reports/{id}/release": {"$ref": "#/components/schemas/Release"},
	"POST /api/v1/tokens":              {"$ref": "#/components/schemas/TokenRequest"},
}

// okStatus is the success status of routes that do not answer 200.
var okStatus = map[string]string{"POST /api/v1/reports": "202", "POST /api/v1/tokens": "201"}

var pathParam = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}`)

// PathParams returns the wildcard names of a ServeMux pattern path, in order.
func PathParams(path string) []string {
	var out []string
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		out = append(out, m[1])
	}
	return out
}

// OpenAPI returns the OpenAPI 3.1 document of the server's route table: one
// operation per route, its path parameters from the pattern, its query
// parameters from queryParams, and its permission as the security it needs.
func (s *Server) OpenAPI() map[string]any {
	bearer := []any{map[string]any{"bearer": []string{}}}
	anyone := []any{map[string]any{}, map[string]any{"bearer": []string{}}}
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{
			"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	}
	paths := map[string]any{}
	for _, rt := range s.routes {
		key := rt.Method + " " + rt.Path
		op := map[string]any{
			"summary":      rt.Doc,
			"operationId":  operationID(rt),
			"x-permission": rt.Perm.String(),
		}
		params := []any{}
		for _, name := range PathParams(rt.Path) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		for _, p := range queryParams[key] {
			schema := map[string]any{"type": "string"}
			if p.Type != "" {
				schema["type"] = p.Type
			}
			if len(p.Enum) > 0 {
				schema["enum"] = p.Enum
			}
			params = append(params, map[string]any{"name": p.Name, "in": "query", "description": p.Doc, "schema": schema})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if body, ok := requestBodies[key]; ok {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": body}}}
		}
		ok := cmp.Or(okStatus[key], "200")
		resp := map[string]any{ok: map[string]any{"description": "success"}, "default": errResp("an error: {\"error\": {\"code\", \"message\"}}")}
		if rt.Perm == PermPublic {
			op["security"] = anyone
		} else {
			op["security"] = bearer
			resp["401"] = errResp("no or bad token")
		}
		if rt.Perm > PermMember {
			resp["403"] = errResp("the token's role may not do this")
		}
		if len(PathParams(rt.Path)) > 0 {
			resp["404"] = errResp("not found, or not visible to the caller (the same answer)")
		}
		op["responses"] = resp
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = op
	}
	release := map[string]any{"type": "object", "required": []string{"audience"}, "properties": map[string]any{
		"audience":    map[string]any{"type": "string", "enum": []string{"org", "groups", "cell", "public"}},
		"groups":      map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		"tlp":         map[string]any{"type": "string", "enum": []string{"clear", "green", "amber", "amber+strict", "red"}},
		"attribution": map[string]any{"type": "boolean"},
	}}
	str := map[string]any{"type": "string"}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "intelcell API", "version": "v1",
			"description": "The cell's HTTP API v1. Anything the caller may not see answers exactly like something that does not exist (404)."},
		"paths": paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas": map[string]any{
				"Release": release,
				"ReportRequest": map[string]any{"type": "object", "properties": map[string]any{
					"title": str, "text": str, "html": str, "date": map[string]any{"type": "string", "format": "date"},
					"source": str, "url": str, "release": map[string]any{"$ref": "#/components/schemas/Release"},
				}},
				"TokenRequest": map[string]any{"type": "object", "properties": map[string]any{
					"org":  map[string]any{"type": "string", "description": "the token's org (default: the caller's; org admins may name only their own)"},
					"role": map[string]any{"type": "string", "enum": []string{"cell-admin", "admin", "analyst", "reader"}, "description": "default reader; at most the caller's role"},
					"name": map[string]any{"type": "string", "maxLength": intelcell.MaxTokenName, "description": "who or what uses the token"},
				}},
				"Error": map[string]any{"type": "object", "properties": map[string]any{"error": map[string]any{"type": "object",
					"properties": map[string]any{"code": str, "message": str}}}},
			},
		},
	}
}

func operationID(rt Route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	for _, part := range strings.FieldsFunc(rt.Path, func(r rune) bool { return r == '/' || r == '.' || r == '{' || r == '}' || r == '-' }) {
		if part == "api" || part == "v1" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// handleOpenAPI serves the document. It is built on each request (a few
// microseconds) so it can never be stale against the route table.
func (s *Server) handleOpenAPI(w nethttp.ResponseWriter, r *nethttp.Request, v intelcell.Viewer) error {
	body, err := json.MarshalIndent(s.OpenAPI(), "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(200)
	w.Write(body)
	return nil
}
