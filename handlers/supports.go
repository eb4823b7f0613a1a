package handlers

import (
	"strconv"
	"strings"
	"time"

	"khuyencong/models"
)

// supportForm is what the "add a support record" form submits.
type supportForm struct {
	SupportDate   string `form:"support_date"`
	ActivityCode  string `form:"activity_code"`
	Amount        string `form:"amount"`
	FundingSource string `form:"funding_source"`
	Description   string `form:"description"`
}

func (f supportForm) clean() (models.NewSupport, fieldErrors) {
	errs := fieldErrors{}
	n := models.NewSupport{
		ActivityCode:  text(errs, "activity_code", f.ActivityCode, 10),
		FundingSource: text(errs, "funding_source", f.FundingSource, 20),
		Description:   text(errs, "description", f.Description, 2000),
	}
	switch d, ok := parseDate(f.SupportDate); {
	case strings.TrimSpace(f.SupportDate) == "":
	case !ok:
		errs["support_date"] = "est_invalid_date"
	default:
		n.Date = d
	}
	if strings.TrimSpace(f.Amount) == "" {
		errs["amount"] = "required"
	} else if a, ok := parseDong(f.Amount); ok {
		n.Amount = a
	} else {
		errs["amount"] = "est_invalid_amount"
	}
	return n, mergeErrors(errs, n.Validate())
}

func (f supportForm) values() map[string]string {
	return map[string]string{
		"support_date": f.SupportDate, "activity_code": f.ActivityCode, "amount": f.Amount,
		"funding_source": f.FundingSource, "description": f.Description,
	}
}

// parseDate reads a date as a date input sends it (2019-05-10) or as people type it (10/05/2019).
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 10 {
		return time.Time{}, false
	}
	for _, layout := range []string{time.DateOnly, "02/01/2006", "2/1/2006"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d, true
		}
	}
	return time.Time{}, false
}

// parseDong reads an amount in whole đồng as people type it: "1.500.000", "1 500 000", "1500000 đ".
// A comma is refused: in Vietnamese it is the decimal separator, and đồng have no fraction.
func parseDong(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "đ"), "₫"))
	s = strings.NewReplacer(".", "", " ", "", "\u00a0", "").Replace(s)
	if s == "" || len(s) > 15 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}
