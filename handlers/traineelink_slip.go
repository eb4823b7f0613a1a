package handlers

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/internal/vi"
	"khuyencong/models"
	"khuyencong/pdf"
)

// Printing a slip (In phiếu ghi danh) is the only way a link is made. Since only the hash of a token is
// kept, the slip is made at the moment its token is: a new token, the slip rendered with it, and only
// then the token's hash stored in one transaction, which retires the old link. Rendering first means
// a slip that fails to print never leaves a trainee with a link nobody holds. A click that prints
// again makes yet another link and retires the one just printed: the newest slip is the one to hand out.

// slipSessions is how many of a class's coming sessions a slip lists; the page has them all.
const slipSessions = 6

// slipOf lays out one trainee's slip: the class only (when only > 0), or else every class they still
// take or wait for. ok is false when only is not one of their classes.
func (h *Handler) slipOf(sch models.TraineeSchedule, only int64, link string, now time.Time) (s pdf.Slip, ok bool) {
	s = pdf.Slip{Header: pdf.Header{Parent: h.cfg.OrgParent, Unit: h.cfg.OrgUnit}, Name: sch.FullName, Link: link, Printed: vi.Date(now)}
	for _, c := range sch.Classes {
		if (only > 0 && c.CourseID != only) || (only == 0 && !c.Current()) {
			continue
		}
		sc := pdf.SlipClass{Code: c.Code, Title: c.Title, Dates: vi.Date(c.StartDate) + " – " + vi.Date(c.EndDate), Status: slipStatus(c)}
		if c.VenueName != nil {
			sc.Venue = joinNonEmpty(", ", *c.VenueName, deref(c.VenueAddress), deref(c.CommuneName), deref(c.DistrictName))
		}
		for _, ss := range sch.Sessions {
			if ss.CourseID != c.CourseID || !ss.EndsAt.After(now) {
				continue
			}
			if len(sc.Sessions) == slipSessions {
				sc.More++
				continue
			}
			sc.Sessions = append(sc.Sessions, pdf.SlipSession{
				Date:  T(LangVI, "tlink.weekday."+weekdayNo(ss.StartsAt)) + ", " + vi.Date(ss.StartsAt),
				Time:  ss.StartsAt.In(vi.Zone).Format("15:04") + " – " + ss.EndsAt.In(vi.Zone).Format("15:04"),
				Place: joinNonEmpty(", ", ss.VenueName, deref(ss.DistrictName)), Instructor: ss.InstructorName, Cancelled: ss.Cancelled(),
			})
		}
		s.Classes = append(s.Classes, sc)
		ok = true
	}
	return s, ok || only == 0
}

func slipStatus(c models.TraineeClass) string {
	switch {
	case c.EnrolmentStatus == models.EnrolWaitlisted && c.WaitlistPosition != nil:
		return fmt.Sprintf("Danh sách chờ, số %d", *c.WaitlistPosition)
	case c.EnrolmentStatus == models.EnrolWithdrawn:
		return "Đã rút khỏi lớp"
	case c.CourseStatus == models.StatusCancelled:
		return "Lớp đã hủy"
	}
	return "Đã có chỗ"
}

func weekdayNo(t time.Time) string { return fmt.Sprint(int(t.In(vi.Zone).Weekday())) }

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func sendSlips(c *fiber.Ctx, b []byte, name string) error {
	privatePage(c) // the PDF carries live links
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, name))
	return c.Send(b)
}

// TraineeLinkRotate handles POST /trainees/:id/link (In phiếu ghi danh): a new personal link, the old
// one dead, and the slip PDF with the new link and its QR code. course_id, when sent from a class's
// list, puts only that class on the slip.
func (h *Handler) TraineeLinkRotate(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	errs := fieldErrors{}
	only := optionalID(errs, "course_id", c.FormValue("course_id"))
	if len(errs) > 0 {
		return errs
	}
	var course int64
	if only != nil {
		course = *only
	}
	now := time.Now()
	sch, err := h.store.GetTraineeSchedule(c.UserContext(), id, now)
	if err != nil {
		return err
	}
	token := models.NewTraineeLinkToken()
	slip, ok := h.slipOf(sch, course, h.traineeLinkURL(token), now)
	if !ok {
		return fiber.ErrNotFound
	}
	b, err := pdf.RenderSlips([]pdf.Slip{slip}, now)
	if err != nil {
		return err
	}
	if err := h.store.SetTraineeLinks(c.UserContext(), actor(c), []models.TraineeLink{{TraineeID: id, Token: token}}); err != nil {
		return err
	}
	return sendSlips(c, b, fmt.Sprintf("phieu-ghi-danh-hv%d.pdf", id))
}

// CourseSlips handles POST /courses/:id/slips: the slips of every trainee of the class with a seat or a
// place in the queue, one page each, in one PDF. Every one of them gets a new link, so the form asks
// to confirm (confirm=1) that the slips handed out before stop working.
func (h *Handler) CourseSlips(c *fiber.Ctx) error {
	course, _, err := h.courseAccess(c, models.CourseStaff)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "1" {
		return fieldErrors{"confirm": "required"}
	}
	ctx := c.UserContext()
	enrolments, err := h.store.ListEnrolments(ctx, course.ID)
	if err != nil {
		return err
	}
	now := time.Now()
	var slips []pdf.Slip
	var links []models.TraineeLink
	for _, e := range enrolments {
		if e.Status == models.EnrolWithdrawn {
			continue
		}
		sch, err := h.store.GetTraineeSchedule(ctx, e.TraineeID, now)
		if err != nil {
			return err
		}
		token := models.NewTraineeLinkToken()
		slip, _ := h.slipOf(sch, course.ID, h.traineeLinkURL(token), now)
		slips = append(slips, slip)
		links = append(links, models.TraineeLink{TraineeID: e.TraineeID, Token: token})
	}
	if len(slips) == 0 {
		return fieldErrors{"course": "tlink_no_trainees"}
	}
	b, err := pdf.RenderSlips(slips, now)
	if err != nil {
		return err
	}
	if err := h.store.SetTraineeLinks(ctx, actor(c), links); err != nil {
		return err
	}
	return sendSlips(c, b, fmt.Sprintf("phieu-ghi-danh-%s.pdf", strings.NewReplacer("/", "-", ".", "-").Replace(course.Code)))
}
