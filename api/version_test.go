package api

import (
	"errors"
	"testing"
)

func TestParseConsoleVersion(t *testing.T) {
	tests := []struct {
		in     string
		want   ConsoleVersion
		legacy bool
		bad    bool
	}{
		{in: "7.50.3572", want: ConsoleVersion{7, 50, 3572}, legacy: true},
		{in: "7.50.3573", want: ConsoleVersion{7, 50, 3573}},
		{in: "7.51.0", want: ConsoleVersion{7, 51, 0}},
		{in: "7.49.9999", want: ConsoleVersion{7, 49, 9999}, legacy: true},
		{in: "8.0.0", want: ConsoleVersion{8, 0, 0}},
		{in: "6.99.99999", want: ConsoleVersion{6, 99, 99999}, legacy: true},
		{in: "007.050.3572", want: ConsoleVersion{7, 50, 3572}, legacy: true},
		{in: "", bad: true},
		{in: "7.50", bad: true},
		{in: "7.50.3572.1", bad: true},
		{in: "v7.50.3572", bad: true},
		{in: "7.50.-1", bad: true},
		{in: "7.50.+1", bad: true},
		{in: " 7.50.1", bad: true},
		{in: "7..1", bad: true},
		{in: "7.50.1000000", bad: true},
		{in: "99999999999999999999.1.1", bad: true},
		{in: "7.5x.1", bad: true},
		{in: "７.50.1", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseConsoleVersion(tt.in)
		if tt.bad {
			if !errors.Is(err, ErrBadConsoleVersion) {
				t.Errorf("ParseConsoleVersion(%q) error = %v, want ErrBadConsoleVersion", tt.in, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseConsoleVersion(%q) error = %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseConsoleVersion(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if got.IsLegacy() != tt.legacy {
			t.Errorf("%v.IsLegacy() = %v, want %v", got, got.IsLegacy(), tt.legacy)
		}
	}
}

func TestConsoleVersionCompare(t *testing.T) {
	order := []ConsoleVersion{{6, 0, 0}, {7, 49, 9999}, {7, 50, 0}, {7, 50, 3572}, {7, 50, 3573}, {7, 51, 0}, {8, 0, 0}}
	for i, a := range order {
		for j, b := range order {
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("%v.Compare(%v) = %d, want %d", a, b, got, want)
			}
		}
	}
}
