package handlers

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"khuyencong/internal/vi"
	"khuyencong/models"
)

// MySchedule handles GET /my/schedule: the sessions a trainer or master teaches and the classes they
// are assigned to, the coming ones first. An account with no instructor record sees why it is empty.
func (h *Handler) MySchedule(c *fiber.Ctx) error {
	sch, err := h.store.GetTeachingSchedule(c.UserContext(), currentUser(c).ID, time.Now())
	if err != nil {
		return err
	}
	return h.render(c, fiber.StatusOK, "my/schedule", "mysched.title", sch)
}

// hoursText writes minutes as hours with at most two decimals and a decimal comma: 3240 → "54",
// 90 → "1,5", 20 → "0,33"; thousands take dots ("1.234,5").
func hoursText(minutes int64) string {
	h := math.Round(float64(minutes)/60*100) / 100
	whole, frac, _ := strings.Cut(strconv.FormatFloat(h, 'f', -1, 64), ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	if frac == "" {
		return vi.Int(n)
	}
	return vi.Int(n) + "," + frac
}

// hoursRow is one line of the master-hours table, ready to print.
type hoursRow struct {
	InstructorID int64
	Name         string
	Months       [12]string
	Total        string
}

// MasterHoursReport handles GET /reports/master-hours?year=: hours taught per master and month, with
// row and column totals, for their fees.
func (h *Handler) MasterHoursReport(c *fiber.Ctx) error {
	year, err := hoursYear(c)
	if err != nil {
		return err
	}
	rows, err := h.store.MasterHours(c.UserContext(), year)
	if err != nil {
		return err
	}
	cell := func(m int64) string {
		if m == 0 {
			return "–"
		}
		return hoursText(m)
	}
	var out []hoursRow
	for _, r := range rows {
		hr := hoursRow{InstructorID: r.InstructorID, Name: r.Name, Total: hoursText(r.Total)}
		for i, m := range r.Minutes {
			hr.Months[i] = cell(m)
		}
		out = append(out, hr)
	}
	months, total := models.MasterHoursTotals(rows)
	var totals [12]string
	for i, m := range months {
		totals[i] = cell(m)
	}
	return h.render(c, fiber.StatusOK, "reports/master_hours", "mhours.title", map[string]any{
		"Year": year, "Rows": out, "Totals": totals, "Total": hoursText(total), "Prev": year - 1, "Next": year + 1,
		"MonthNos": []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}})
}

// APIMasterHours handles GET /api/v1/reports/master-hours?year=: hours as numbers, January first.
func (h *Handler) APIMasterHours(c *fiber.Ctx) error {
	year, err := hoursYear(c)
	if err != nil {
		return err
	}
	rows, err := h.store.MasterHours(c.UserContext(), year)
	if err != nil {
		return err
	}
	type item struct {
		InstructorID int64       `json:"instructor_id"`
		Name         string      `json:"name"`
		Hours        [12]float64 `json:"hours"`
		Total        float64     `json:"total_hours"`
	}
	items := []item{}
	for _, r := range rows {
		items = append(items, item{r.InstructorID, r.Name, r.Hours(), float64(r.Total) / 60})
	}
	months, total := models.MasterHoursTotals(rows)
	var monthHours [12]float64
	for i, m := range months {
		monthHours[i] = float64(m) / 60
	}
	return c.JSON(fiber.Map{"year": year, "items": items, "month_totals": monthHours, "total_hours": float64(total) / 60})
}
