package server

import (
	"html/template"
	"net/http"

	"github.com/remotesupport/techconsole/api"
)

// The type URI of every problem (api.ProblemType) is a page here, made from
// the same table as the codes (api.ProblemCodes).

var problemPages = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error codes of the Technician Console auth server</title></head>
<body><h1>Error codes</h1>
<p>Every error answer of the API is <code>application/problem+json</code> with a stable <code>code</code>; its <code>type</code> links to the code's page.</p>
<dl>{{range .}}<dt id="{{.Code}}"><a href="{{.Code}}"><code>{{.Code}}</code></a> (HTTP {{.Status}})</dt><dd>{{.Description}}</dd>
{{end}}</dl></body></html>
`))

var problemPage = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Code}}: error code of the Technician Console auth server</title></head>
<body><h1><code>{{.Code}}</code></h1>
<p>Usually with HTTP {{.Status}} {{.StatusText}}.</p>
<p>{{.Description}}</p>
<p><a href="./">All error codes</a></p></body></html>
`))

// handleProblemIndex: GET /problems/ lists every code.
func (s *Server) handleProblemIndex(w http.ResponseWriter, r *http.Request) {
	writePage(w, problemPages, api.ProblemCodes)
}

// handleProblemPage: GET /problems/{code} describes one code.
func (s *Server) handleProblemPage(w http.ResponseWriter, r *http.Request) {
	pc, ok := api.ProblemCodeByName(r.PathValue("code"))
	if !ok {
		writeProblem(w, notFound("error code").p)
		return
	}
	writePage(w, problemPage, struct {
		api.ProblemCode
		StatusText string
	}{pc, http.StatusText(pc.Status)})
}

func writePage(w http.ResponseWriter, t *template.Template, data any) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=3600")
	_ = t.Execute(w, data)
}
