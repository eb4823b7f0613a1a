package models_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"khuyencong/models"
)

func TestVenues(t *testing.T) {
	w, ctx := newEstWorld(t), context.Background()
	e := w.mustEstablishment(t, models.EstablishmentInput{Name: "HTX Mây tre đan Tăng Tiến", Kind: models.KindCooperative, CommuneCode: "21301"})
	hall, err := w.s.CreateVenue(ctx, estActor, models.VenueInput{Name: "Nhà văn hóa xã Nam Dương", Address: "Thôn Thủ Dương", CommuneCode: "21901", Seats: 40, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if *hall.CommuneName != "Nam Dương" || *hall.DistrictName != "Huyện Lục Ngạn" || hall.EstablishmentID != nil {
		t.Fatalf("venue %+v", hall)
	}
	shop, err := w.s.CreateVenue(ctx, estActor, models.VenueInput{Name: "Xưởng đan của HTX", Seats: 25, EstablishmentID: &e.ID, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if *shop.EstablishmentName != e.Name || shop.CommuneCode != nil {
		t.Fatalf("workshop %+v", shop)
	}
	if w.auditCount(t, "venue.create", hall.ID) != 1 {
		t.Fatal("no audit row")
	}

	in := shop.Input()
	in.Active, in.Seats = false, 30
	shop, err = w.s.UpdateVenue(ctx, estActor, shop.ID, in)
	if err != nil || shop.Active || shop.Seats != 30 {
		t.Fatalf("update: %+v %v", shop, err)
	}
	if w.auditCount(t, "venue.update", shop.ID) != 1 {
		t.Fatal("no audit row for the update")
	}

	active := true
	for _, tc := range []struct {
		q    string
		f    models.VenueFilter
		sort string
		want string
	}{
		{"nha van hoa", models.VenueFilter{}, "", "Nhà văn hóa xã Nam Dương"},
		{"luc ngan", models.VenueFilter{}, "", "Nhà văn hóa xã Nam Dương"},
		{"thu duong", models.VenueFilter{}, "", "Nhà văn hóa xã Nam Dương"},
		{"", models.VenueFilter{Active: &active}, "", "Nhà văn hóa xã Nam Dương"},
		{"", models.VenueFilter{District: "219"}, "", "Nhà văn hóa xã Nam Dương"},
		{"", models.VenueFilter{}, "-seats", "Nhà văn hóa xã Nam Dương|Xưởng đan của HTX"},
		{"", models.VenueFilter{}, "seats", "Xưởng đan của HTX|Nhà văn hóa xã Nam Dương"},
	} {
		l, err := w.s.ListVenues(ctx, models.ListParams{Q: tc.q, Sort: tc.sort}, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, v := range l.Items {
			names = append(names, v.Name)
		}
		if got := strings.Join(names, "|"); got != tc.want {
			t.Errorf("q=%q %+v sort=%q: %q, want %q", tc.q, tc.f, tc.sort, got, tc.want)
		}
	}
	if _, err := w.s.ListVenues(ctx, models.ListParams{Sort: "seats desc"}, models.VenueFilter{}); !errors.Is(err, models.ErrInvalid) {
		t.Fatalf("bad sort: %v", err)
	}

	missing := int64(31337)
	for _, tc := range []struct {
		in    models.VenueInput
		field string
		key   string
	}{
		{models.VenueInput{Name: "", Seats: 10}, "name", "required"},
		{models.VenueInput{Name: "Phòng", Seats: 0}, "seats", "venue_invalid_seats"},
		{models.VenueInput{Name: "Phòng", Seats: -5}, "seats", "venue_invalid_seats"},
		{models.VenueInput{Name: "Phòng", Seats: 10, CommuneCode: "22101"}, "commune_code", "est_invalid_commune"},
		{models.VenueInput{Name: "Phòng", Seats: 10, EstablishmentID: &missing}, "establishment_id", "venue_invalid_establishment"},
		{models.VenueInput{Name: "Phòng", Seats: 10, Address: "a\nb"}, "address", "invalid_characters"},
	} {
		_, err := w.s.CreateVenue(ctx, estActor, tc.in)
		var ve *models.ValidationError
		if !errors.As(err, &ve) || ve.Fields[tc.field] != tc.key {
			t.Errorf("%+v: %v, want %s: %s", tc.in, err, tc.field, tc.key)
		}
	}
}
