package embedded

import (
	"bytes"
	"compress/gzip"
	"encoding/gob"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestFormatRoundTrip(t *testing.T) {
	meta := snapshotMeta{Taken: time.UnixMilli(1_700_000_000_123), JournalFrom: 42}
	records := []Record{
		{DB: 0, Key: "s\x00", Type: "string", Value: "\x00\xff\x80 bits", ExpireAtMilli: 1_700_000_060_000},
		{DB: 2, Key: "z", Type: "zset", Items: []string{"a", "b", "c"}, Scores: []float64{math.Inf(-1), 1e-12, math.Inf(1)}},
		{DB: 15, Key: "q", Type: "stream", Stream: &StreamValue{
			Entries:         []StreamEntry{{ID: "1-0", Fields: []string{"f", "\xfe"}}},
			LastGeneratedID: "5-0",
			Groups: []StreamGroup{{Name: "g", LastDeliveredID: "1-0", Consumers: []string{"c"},
				Pending: []PendingEntry{{ID: "1-0", Consumer: "c", Deliveries: 3, LastDeliveryMilli: 1_699_999_999_000}}}},
		}},
	}
	var buf bytes.Buffer
	if err := encodeSnapshot(&buf, meta, records); err != nil {
		t.Fatal(err)
	}
	gotMeta, got, err := decodeSnapshot(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !gotMeta.Taken.Equal(meta.Taken) || gotMeta.JournalFrom != meta.JournalFrom || !reflect.DeepEqual(got, records) {
		t.Errorf("decode(encode) = %v %+v, want %v %+v", gotMeta, got, meta, records)
	}
}

func TestDecodeRejects(t *testing.T) {
	// encoded gzips a gob stream of values.
	encoded := func(values ...any) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		enc := gob.NewEncoder(zw)
		for _, v := range values {
			if err := enc.Encode(v); err != nil {
				t.Fatal(err)
			}
		}
		zw.Close()
		return buf.Bytes()
	}
	good := header{Magic: formatMagic, Version: formatVersion, Keys: 1}
	rec := Record{Key: "k", Type: "string"}
	cases := map[string]struct {
		data []byte
		want string
	}{
		"plain text":       {data: []byte("hello"), want: "not a gzip stream"},
		"other magic":      {data: encoded(header{Magic: "x", Version: formatVersion}), want: "not a Tongbao snapshot"},
		"newer version":    {data: encoded(header{Magic: formatMagic, Version: formatVersion + 1}), want: "format version 3"},
		"missing key":      {data: encoded(good), want: "key 1 of 1"},
		"extra key":        {data: encoded(good, rec, rec), want: "more keys than the header announces"},
		"negative count":   {data: encoded(header{Magic: formatMagic, Version: formatVersion, Keys: -1}), want: "-1 keys"},
		"record not a key": {data: encoded(good, header{Magic: "x"}), want: "key 1 of 1"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := decodeSnapshot(bytes.NewReader(c.data))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("decode = %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// FuzzDecodeSnapshot feeds decodeSnapshot damaged files: it must fail
// cleanly, never panic, and what it accepts must encode back to the same.
func FuzzDecodeSnapshot(f *testing.F) {
	var buf bytes.Buffer
	records := []Record{{Key: "k", Type: "hash", Items: []string{"f", "v"}, ExpireAtMilli: 42}}
	if err := encodeSnapshot(&buf, snapshotMeta{Taken: time.UnixMilli(1), JournalFrom: 3}, records); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte{0x1f, 0x8b})
	f.Fuzz(func(t *testing.T, data []byte) {
		meta, got, err := decodeSnapshot(bytes.NewReader(data))
		if err != nil {
			return
		}
		var again bytes.Buffer
		if err := encodeSnapshot(&again, meta, got); err != nil {
			t.Fatal(err)
		}
		_, got2, err := decodeSnapshot(&again)
		if err != nil || !reflect.DeepEqual(got, got2) {
			t.Errorf("re-decoded %+v, %v; want %+v", got2, err, got)
		}
	})
}
