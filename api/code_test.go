package api

import "testing"

func TestNormalizeCode(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "123456", "123456"},
		{"space", "123 456", "123456"},
		{"dash", "123-456", "123456"},
		{"tab", "123\t456", "123456"},
		{"no-break space", "123\u00a0456", "123456"},
		{"en dash", "123\u2013456", "123456"},
		{"around", "  123456\n", "123456"},
		{"letters kept", "12a456", "12a456"},
		{"empty", "", ""},
		{"only spaces", " \t ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeCode(tt.in); got != tt.want {
				t.Errorf("NormalizeCode(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidCode(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"123456", true},
		{"12345", false},
		{"1234567", false},
		{"12a456", false},
		{"１２３４５６", false}, // full-width digits are not ASCII
		{"", false},
	}
	for _, tt := range tests {
		if got := ValidCode(tt.in); got != tt.want {
			t.Errorf("ValidCode(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
