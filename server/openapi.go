package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/remotesupport/techconsole/api"
)

// The OpenAPI 3.1 document of the whole contract, built from the route table
// (the same list the mux serves) and the wire types of package api, so that
// it cannot drift from either.

// handleOpenAPI: GET /openapi.json.
func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	doc, err := s.openAPIJSON()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	_, err = w.Write(doc)
	return err
}

// The document depends on no server's state (dev-only routes are in it
// either way), so one copy serves every Server in the process.
var (
	openAPIOnce sync.Once
	openAPIDoc  []byte
	openAPIErr  error
)

func (s *Server) openAPIJSON() ([]byte, error) {
	openAPIOnce.Do(func() {
		openAPIDoc, openAPIErr = json.MarshalIndent(s.openAPI(), "", "  ")
		if openAPIErr != nil {
			openAPIErr = fmt.Errorf("openapi document: %w", openAPIErr)
		}
	})
	return openAPIDoc, openAPIErr
}

type obj = map[string]any

// openAPI builds the document from every route (dev-only ones included).
func (s *Server) openAPI() obj {
	g := &schemaGen{defs: obj{}}
	g.defs["Problem"] = g.object(reflect.TypeFor[api.Problem]())
	paths := obj{}
	for _, rt := range s.routeTable() {
		p := strings.TrimPrefix(rt.path, api.Prefix)
		item, _ := paths[p].(obj)
		if item == nil {
			item = obj{}
			paths[p] = item
		}
		item[strings.ToLower(rt.method)] = g.operation(rt)
	}
	return obj{
		"openapi": "3.1.0",
		"info": obj{
			"title":   "Technician Console reference auth server",
			"version": "1.0.0",
			"description": "Sign-in with password and two-step verification (app notification, authenticator app, SMS, email), " +
				"setup, sessions, the phone's device API and the Admin Center. Errors are application/problem+json with a stable code.",
		},
		"servers": []any{obj{"url": api.Prefix}},
		"tags": []any{
			obj{"name": "auth"}, obj{"name": "challenges"}, obj{"name": "setup"}, obj{"name": "device"},
			obj{"name": "admin"}, obj{"name": "dev"}, obj{"name": "meta"},
		},
		"paths": paths,
		"components": obj{
			"schemas": g.defs,
			"securitySchemes": obj{
				secMFA:    bearerScheme("the mfa_token of an mfa_required sign-in (challenge calls only)"),
				secSetup:  bearerScheme("the mfa_token of an mfa_setup_required sign-in (/me/two-step calls only)"),
				secAccess: bearerScheme("an access token of a session"),
				secDevice: bearerScheme("the device_token of a phone registered for pushes"),
			},
			"parameters": obj{
				"ConsoleVersion": obj{
					"name": api.ConsoleVersionHeader, "in": "header", "required": false,
					"description": "the emulated console version (e.g. 7.50.3572); missing = newest; malformed = 400 bad_console_version",
					"schema":      obj{"type": "string"},
				},
			},
		},
	}
}

func bearerScheme(desc string) obj {
	return obj{"type": "http", "scheme": "bearer", "description": desc}
}

func (g *schemaGen) operation(rt route) obj {
	d := rt.doc
	op := obj{
		"operationId": operationID(rt.method, rt.path),
		"summary":     d.summary,
		"tags":        []any{d.tag},
	}
	params := []any{obj{"$ref": "#/components/parameters/ConsoleVersion"}}
	if strings.Contains(rt.path, "{id}") {
		params = append(params, obj{"name": "id", "in": "path", "required": true, "schema": obj{"type": "string"}})
	}
	for _, q := range d.query {
		typ := "string"
		if q.integer {
			typ = "integer"
		}
		params = append(params, obj{"name": q.name, "in": "query", "required": false, "description": q.desc, "schema": obj{"type": typ}})
	}
	op["parameters"] = params
	if d.auth == nil {
		op["security"] = []any{}
	} else {
		var sec []any
		for _, a := range d.auth {
			sec = append(sec, obj{a: []any{}})
		}
		op["security"] = sec
	}
	if d.body != nil {
		op["requestBody"] = obj{
			"required": !d.optional,
			"content":  obj{"application/json": obj{"schema": g.schema(reflect.TypeOf(d.body))}},
		}
	}
	responses := obj{}
	ok := obj{"description": http.StatusText(d.status)}
	if d.answer != nil {
		ok["content"] = obj{"application/json": obj{"schema": g.schema(reflect.TypeOf(d.answer))}}
	}
	responses[strconv.Itoa(d.status)] = ok
	for status, codes := range errorCodes(rt) {
		responses[strconv.Itoa(status)] = obj{
			"description": http.StatusText(status) + " — problem codes: " + strings.Join(codes, ", "),
			"content":     obj{api.ProblemContentType: obj{"schema": obj{"$ref": "#/components/schemas/Problem"}}},
		}
	}
	op["responses"] = responses
	return op
}

// errorCodes gathers the problem codes a route may answer: its own list and
// the ones every call shares.
func errorCodes(rt route) map[int][]string {
	out := map[int][]string{}
	add := func(status int, codes ...string) {
		for _, c := range codes {
			if !contains(out[status], c) {
				out[status] = append(out[status], c)
			}
		}
	}
	add(http.StatusBadRequest, api.CodeBadConsoleVersion)
	add(http.StatusInternalServerError, api.CodeInternal)
	if rt.doc.body != nil || rt.doc.query != nil {
		add(http.StatusBadRequest, api.CodeValidation)
	}
	if rt.doc.body != nil {
		add(http.StatusBadRequest, api.CodeMalformedJSON)
		add(http.StatusRequestEntityTooLarge, api.CodeBodyTooLarge)
		add(http.StatusUnsupportedMediaType, api.CodeUnsupportedMediaType)
	}
	if rt.doc.auth != nil {
		add(http.StatusUnauthorized, api.CodeInvalidToken)
		if contains(rt.doc.auth, secAccess) {
			add(http.StatusUnauthorized, api.CodeMFARequired)
		}
	}
	if rt.devOnly {
		add(http.StatusNotFound, api.CodeNotFound)
	}
	for _, part := range strings.Fields(rt.doc.errs) {
		st, codes, _ := strings.Cut(part, ":")
		status, err := strconv.Atoi(st)
		if err != nil {
			panic("route table: bad errs entry " + part)
		}
		add(status, strings.Split(codes, ",")...)
	}
	for _, codes := range out {
		sort.Strings(codes)
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func operationID(method, path string) string {
	p := strings.TrimPrefix(path, api.Prefix)
	p = strings.NewReplacer("{", "", "}", "", "-", "_").Replace(p)
	return strings.ToLower(method) + strings.ReplaceAll(p, "/", "_")
}

// schemaGen turns Go wire types into JSON Schema (2020-12, as OpenAPI 3.1
// uses it); named structs become components.
type schemaGen struct {
	defs obj
}

var enums = map[reflect.Type][]string{
	reflect.TypeFor[api.Method]():           {"authenticator_app", "app_notification", "sms", "email"},
	reflect.TypeFor[api.Role]():             {"master_administrator", "administrator", "technician"},
	reflect.TypeFor[api.TechnicianPolicy](): {"none", "all", "selected_groups"},
	reflect.TypeFor[api.Purpose]():          {"login", "password_change", "manage_two_step"},
	reflect.TypeFor[api.FactorStatus]():     {"pending", "active", "reset"},
}

func (g *schemaGen) schema(t reflect.Type) obj {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[time.Time]() {
		return obj{"type": "string", "format": "date-time"}
	}
	if e, ok := enums[t]; ok {
		vals := make([]any, len(e))
		for i, v := range e {
			vals[i] = v
		}
		return obj{"type": "string", "enum": vals}
	}
	switch t.Kind() {
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t)
		}
		if _, ok := g.defs[t.Name()]; !ok {
			g.defs[t.Name()] = obj{} // placeholder against recursion
			g.defs[t.Name()] = g.object(t)
		}
		return obj{"$ref": "#/components/schemas/" + t.Name()}
	case reflect.Slice, reflect.Array:
		return obj{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return obj{"type": "object"}
	case reflect.String:
		return obj{"type": "string"}
	case reflect.Bool:
		return obj{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return obj{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return obj{"type": "number"}
	}
	return obj{}
}

// object is the schema of a struct as encoding/json writes it (embedded
// structs flattened, omitempty fields optional).
func (g *schemaGen) object(t reflect.Type) obj {
	props := obj{}
	var required []any
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for f := range t.Fields() {
			tag := f.Tag.Get("json")
			if tag == "-" || !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = g.schema(f.Type)
			if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
				required = append(required, name)
			}
		}
	}
	walk(t)
	out := obj{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}
