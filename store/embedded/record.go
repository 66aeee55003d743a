package embedded

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"time"
)

// A journal is a sequence of frames, one per entry: the payload's length
// (4 bytes, little endian), its CRC-32C (4 bytes) and the payload. A crash
// can leave the last frame incomplete; the checksum tells it from a whole
// one.
const frameHeader = 8

// maxPayload bounds one entry (Redis's own limit on one argument is 512 MB).
const maxPayload = 1 << 30

// Entry kinds.
const (
	kindCommands = 1 // commands run on a database
	kindTick     = 2 // an expiry tick: the keys due at At went
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// entry is one journal record: either commands that changed the data, as
// clients sent them, or an expiry tick.
type entry struct {
	Kind byte
	// At is the server's clock when the commands ran (miniredis was set to
	// it, so that replaying them at At gives the same stream IDs, TTLs and
	// delivery times).
	At time.Time
	// Tick is how far a tick moved every TTL (kindTick) in journals
	// written before ticks expired keys by deadline; it is 0 now and a
	// replay ignores it.
	Tick time.Duration
	// DB is the database the commands ran on (kindCommands).
	DB int
	// Multi is set when Cmds ran as one MULTI/EXEC transaction.
	Multi bool
	// Cmds are the commands with their arguments.
	Cmds [][]string
}

// appendFrame appends e's frame to buf.
func appendFrame(buf []byte, e *entry) []byte {
	start := len(buf)
	buf = append(buf, make([]byte, frameHeader)...)
	buf = append(buf, e.Kind)
	buf = binary.AppendVarint(buf, e.At.UnixNano())
	switch e.Kind {
	case kindTick:
		buf = binary.AppendVarint(buf, int64(e.Tick))
	case kindCommands:
		buf = binary.AppendUvarint(buf, uint64(e.DB))
		multi := byte(0)
		if e.Multi {
			multi = 1
		}
		buf = append(buf, multi)
		buf = binary.AppendUvarint(buf, uint64(len(e.Cmds)))
		for _, cmd := range e.Cmds {
			buf = binary.AppendUvarint(buf, uint64(len(cmd)))
			for _, arg := range cmd {
				buf = binary.AppendUvarint(buf, uint64(len(arg)))
				buf = append(buf, arg...)
			}
		}
	}
	payload := buf[start+frameHeader:]
	binary.LittleEndian.PutUint32(buf[start:], uint32(len(payload)))
	binary.LittleEndian.PutUint32(buf[start+4:], crc32.Checksum(payload, crcTable))
	return buf
}

// errTornFrame reports a frame that is incomplete or fails its checksum.
var errTornFrame = errors.New("incomplete or damaged record")

// nextFrame decodes the frame at the start of b and returns it with the
// frame's size. It returns errTornFrame when the frame is cut short or its
// checksum fails, another error when a whole frame holds nonsense.
func nextFrame(b []byte) (entry, int, error) {
	if len(b) < frameHeader {
		return entry{}, 0, errTornFrame
	}
	n := binary.LittleEndian.Uint32(b)
	if n == 0 || n > maxPayload || uint64(len(b)-frameHeader) < uint64(n) {
		return entry{}, 0, errTornFrame
	}
	payload := b[frameHeader : frameHeader+int(n)]
	if crc32.Checksum(payload, crcTable) != binary.LittleEndian.Uint32(b[4:]) {
		return entry{}, 0, errTornFrame
	}
	e, err := decodePayload(payload)
	if err != nil {
		return entry{}, 0, fmt.Errorf("record with a valid checksum: %w", err)
	}
	return e, frameHeader + int(n), nil
}

// payloadReader reads the fields of one payload.
type payloadReader struct {
	b   []byte
	err error
}

func (r *payloadReader) uvarint() uint64 { return readVarint(r, binary.Uvarint) }

func (r *payloadReader) varint() int64 { return readVarint(r, binary.Varint) }

// readVarint reads one number with decode (binary.Uvarint or
// binary.Varint), failing the reader when the payload holds none.
func readVarint[T uint64 | int64](r *payloadReader, decode func([]byte) (T, int)) T {
	v, n := decode(r.b)
	if n <= 0 {
		r.fail()
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a length that must fit in what is left of the payload.
func (r *payloadReader) count() int {
	v := r.uvarint()
	if v > uint64(len(r.b)) {
		r.fail()
		return 0
	}
	return int(v)
}

func (r *payloadReader) bytes(n int) []byte {
	if n > len(r.b) {
		r.fail()
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *payloadReader) fail() {
	if r.err == nil {
		r.err = errors.New("truncated field")
	}
	r.b = nil
}

// decodePayload reads an entry's payload.
func decodePayload(p []byte) (entry, error) {
	r := &payloadReader{b: p}
	kind := r.bytes(1)
	at := r.varint()
	if r.err != nil {
		return entry{}, r.err
	}
	e := entry{Kind: kind[0], At: time.Unix(0, at)}
	switch e.Kind {
	case kindTick:
		e.Tick = time.Duration(r.varint())
	case kindCommands:
		db := r.uvarint()
		multi := r.bytes(1)
		if r.err == nil && (db >= databases || multi[0] > 1) {
			return entry{}, fmt.Errorf("database %d, multi flag %v", db, multi)
		}
		if r.err != nil {
			return entry{}, r.err
		}
		e.DB, e.Multi = int(db), multi[0] == 1
		e.Cmds = make([][]string, r.count())
		for i := range e.Cmds {
			cmd := make([]string, r.count())
			for j := range cmd {
				cmd[j] = string(r.bytes(r.count()))
			}
			if len(cmd) == 0 && r.err == nil {
				return entry{}, errors.New("empty command")
			}
			e.Cmds[i] = cmd
		}
	default:
		return entry{}, fmt.Errorf("unknown kind %d", e.Kind)
	}
	if r.err == nil && len(r.b) > 0 {
		return entry{}, fmt.Errorf("%d bytes left over", len(r.b))
	}
	return e, r.err
}
