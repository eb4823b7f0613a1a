package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"khuyencong/models"
)

// idRange is the set of ids an endpoint is asked for: the demo's ids lo..hi in every one of the
// copies, i.e. b + k × copyOffset for b in lo..hi and k in 0..copies−1. wrk's Lua script and
// pgbench's \set draw from the very same set.
type idRange struct{ lo, hi, copies int }

// idRanges are the id sets the endpoints draw from.
type idRanges struct{ courses, public, trainees idRange }

// endpoint is one page or API answer measured against the database's own ceiling for it: pgbench
// running, with prepared statements, the statements its handler sends for one request, in the same
// order. The statements come from models.HotQueries, so they are the store's own text.
type endpoint struct {
	fig   int // the figure (1: trainee schedule, 2: catalogue and course page); 0: watched, no target
	key   string
	label string
	path  string // with %d for the id
	ids   *idRange
	auth  string // "bearer", "cookie" or "" (public)
	stmts []stmt
}

// stmt is one statement of a handler: a models.HotQueries name and its parameters in pgbench syntax
// (:id, :limit, :offset) or as placeholders filled in per run ({{token}}, {{session}}, {{today}}).
// A name starting with "!" is sent as it stands (BEGIN …, ROLLBACK).
type stmt struct {
	name string
	args []string
}

func st(name string, args ...string) stmt { return stmt{name, args} }

// endpoints are the pages and answers of figures 1 and 2, with the statements their handlers send
// (read from the handlers; the bench user is staff, who may see every class). The trainee's schedule
// is read in one read-only snapshot (BEGIN … ROLLBACK); the trainee's page is reached by the link
// whose token the bench set to "bench-<id>", and counts against the look-up limit of its address
// (the key is spelt without a colon: pgbench reads ":name" as a variable even inside a string).
func endpoints(r idRanges) []endpoint {
	all, public, trainees := r.courses, r.public, r.trainees
	schedule := []stmt{st("!BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"), st("trainee_name", ":id"),
		st("trainee_classes", ":id", "now()"), st("trainee_sessions", ":id"), st("trainee_certificates", ":id"), st("!ROLLBACK")}
	choices := []stmt{st("choices_crafts"), st("choices_venues"), st("choices_trainers"), st("choices_masters"), st("choices_instructors")}
	page := st("catalogue_page", "{{today}}", ":limit", ":offset")
	return []endpoint{
		{fig: 1, key: "trainee_api", label: "trainee schedule API GET /api/v1/trainees/{id}/schedule", path: "/api/v1/trainees/%d/schedule",
			ids: &trainees, auth: "bearer",
			stmts: append(append([]stmt{st("user_by_token", "{{token}}")}, schedule...), st("trainee_link_status", ":id"))},
		{fig: 1, key: "trainee_page", label: "trainee page GET /t/{token}", path: "/t/bench-%d", ids: &trainees,
			stmts: append([]stmt{st("rate_hit", "concat_ws(chr(58), 'lookup', 'ip', '127.0.0.1')", "60"),
				st("trainee_by_link", "sha256(convert_to('bench-' || :id, 'UTF8'))")}, schedule...)},
		{key: "schedule_api", label: "schedule API GET /api/v1/courses/{id}/sessions", path: "/api/v1/courses/%d/sessions", ids: &all, auth: "bearer",
			stmts: []stmt{st("user_by_token", "{{token}}"), st("course", ":id"), st("sessions", ":id")}},
		{key: "class_page", label: "class page GET /courses/{id}", path: "/courses/%d", ids: &all, auth: "cookie",
			stmts: append([]stmt{st("login_session", "{{session}}"), st("course", ":id"), st("sessions", ":id"), st("course_staff", ":id")}, choices...)},
		{fig: 2, key: "catalogue_api", label: "catalogue API GET /api/v1/catalogue", path: "/api/v1/catalogue",
			stmts: []stmt{st("catalogue_count"), page}},
		{fig: 2, key: "catalogue_page", label: "catalogue GET /catalogue", path: "/catalogue",
			stmts: []stmt{st("catalogue_count"), page, st("choices_districts")}},
		{fig: 2, key: "course_page", label: "course page GET /catalogue/{id}", path: "/catalogue/%d", ids: &public,
			stmts: []stmt{st("catalogue_course", ":id"), st("public_sessions", ":id")}},
	}
}

var placeholder = regexp.MustCompile(`\$(\d+)`)

// pgbenchScript writes the endpoint's statements as a pgbench script: the id drawn as wrk draws it,
// the token and session hashes as bytea literals, today's date, the first page of 25.
func (ep endpoint) pgbenchScript(token, session string) (string, error) {
	hot := models.HotQueries()
	var b strings.Builder
	b.WriteString("\\set limit 25\n\\set offset 0\n")
	if ep.ids != nil {
		fmt.Fprintf(&b, "\\set b random(%d, %d)\n\\set k random(0, %d)\n\\set id :b + %d * :k\n", ep.ids.lo, ep.ids.hi, ep.ids.copies-1, copyOffset)
	}
	fill := strings.NewReplacer("{{token}}", byteaHash(token), "{{session}}", byteaHash(session),
		"{{today}}", "'"+time.Now().Format(time.DateOnly)+"'")
	for _, s := range ep.stmts {
		if lit, ok := strings.CutPrefix(s.name, "!"); ok {
			b.WriteString(lit + ";\n")
			continue
		}
		text, ok := hot[s.name]
		if !ok {
			return "", fmt.Errorf("%s: no hot query %q in models", ep.key, s.name)
		}
		var bad error
		text = placeholder.ReplaceAllStringFunc(text, func(p string) string {
			n, _ := strconv.Atoi(p[1:])
			if n < 1 || n > len(s.args) {
				bad = fmt.Errorf("%s: %s has parameter %s but %d arguments", ep.key, s.name, p, len(s.args))
				return p
			}
			return fill.Replace(s.args[n-1])
		})
		if bad != nil {
			return "", bad
		}
		b.WriteString(strings.Join(strings.Fields(text), " "))
		b.WriteString(";\n")
	}
	return b.String(), nil
}

// wrkLua is the request generator: the same ids as pgbench, drawn at random.
func (ep endpoint) wrkLua() string {
	if ep.ids == nil {
		return fmt.Sprintf("request = function() return wrk.format(nil, %q) end\n", ep.path)
	}
	return fmt.Sprintf(`math.randomseed(%d)
request = function()
  local id = math.random(%d, %d) + %d * math.random(0, %d)
  return wrk.format(nil, string.format(%q, id))
end
`, time.Now().UnixNano()%1000000, ep.ids.lo, ep.ids.hi, copyOffset, ep.ids.copies-1, ep.path)
}

func byteaHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return `'\x` + hex.EncodeToString(h[:]) + `'::bytea`
}
