package embedded

import (
	"bytes"
	"context"
	"os"
	"slices"
	"testing"
)

// TestReadFolderBesideItsWriter reads a folder whose last journal record
// is half written, as a running Server leaves it between two writes: the
// whole records are read, the file is left as it was, and damage before
// the end is still refused.
func TestReadFolderBesideItsWriter(t *testing.T) {
	dir, path := writeJournal(t, 5)
	b, err := os.ReadFile(path)
	must(t, err)
	half := b[:len(b)-3]
	must(t, os.WriteFile(path, half, 0o600))
	_, records, _, err := ReadFolder(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range records {
		keys = append(keys, r.Key+"="+r.Value)
	}
	slices.Sort(keys)
	if want := []string{"k0=0", "k1=1", "k2=2", "k3=3"}; !slices.Equal(keys, want) {
		t.Errorf("ReadFolder = %v, want %v", keys, want)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, half) {
		t.Error("ReadFolder changed the journal")
	}

	damaged := slices.Clone(b)
	damaged[frameHeader+2] ^= 0xff // inside the first record's payload
	must(t, os.WriteFile(path, damaged, 0o600))
	if _, _, _, err := ReadFolder(context.Background(), dir, nil); err == nil {
		t.Error("ReadFolder read a journal damaged before its end")
	}
	if _, _, _, err := ReadFolder(context.Background(), dir+"/missing", nil); err == nil {
		t.Error("ReadFolder of a missing folder succeeded")
	}
}
