package i18n

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Pseudo is the pseudo-language's catalogue, made from English: every
// string's letters accented and the string padded to about 140 % of its
// length, placeholders ({{.Name}}) and layouts ("format." keys) untouched.
func Pseudo() ([]byte, error) {
	en, err := FS.ReadFile(Dir + "/en.json")
	if err != nil {
		return nil, fmt.Errorf("pseudo-language: %w", err)
	}
	var cat map[string]any
	if err := json.Unmarshal(en, &cat); err != nil {
		return nil, fmt.Errorf("pseudo-language: %w", err)
	}
	for k, v := range cat {
		if strings.HasPrefix(k, "format.") {
			continue
		}
		switch v := v.(type) {
		case string:
			cat[k] = pseudoString(v)
		case map[string]any:
			for form, s := range v {
				if s, ok := s.(string); ok {
					v[form] = pseudoString(s)
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(cat); err != nil {
		return nil, fmt.Errorf("pseudo-language: %w", err)
	}
	return buf.Bytes(), nil
}

var accents = strings.NewReplacer(
	"a", "á", "e", "é", "i", "í", "o", "ö", "u", "ü", "y", "ý", "c", "ç", "n", "ñ",
	"A", "Å", "E", "É", "I", "Î", "O", "Ø", "U", "Û", "C", "Ç", "N", "Ñ",
)

// pseudoString accents s outside its {{…}} placeholders and pads it with
// "·" to 140 % of its length (in letters), between brackets that show where
// it was cut.
func pseudoString(s string) string {
	var b strings.Builder
	rest := s
	for rest != "" {
		i := strings.Index(rest, "{{")
		if i < 0 {
			b.WriteString(accents.Replace(rest))
			break
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			b.WriteString(accents.Replace(rest))
			break
		}
		b.WriteString(accents.Replace(rest[:i]))
		b.WriteString(rest[i : i+j+2])
		rest = rest[i+j+2:]
	}
	n := utf8.RuneCountInString(s)
	pad := (n*2 + 4) / 5 // 40 %, rounded up
	if pad < 2 {
		pad = 2
	}
	return "[" + b.String() + strings.Repeat("·", pad-2) + "]"
}
