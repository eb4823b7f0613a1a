package handlers

import (
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/internal/ical"
	"khuyencong/models"
)

// The trainee's own page, without an account. Each trainee may have one personal link, BASE_URL/t/<token>,
// printed with its QR code on their enrolment slip. Only the SHA-256 of the token is stored, so the
// link cannot be shown again: staff print a new slip, which makes a new token and kills the old one.
// The token is the only thing in the URL; a national ID, birth date or phone number never is.
func (h *Handler) traineeLinkRoutes(r *router) {
	r.get("/t/:token", Public, h.TraineeLinkPage)
	r.get("/t/:token/calendar.ics", Public, h.TraineeLinkCalendar)
	r.get("/t/:token/certificates/:cid.pdf", Public, h.TraineeCertificatePDF)
	r.post("/trainees/:id/link", Staff, h.TraineeLinkRotate)
	r.post("/courses/:id/slips", Staff, h.CourseSlips)
	r.get("/api/v1/trainees/:id/schedule", Staff, h.APITraineeSchedule)
}

// traineeLinkPath is the path of a trainee's page; traineeLinkURL the link printed on the slip.
func traineeLinkPath(token string) string { return "/t/" + url.PathEscape(token) }

func (h *Handler) traineeLinkURL(token string) string {
	return strings.TrimRight(h.cfg.BaseURL, "/") + traineeLinkPath(token)
}

// logPath is a request path as the logs keep it: the token of a trainee's link is left out, so that
// whoever reads the logs cannot open the page.
func logPath(p string) string {
	rest, ok := strings.CutPrefix(p, "/t/")
	if !ok || rest == "" {
		return p
	}
	if _, tail, found := strings.Cut(rest, "/"); found {
		return "/t/[token]/" + tail
	}
	return "/t/[token]"
}

// privatePage marks an answer that is reached by a secret link: never stored by a cache, never
// indexed, and never sent on as a Referer when the trainee follows a link out of it (the path holds
// the token). Set before anything can fail, so that 404 and 429 answers carry it too.
func privatePage(c *fiber.Ctx) {
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	c.Set("X-Robots-Tag", "noindex, nofollow")
}

// traineeByLink applies the per-address limit of public look-ups and finds the trainee of :token.
// Every request costs one hit, found or not, so that tokens cannot be guessed in bulk. The token is
// hashed and looked up whatever its shape; an unknown one is the plain 404 of any unknown page.
func (h *Handler) traineeByLink(c *fiber.Ctx) (int64, string, error) {
	privatePage(c)
	if err := h.limit(c, "lookup:ip:"+c.IP(), h.cfg.LookupLimitPerIP, h.cfg.LookupWindow); err != nil {
		return 0, "", err
	}
	token := c.Params("token")
	id, err := h.store.TraineeByLink(c.UserContext(), token)
	if err != nil {
		return 0, "", err // ErrNotFound → the same 404 page as any unknown path
	}
	return id, token, nil
}

// linkPage is what the trainee's page shows.
type linkPage struct {
	Name         string
	Next         *models.TraineeSession
	Upcoming     []models.TraineeSession // after Next, not ended yet, cancelled ones included
	Past         []models.TraineeSession // latest first
	Classes      []models.TraineeClass
	Certificates []models.TraineeCertificate
	CalendarPath string
	BasePath     string // /t/<token>, for the certificate downloads
	Now          time.Time
	Webcal       template.URL // webcal:// is not a scheme html/template lets through by itself
}

// TraineeLinkPage handles GET /t/:token: the trainee's name (nothing else about them), the next
// session first with its date, time, venue and teacher, then the rest of the schedule, attendance per
// class and certificates. Made for a cheap phone: one column, no JavaScript.
func (h *Handler) TraineeLinkPage(c *fiber.Ctx) error {
	id, token, err := h.traineeByLink(c)
	if err != nil {
		return err
	}
	now := time.Now()
	sch, err := h.store.GetTraineeSchedule(c.UserContext(), id, now)
	if err != nil {
		return err
	}
	p := linkPage{Name: sch.FullName, Classes: sch.Classes, Certificates: sch.Certificates,
		CalendarPath: traineeLinkPath(token) + "/calendar.ics", BasePath: traineeLinkPath(token), Now: now}
	p.Next = sch.Next(now)
	for _, s := range sch.Sessions {
		switch {
		case p.Next != nil && s.SessionID == p.Next.SessionID:
		case s.EndsAt.After(now):
			p.Upcoming = append(p.Upcoming, s)
		default:
			p.Past = append(p.Past, s)
		}
	}
	slices.Reverse(p.Past) // the latest first
	if feed, err := url.Parse(h.traineeLinkURL(token) + "/calendar.ics"); err == nil {
		feed.Scheme = "webcal"
		p.Webcal = template.URL(feed.String())
	}
	return h.render(c, fiber.StatusOK, "traineelink/show", "tlink.title", p)
}

// TraineeLinkCalendar handles GET /t/:token/calendar.ics: one event per session of the trainee's
// classes, cancelled ones kept with STATUS:CANCELLED so that subscribed calendars drop or strike them.
func (h *Handler) TraineeLinkCalendar(c *fiber.Ctx) error {
	id, _, err := h.traineeByLink(c)
	if err != nil {
		return err
	}
	sch, err := h.store.GetTraineeSchedule(c.UserContext(), id, time.Now())
	if err != nil {
		return err
	}
	lang := Lang(c)
	host := "khuyencong"
	if u, err := url.Parse(h.cfg.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	cal := ical.Calendar{
		ProdID:  "-//" + T(LangVI, "app.name") + "//" + T(LangVI, "tlink.title") + "//VI",
		Name:    T(lang, "tlink.title") + " – " + sch.FullName,
		Refresh: 6 * time.Hour,
	}
	for _, s := range sch.Sessions {
		summary := s.CourseTitle
		if s.Cancelled() {
			// Some calendars show a cancelled event of a subscription like any other; the title says it.
			summary = T(lang, "tlink.ics_cancelled") + " " + summary
		}
		desc := []string{fmt.Sprintf("%s: %s", T(lang, "tlink.by."+s.InstructorKind), s.InstructorName), T(lang, "tlink.class") + ": " + s.CourseCode}
		if s.Topic != "" {
			desc = append(desc, s.Topic)
		}
		if s.CancelReason != nil {
			desc = append(desc, T(lang, "tlink.cancel_reason")+": "+*s.CancelReason)
		}
		cal.Events = append(cal.Events, ical.Event{
			UID: fmt.Sprintf("session-%d@%s", s.SessionID, host), Start: s.StartsAt, End: s.EndsAt, Stamp: s.UpdatedAt,
			Summary: summary, Location: s.Place(), Description: strings.Join(desc, "\n"), Cancelled: s.Cancelled(),
		})
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="lich-hoc.ics"`)
	return c.Send(cal.Bytes())
}

// APITraineeSchedule handles GET /api/v1/trainees/:id/schedule: the trainee's classes with attendance,
// their sessions with venue, teacher, status and mark, and their certificates. Staff only, like every
// trainee record; the trainee's page shows the same without an account.
func (h *Handler) APITraineeSchedule(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	sch, err := h.store.GetTraineeSchedule(ctx, id, time.Now())
	if err != nil {
		return err
	}
	link, err := h.store.TraineeLinkStatus(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{
		"trainee_id": sch.TraineeID, "full_name": sch.FullName, "link": link,
		"classes": sch.Classes, "sessions": sch.Sessions, "certificates": sch.Certificates,
	})
}

// TraineeCertificatePDF handles GET /t/:token/certificates/:cid.pdf: a trainee downloads their own
// certificate through their personal link. Another trainee's certificate, or a revoked or superseded
// one, is the plain 404.
func (h *Handler) TraineeCertificatePDF(c *fiber.Ctx) error {
	traineeID, _, err := h.traineeByLink(c)
	if err != nil {
		return err
	}
	cid, err := strconv.ParseInt(c.Params("cid"), 10, 64)
	if err != nil || cid < 1 {
		return fiber.ErrNotFound
	}
	cert, err := h.store.GetCertificate(c.UserContext(), cid)
	if err != nil {
		return err
	}
	if cert.TraineeID != traineeID || cert.Status != models.CertValid {
		return fiber.ErrNotFound
	}
	b, err := h.certificatePDF(c.UserContext(), cert)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.pdf"`, cert.Serial))
	return c.Send(b)
}
