package handlers

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"khuyencong/internal/vi"
	"khuyencong/models"
)

// RegisterBook handles GET /certificates/register.xlsx?from=&to=: the register book of a period as a
// spreadsheet, revoked certificates included and flagged. Every value is written as text or a number,
// never a formula: a name typed as "=HYPERLINK(…)" stays a name.
func (h *Handler) RegisterBook(c *fiber.Ctx) error {
	errs := fieldErrors{}
	from, to := date(errs, "from", c.Query("from")), date(errs, "to", c.Query("to"))
	if len(errs) > 0 {
		return errs
	}
	now := time.Now().In(vi.Zone)
	if from.IsZero() {
		from = time.Date(now.Year(), 1, 1, 0, 0, 0, 0, vi.Zone)
	}
	if to.IsZero() {
		to = time.Date(now.Year(), 12, 31, 0, 0, 0, 0, vi.Zone)
	}
	rows, err := h.store.RegisterBook(c.UserContext(), from, to)
	if err != nil {
		return err
	}
	b, err := registerXLSX(rows, from, to)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="so-cap-chung-chi-%s-%s.xlsx"`, from.Format("20060102"), to.Format("20060102")))
	return c.Send(b)
}

var statusVI = map[string]string{models.CertValid: "Còn hiệu lực", models.CertRevoked: "Đã thu hồi", models.CertSuperseded: "Đã cấp lại"}

func registerXLSX(rows []models.RegisterRow, from, to time.Time) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sổ cấp chứng chỉ"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	title := fmt.Sprintf("SỔ CẤP CHỨNG CHỈ từ %s đến %s", vi.Date(from), vi.Date(to))
	if err := f.SetCellStr(sheet, "A1", title); err != nil {
		return nil, err
	}
	heads := []string{"STT", "Số hiệu", "Số vào sổ", "Họ và tên", "Ngày sinh", "Xã/phường", "Khóa học", "Từ ngày", "Đến ngày",
		"Kết quả", "Ngày cấp", "Tình trạng", "Ghi chú", "Người nhận ký"}
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"E8F0EA"}, Pattern: 1},
		Border: []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}})
	for i, h := range heads {
		cell, _ := excelize.CoordinatesToCellName(i+1, 3)
		if err := f.SetCellStr(sheet, cell, h); err != nil {
			return nil, err
		}
		_ = f.SetCellStyle(sheet, cell, cell, bold)
	}
	for i, r := range rows {
		row := i + 4
		note := ""
		if r.Reason != nil {
			note = *r.Reason
		}
		if r.Status == models.CertRevoked && r.Revoked != nil {
			note = "Thu hồi ngày " + r.Revoked.Format("02/01/2006") + ": " + note
		}
		vals := []string{r.Serial, r.Register, r.Holder, r.BirthDate, deref(r.Commune), r.Course, r.Start, r.End, r.Result,
			vi.Date(r.IssuedOn), statusVI[r.Status], note, ""}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetCellInt(sheet, cell, int64(i+1)); err != nil {
			return nil, err
		}
		for j, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(j+2, row)
			// SetCellStr stores a shared string: a leading = + - @ is text, never a formula.
			if err := f.SetCellStr(sheet, cell, strings.TrimSpace(v)); err != nil {
				return nil, err
			}
		}
	}
	widths := map[string]float64{"A": 6, "B": 18, "C": 12, "D": 28, "E": 12, "F": 18, "G": 36, "H": 12, "I": 12, "J": 14, "K": 12, "L": 14, "M": 30, "N": 16}
	for col, w := range widths {
		_ = f.SetColWidth(sheet, col, col, w)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
