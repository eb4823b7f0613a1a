package handlers

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"khuyencong/internal/vi"
	"khuyencong/internal/xlsxbook"
	"khuyencong/models"
)

// The workbooks are always in Vietnamese: they are filed and signed as the centre's reports.

// heading writes the organisation, the title and the period above a table.
func (h *Handler) heading(b *xlsxbook.Book, title string, from, to time.Time, more ...string) error {
	if err := b.Lines(strings.ToUpper(h.cfg.OrgParent), strings.ToUpper(h.cfg.OrgUnit), "", strings.ToUpper(title)); err != nil {
		return err
	}
	if err := b.Row(xlsxbook.Text("Từ ngày"), xlsxbook.Date(from), xlsxbook.Text("đến ngày"), xlsxbook.Date(to)); err != nil {
		return err
	}
	if err := b.Lines(more...); err != nil {
		return err
	}
	b.Skip(1)
	return nil
}

// notes writes the method notes under a table, one per row.
func notes(b *xlsxbook.Book, keys ...string) error {
	b.Skip(1)
	lines := []string{T(LangVI, "report.notes") + ":"}
	for i, k := range keys {
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, T(LangVI, k)))
	}
	return b.Lines(lines...)
}

func placeDate() string {
	return fmt.Sprintf(T(LangVI, "report.sign_place"), vi.DateInWords(time.Now()))
}

// reachWorkbook writes the reach report: the same lines and totals as the page, to the đồng.
func (h *Handler) reachWorkbook(buf *bytes.Buffer, rep models.ReachReport, kinds []models.ActivityKind) error {
	b, err := xlsxbook.New()
	if err != nil {
		return err
	}
	if err := b.Sheet("Hỗ trợ cơ sở CNNT", 6, 26, 14, 14, 14, 13, 11, 19, 19, 13, 17); err != nil {
		return err
	}
	view, err := newReachView(LangVI, rep, kinds)
	if err != nil {
		return err
	}
	chosen := T(LangVI, "report.kinds_all")
	if len(view.KindNames) > 0 {
		chosen = strings.Join(view.KindNames, "; ")
	}
	more := []string{T(LangVI, "report.kinds") + ": " + chosen}
	if rep.Filter.WithCourses {
		more = append(more, T(LangVI, "report.with_courses"))
	}
	if err := h.heading(b, T(LangVI, "report.reach.title"), rep.Filter.From, rep.Filter.To, more...); err != nil {
		return err
	}
	keys := []string{"report.stt", "report.district", "report.establishments", "report.difficult", "report.especially",
		"report.difficult_share", "report.events", "report.funding", "report.difficult_fund", "report.funding_share", "report.average"}
	head := make([]string, len(keys))
	for i, k := range keys {
		head[i] = T(LangVI, k)
	}
	if err := b.Header(head...); err != nil {
		return err
	}
	line := func(first, label xlsxbook.Cell, r models.ReachRow, bold bool) error {
		cells := []xlsxbook.Cell{first, label, xlsxbook.Int(r.Establishments), xlsxbook.Int(r.Difficult), xlsxbook.Int(r.Especially),
			xlsxbook.Share(r.DifficultShare()), xlsxbook.Int(r.Events), xlsxbook.Int(r.Funding), xlsxbook.Int(r.DifficultFunding),
			xlsxbook.Share(r.FundingShare()), xlsxbook.Int(r.Average())}
		if bold {
			for i := range cells {
				cells[i] = cells[i].Bold()
			}
		}
		return b.Row(cells...)
	}
	for _, l := range view.Lines {
		if err := line(xlsxbook.Plain(int64(l.No)), xlsxbook.Text(l.Label), l.ReachRow, false); err != nil {
			return err
		}
	}
	if err := line(xlsxbook.Empty(), xlsxbook.Text(T(LangVI, "report.total")), rep.Total, true); err != nil {
		return err
	}
	t := rep.Total
	b.Skip(1)
	summary := []string{
		fmt.Sprintf(T(LangVI, "report.sum_difficult"), vi.Int(t.Difficult), vi.Int(t.Establishments), vi.Percent(t.DifficultShare()),
			vi.Int(t.DifficultFunding), vi.Percent(t.FundingShare()), vi.Int(t.Funding)),
		fmt.Sprintf(T(LangVI, "report.sum_average"), vi.Int(t.DifficultAverage()), vi.Int(t.OtherAverage())),
		fmt.Sprintf(T(LangVI, "report.sum_events"), vi.Int(t.Events)),
	}
	if rep.Filter.WithCourses {
		summary = append(summary, fmt.Sprintf(T(LangVI, "report.sum_courses"), vi.Int(rep.CourseEvents)))
	}
	if err := b.Lines(summary...); err != nil {
		return err
	}
	if err := notes(b, "report.note_reach_1", "report.note_reach_2", "report.note_reach_3", "report.note_reach_4"); err != nil {
		return err
	}
	if err := b.Signature(placeDate(), 8); err != nil {
		return err
	}
	return b.Write(buf)
}

// countCells are a line's training counts as cells.
func countCells(c models.TrainingCounts, bold bool) []xlsxbook.Cell {
	cells := []xlsxbook.Cell{xlsxbook.Int(c.Classes), xlsxbook.Int(c.Enrolled), xlsxbook.Int(c.Female), xlsxbook.Int(c.Minority),
		xlsxbook.Int(c.Completed), xlsxbook.Int(c.Certified)}
	if bold {
		for i := range cells {
			cells[i] = cells[i].Bold()
		}
	}
	return cells
}

var countHeads = []string{"report.classes", "report.enrolled", "report.female", "report.minority", "report.completed", "report.certified"}

func heads(first []string, keys []string) []string {
	out := append([]string{}, first...)
	for _, k := range keys {
		out = append(out, T(LangVI, k))
	}
	return out
}

// trainingWorkbook writes the training report: the main table, then a sheet per breakdown.
func (h *Handler) trainingWorkbook(buf *bytes.Buffer, rep models.TrainingReport) error {
	b, err := xlsxbook.New()
	if err != nil {
		return err
	}
	view, err := newTrainingView(LangVI, rep)
	if err != nil {
		return err
	}
	if err := b.Sheet("Kết quả đào tạo", 8, 30, 22, 24, 9, 11, 9, 12, 12, 13); err != nil {
		return err
	}
	if err := h.heading(b, T(LangVI, "report.training.title"), rep.Filter.From, rep.Filter.To); err != nil {
		return err
	}
	if err := b.Header(heads([]string{T(LangVI, "report.year"), T(LangVI, "report.kind"), T(LangVI, "report.craft"),
		T(LangVI, "report.district")}, countHeads)...); err != nil {
		return err
	}
	for _, l := range view.Lines {
		row := append([]xlsxbook.Cell{xlsxbook.Plain(int64(l.Year)), xlsxbook.Text(l.KindLabel), xlsxbook.Text(l.CraftLabel), xlsxbook.Text(l.DistrictLabel)},
			countCells(l.TrainingCounts, false)...)
		if err := b.Row(row...); err != nil {
			return err
		}
	}
	total := append([]xlsxbook.Cell{xlsxbook.Text(T(LangVI, "report.total")).Bold(), xlsxbook.Empty(), xlsxbook.Empty(), xlsxbook.Empty()},
		countCells(rep.Total, true)...)
	if err := b.Row(total...); err != nil {
		return err
	}
	if err := b.Lines("", fmt.Sprintf(T(LangVI, "report.people"), vi.Int(rep.People))); err != nil {
		return err
	}
	if err := notes(b, "report.note_training_1", "report.note_training_2"); err != nil {
		return err
	}
	if err := b.Signature(placeDate(), 7); err != nil {
		return err
	}
	for _, part := range []struct {
		sheet, head string
		lines       []breakdownLine
	}{
		{"Theo năm", "report.year", view.Years}, {"Giới tính", "report.gender", view.Genders},
		{"Dân tộc", "report.ethnicity", view.Ethnic}, {"Độ tuổi", "report.age", view.Ages},
	} {
		if err := b.Sheet(part.sheet, 22, 9, 11, 9, 12, 12, 13); err != nil {
			return err
		}
		if err := b.Header(heads([]string{T(LangVI, part.head)}, countHeads)...); err != nil {
			return err
		}
		for _, l := range part.lines {
			if err := b.Row(append([]xlsxbook.Cell{xlsxbook.Text(l.Label)}, countCells(l.TrainingCounts, false)...)...); err != nil {
				return err
			}
		}
		if err := b.Row(append([]xlsxbook.Cell{xlsxbook.Text(T(LangVI, "report.total")).Bold()}, countCells(rep.Total, true)...)...); err != nil {
			return err
		}
	}
	if err := b.Sheet("Chứng chỉ", 10, 12, 14, 18, 12); err != nil {
		return err
	}
	if err := b.Header(heads([]string{T(LangVI, "report.year")}, []string{"report.issued", "report.chung_chi",
		"report.giay_chung_nhan", "report.revoked"})...); err != nil {
		return err
	}
	for _, y := range append(rep.Certificates, rep.CertTotal) {
		first := xlsxbook.Plain(int64(y.Year))
		bold := y.Year == 0
		if bold {
			first = xlsxbook.Text(T(LangVI, "report.total")).Bold()
		}
		cells := []xlsxbook.Cell{first, xlsxbook.Int(y.Issued), xlsxbook.Int(y.ChungChi), xlsxbook.Int(y.GiayChungNhan), xlsxbook.Int(y.Revoked)}
		if bold {
			for i := 1; i < len(cells); i++ {
				cells[i] = cells[i].Bold()
			}
		}
		if err := b.Row(cells...); err != nil {
			return err
		}
	}
	return b.Write(buf)
}
