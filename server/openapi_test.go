package server_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/remotesupport/techconsole/api"
)

// TestOpenAPIMatchesTheRoutes: GET /openapi.json documents every route the
// mux serves and every documented route is served (probed over HTTP: the
// answer is the handler's, not the mux's "no such path" or 405).
func TestOpenAPIMatchesTheRoutes(t *testing.T) {
	c := start(t)
	status, h, data := c.raw("GET", api.PathOpenAPI, "", nil)
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("GET openapi.json: HTTP %d %s", status, h.Get("Content-Type"))
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas         map[string]json.RawMessage `json:"schemas"`
			SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0].URL != api.Prefix {
		t.Fatalf("openapi %q, servers %+v", doc.OpenAPI, doc.Servers)
	}

	documented := map[string]bool{}
	for path, item := range doc.Paths {
		for method, raw := range item {
			key := strings.ToUpper(method) + " " + api.Prefix + path
			documented[key] = true
			var op struct {
				OperationID string                     `json:"operationId"`
				Responses   map[string]json.RawMessage `json:"responses"`
				Security    []map[string][]string      `json:"security"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			if op.OperationID == "" || len(op.Responses) < 2 {
				t.Errorf("%s: operationId %q, %d responses", key, op.OperationID, len(op.Responses))
			}
			for _, sec := range op.Security {
				for name := range sec {
					if _, ok := doc.Components.SecuritySchemes[name]; !ok {
						t.Errorf("%s: unknown security scheme %s", key, name)
					}
				}
			}
		}
	}
	served := map[string]bool{}
	for _, r := range c.inst.Server.Routes() {
		served[r.Method+" "+r.Path] = true
	}
	for k := range served {
		if !documented[k] {
			t.Errorf("served but not documented: %s", k)
		}
	}
	for _, k := range sortedKeys(documented) {
		if !served[k] {
			t.Errorf("documented but not served: %s", k)
			continue
		}
		method, path, _ := strings.Cut(k, " ")
		path = strings.ReplaceAll(path, "{id}", "xyz_00000000000000000000000000000000")
		status, _, body := c.raw(method, path, "", nil)
		var p api.Problem
		_ = json.Unmarshal(body, &p)
		if status == http.StatusMethodNotAllowed || p.Code == api.CodeMethodNotAllowed || (p.Code == api.CodeNotFound && p.Detail == "no such path") {
			t.Errorf("%s is documented but the mux does not route it: HTTP %d %s", k, status, body)
		}
	}
	if len(documented) < 30 {
		t.Errorf("only %d operations documented", len(documented))
	}

	// Every $ref resolves.
	for _, ref := range refs(data) {
		name, ok := strings.CutPrefix(ref, "#/components/schemas/")
		if ref == "#/components/parameters/ConsoleVersion" {
			continue
		}
		if !ok {
			t.Errorf("unexpected $ref %s", ref)
			continue
		}
		if _, ok := doc.Components.Schemas[name]; !ok {
			t.Errorf("dangling $ref %s", ref)
		}
	}
	// The wire types' fields are there: a spot check.
	var ch struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	_ = json.Unmarshal(doc.Components.Schemas["ChallengeStatus"], &ch)
	for _, f := range []string{"status", "state", "tokens", "step_up_token"} {
		if _, ok := ch.Properties[f]; !ok {
			t.Errorf("ChallengeStatus schema lacks %s", f)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// refs lists every "$ref" value in a JSON document.
func refs(data []byte) []string {
	var v any
	_ = json.Unmarshal(data, &v)
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && k == "$ref" {
					out = append(out, s)
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
