package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"time"

	"khuyencong/internal/invariants"
	"khuyencong/pdf"
)

// burstRuns runs the enrolment burst cfg.Runs times, each into a new class with new trainees, and
// checks the queue and the invariants after each.
func (e *env) burstRuns(ctx context.Context, cfg benchConfig, bases []string, token string) ([]row, error) {
	var took, bad series
	exact := true
	slot := &fixtureSlot{}
	for run := 0; run < cfg.Runs; run++ {
		r, err := e.oneBurst(ctx, slot, run, cfg, bases, token)
		if err != nil {
			return nil, err
		}
		e.log("burst %d: %s", run+1, r)
		took = append(took, r.Took.Seconds())
		bad = append(bad, float64(r.non2xx()))
		exact = exact && r.Confirmed == cfg.Seats && r.Waiting == cfg.Burst-cfg.Seats && r.Gapless
	}
	lbl := fmt.Sprintf("enrolment burst: %d at once, 2 servers, %d seats", cfg.Burst, cfg.Seats)
	return []row{
		{Figure: lbl + ", whole burst", Value: took, Unit: "s", Target: "< 1.5 s", Met: took.median() < 1.5},
		{Figure: lbl + ", non-2xx answers", Value: bad, Unit: "answers", Target: "0 in every run", Met: bad.max() == 0},
		{Figure: fmt.Sprintf("enrolment burst: exactly %d confirmed, positions 1..%d, invariants hold", cfg.Seats, cfg.Burst-cfg.Seats),
			Value: series{boolNum(exact)}, Unit: "all runs", Target: "1 (yes)", Met: exact},
	}, nil
}

// oneBurst is one burst into a fresh class; run picks the group of trainees.
func (e *env) oneBurst(ctx context.Context, slot *fixtureSlot, run int, cfg benchConfig, bases []string, token string) (burstResult, error) {
	course, err := e.openClass(ctx, slot, cfg.Seats)
	if err != nil {
		return burstResult{}, err
	}
	trainees, err := e.traineeBatch(ctx, run, cfg.Burst)
	if err != nil {
		return burstResult{}, err
	}
	r, err := burst(ctx, bases, token, course, trainees)
	if err != nil {
		return r, err
	}
	if err := e.queueState(ctx, course, &r); err != nil {
		return r, err
	}
	vs, err := invariants.Check(ctx, e.db.DB)
	if err != nil {
		return r, err
	}
	if len(vs) > 0 {
		return r, fmt.Errorf("invariants broken after the burst: %v", vs)
	}
	return r, nil
}

func boolNum(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// certificateFigures times a 500-certificate class as one PDF with and without QR codes (in turn, in
// the same run), and downloads of issued certificates served again from their stored PDF.
func (e *env) certificateFigures(ctx context.Context, cfg benchConfig, base, token string) ([]row, error) {
	withQR, withoutQR := sampleClass(500, true), sampleClass(500, false)
	created := time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC)
	var tQR, tPlain, ratio, size series
	for run := 0; run < cfg.Runs; run++ {
		start := time.Now()
		b, err := pdf.RenderCertificates(withQR, created)
		if err != nil {
			return nil, err
		}
		a := time.Since(start)
		start = time.Now()
		if _, err := pdf.RenderCertificates(withoutQR, created); err != nil {
			return nil, err
		}
		p := time.Since(start)
		tQR, tPlain = append(tQR, a.Seconds()), append(tPlain, p.Seconds())
		ratio, size = append(ratio, a.Seconds()/p.Seconds()), append(size, float64(len(b))/1e6)
		e.log("certificates run %d: 500 with QR %s, without %s (%.2f×), %d bytes", run+1, a.Round(time.Millisecond), p.Round(time.Millisecond), a.Seconds()/p.Seconds(), len(b))
	}
	rows := []row{
		{Figure: "500 certificates as one PDF, QR codes included", Value: tQR, Unit: "s", Ref: tPlain, RefLbl: "s without QR", Ratio: ratio,
			Target: "≤ 3× without QR", Met: ratio.median() <= 3},
		{Figure: "500 certificates as one PDF, size", Value: size, Unit: "MB", Target: "< 1 MB", Met: size.max() < 1},
	}

	// Downloads: the first renders and stores the PDF; the next ones must come from the stored bytes.
	_, certs, err := e.completedClass(ctx, &fixtureSlot{next: 1000}, 0, 50)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: 10 * time.Second}
	get := func(serial string) ([]byte, time.Duration, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/certificates/"+serial+".pdf", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return nil, 0, err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET certificate %s: status %d", serial, resp.StatusCode)
		}
		return b, took, err
	}
	first := map[string][]byte{}
	var firstTimes series
	for _, c := range certs {
		b, took, err := get(c.Serial)
		if err != nil {
			return nil, err
		}
		first[c.Serial] = b
		firstTimes = append(firstTimes, float64(took)/1e6)
	}
	var again series
	same := true
	for run := 0; run < cfg.Runs; run++ {
		var lat []float64
		for _, c := range certs {
			b, took, err := get(c.Serial)
			if err != nil {
				return nil, err
			}
			same = same && bytes.Equal(b, first[c.Serial])
			lat = append(lat, float64(took)/1e6)
		}
		sort.Float64s(lat)
		again = append(again, series(lat).median())
	}
	rows = append(rows, row{Figure: "issued certificate downloaded again (stored PDF, byte-identical)", Value: again, Unit: "ms",
		Ref: series{firstTimes.median()}, RefLbl: "ms first download (renders)", Ratio: series{again.median() / firstTimes.median()},
		Target: "< 5 ms", Met: again.median() < 5 && same, Note: fmt.Sprintf("identical bytes: %v", same)})
	return rows, nil
}

// sampleClass is a class of n certificates as the batch print lays them out.
func sampleClass(n int, qr bool) []pdf.Certificate {
	out := make([]pdf.Certificate, n)
	for i := range out {
		c := pdf.Certificate{
			Kind: "chung_chi", Parent: "SỞ CÔNG THƯƠNG TỈNH BẮC GIANG", Unit: "TRUNG TÂM KHUYẾN CÔNG VÀ XÚC TIẾN THƯƠNG MẠI",
			Holder: fmt.Sprintf("Nguyễn Thị Học Viên %03d", i+1), BirthDate: "05/07/1990", Course: "Truyền nghề mây tre đan",
			Craft: "Mây tre đan", StartDate: "02/03/2026", EndDate: "10/04/2026", Hours: "60",
			Place: "Nhà văn hóa xã Tăng Tiến, Việt Yên", Result: "Khá", IssuePlace: "Bắc Giang", IssuedOn: "2026-04-15",
			SignerTitle: "Giám đốc", SignerName: "Nguyễn Văn Giám",
			Serial: fmt.Sprintf("KC-2026-%06d", i+1), Register: fmt.Sprintf("%04d/2026", i+1),
		}
		if qr {
			c.VerifyURL = "https://khuyencong.bacgiang.gov.vn/verify/" + randomToken(i)
		}
		out[i] = c
	}
	return out
}

// randomToken looks like a verification token (43 URL-safe characters, 256 bits), deterministic per i.
func randomToken(i int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, 43)
	x := uint64(i)*0x9E3779B97F4A7C15 + 1
	for j := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[j] = alphabet[x%64]
	}
	return string(b)
}

// reachFigure times the reach report over ten years on the scaled data (models.Store.GetReach).
func (e *env) reachFigure(ctx context.Context, cfg benchConfig) (row, error) {
	from, to := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2022, 12, 31, 0, 0, 0, 0, time.UTC)
	var per series
	var est int64
	for run := 0; run < cfg.Runs; run++ {
		var lat series
		for i := 0; i < 10; i++ {
			start := time.Now()
			r, err := e.store.GetReach(ctx, from, to)
			if err != nil {
				return row{}, err
			}
			lat = append(lat, float64(time.Since(start))/1e6)
			est = r.Establishments
		}
		per = append(per, lat.median())
	}
	return row{Figure: fmt.Sprintf("reach report 2012–2022, %d× data (GetReach: %d establishments)", cfg.Factor, est),
		Value: per, Unit: "ms", Target: "< 200 ms", Met: per.median() < 200}, nil
}
