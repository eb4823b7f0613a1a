package handlers

import (
	"bytes"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/models"
)

// reachRowJSON is a line of the reach report with its shares and average worked out.
type reachRowJSON struct {
	models.ReachRow
	DifficultShare float64 `json:"difficult_share"`
	FundingShare   float64 `json:"funding_share"`
	Average        int64   `json:"average_per_establishment"`
}

func reachJSON(r models.ReachRow) reachRowJSON {
	return reachRowJSON{ReachRow: r, DifficultShare: r.DifficultShare(), FundingShare: r.FundingShare(), Average: r.Average()}
}

// APIReachReport handles GET /api/v1/reports/reach?from=&to=&kinds=&courses=.
func (h *Handler) APIReachReport(c *fiber.Ctx) error {
	f, _, err := parseReach(c)
	if err != nil {
		return err
	}
	rep, err := h.store.GetReachReport(c.UserContext(), f)
	if err != nil {
		return err
	}
	rows := make([]reachRowJSON, 0, len(rep.Rows))
	for _, r := range rep.Rows {
		rows = append(rows, reachJSON(r))
	}
	total := reachJSON(rep.Total)
	return c.JSON(fiber.Map{
		"from": f.From.Format(time.DateOnly), "to": f.To.Format(time.DateOnly), "kinds": rep.Filter.Kinds,
		"with_courses": f.WithCourses, "rows": rows, "total": total, "course_events": rep.CourseEvents,
		"difficult_average": rep.Total.DifficultAverage(), "other_average": rep.Total.OtherAverage(),
	})
}

// APITrainingReport handles GET /api/v1/reports/training?from=&to=.
func (h *Handler) APITrainingReport(c *fiber.Ctx) error {
	f, _, err := parseTraining(c)
	if err != nil {
		return err
	}
	rep, err := h.store.GetTrainingReport(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"from": f.From.Format(time.DateOnly), "to": f.To.Format(time.DateOnly), "report": rep})
}

// sendReportXLSX answers a workbook as a download named name_from_to.xlsx.
func sendReportXLSX(c *fiber.Ctx, name string, from, to time.Time, write func(*bytes.Buffer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s_%s_%s.xlsx"`, name,
		from.Format("20060102"), to.Format("20060102")))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(buf.Bytes())
}

// ReachReportXLSX handles GET /api/v1/reports/reach.xlsx: the same report as an Excel workbook.
func (h *Handler) ReachReportXLSX(c *fiber.Ctx) error {
	f, _, err := parseReach(c)
	if err != nil {
		return err
	}
	rep, err := h.store.GetReachReport(c.UserContext(), f)
	if err != nil {
		return err
	}
	kinds, err := h.store.ListActivityKinds(c.UserContext())
	if err != nil {
		return err
	}
	return sendReportXLSX(c, "bao-cao-ho-tro-co-so", f.From, f.To, func(buf *bytes.Buffer) error {
		return h.reachWorkbook(buf, rep, kinds)
	})
}

// TrainingReportXLSX handles GET /api/v1/reports/training.xlsx.
func (h *Handler) TrainingReportXLSX(c *fiber.Ctx) error {
	f, _, err := parseTraining(c)
	if err != nil {
		return err
	}
	rep, err := h.store.GetTrainingReport(c.UserContext(), f)
	if err != nil {
		return err
	}
	return sendReportXLSX(c, "bao-cao-ket-qua-dao-tao", f.From, f.To, func(buf *bytes.Buffer) error {
		return h.trainingWorkbook(buf, rep)
	})
}
