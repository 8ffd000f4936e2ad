package app

import (
	"reflect"
	"testing"
)

// TestCloneSharesNothing fills every field of a State, pointers and slices
// included, clones it and checks that no pointer or slice of the clone aliases
// the original: a field added to State later without a deep copy in clone
// fails here.
func TestCloneSharesNothing(t *testing.T) {
	var orig State
	fill(reflect.ValueOf(&orig).Elem())
	if orig.Setup == nil || orig.Setup.Pairing == nil || len(orig.Setup.Pairing.QRPNG) == 0 || orig.User == nil || orig.User.Group == nil {
		t.Fatal("fill left nested fields empty")
	}
	c := orig.clone()
	if !reflect.DeepEqual(orig, c) {
		t.Fatal("clone differs from the original")
	}
	aliases(t, "State", reflect.ValueOf(orig), reflect.ValueOf(c))
}

// fill sets every settable field to a non-zero value, allocating pointers
// and one-element slices.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				fill(f)
			}
		}
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint64, reflect.Uint32, reflect.Uint8:
		v.SetUint(1)
	}
}

func aliases(t *testing.T, path string, a, b reflect.Value) {
	t.Helper()
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() {
			return
		}
		if a.Pointer() == b.Pointer() {
			t.Errorf("%s: the clone shares the pointer", path)
		}
		aliases(t, path, a.Elem(), b.Elem())
	case reflect.Slice:
		if a.Len() == 0 {
			return
		}
		if a.Pointer() == b.Pointer() {
			t.Errorf("%s: the clone shares the slice", path)
		}
		for i := range a.Len() {
			aliases(t, path+"[]", a.Index(i), b.Index(i))
		}
	case reflect.Struct:
		for i := range a.NumField() {
			aliases(t, path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
		}
	}
}
