package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tongbao/content"
)

// StatusStore keeps what the poller remembers of each source, shared by
// every replica: the status (JSON written by this package) and the items
// already handed over. *store.Store implements it in Redis.
type StatusStore interface {
	// SaveSourceStatus replaces a source's status.
	SaveSourceStatus(ctx context.Context, name string, data []byte) error
	// LoadSourceStatus returns a source's status, or an error wrapping
	// content.ErrNotFound when there is none.
	LoadSourceStatus(ctx context.Context, name string) ([]byte, error)
	// MarkSourceItems remembers items (opaque ids) as handed over.
	MarkSourceItems(ctx context.Context, name string, items []string) error
	// SourceItemsSeen reports, for each item, whether it was marked.
	SourceItemsSeen(ctx context.Context, name string, items []string) ([]bool, error)
}

// Leaser hands out named, expiring leases, so one replica at a time polls
// a source. *store.Store implements it.
type Leaser interface {
	// Hold runs run while owner holds the lease name (renewing it, and
	// cancelling run's context if it is lost); held is false, and run not
	// called, when another owner has it.
	Hold(ctx context.Context, name, owner string, ttl time.Duration, run func(ctx context.Context)) (held bool, err error)
}

// Status is what a source's polls did, as `tongbao sources` shows it.
type Status struct {
	Name string `json:"name"`
	Type Type   `json:"type"`
	// LastPoll is when the last poll began; LastSuccess when the last poll
	// that reached the source and handed over all it found ended.
	LastPoll    time.Time `json:"last_poll,omitzero"`
	LastSuccess time.Time `json:"last_success,omitzero"`
	// LastError is why the last poll failed, or which items it refused, in
	// plain words; empty after a clean poll.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	// Failures counts the polls that failed in a row; it sets the backoff.
	Failures int `json:"failures,omitempty"`
	// Listed is how many items the last poll found at the source.
	Listed int `json:"listed"`
	// Seen counts the items handed to the pipeline, over all polls; New
	// counts those it stored as new bulletins (the rest were duplicates).
	Seen int64 `json:"items_seen"`
	New  int64 `json:"items_new"`
	// NextPoll is when the source is polled next.
	NextPoll time.Time `json:"next_poll,omitzero"`
	// Owner is the replica that polled last.
	Owner string `json:"owner,omitempty"`
	// Validators make the next fetch of each list or feed URL conditional.
	Validators map[string]Validators `json:"validators,omitempty"`
}

// LoadStatus reads a source's status; a source never polled has a status
// with only its name.
func LoadStatus(ctx context.Context, st StatusStore, name string) (*Status, error) {
	data, err := st.LoadSourceStatus(ctx, name)
	if errors.Is(err, content.ErrNotFound) {
		return &Status{Name: name}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("source %s: load status: %w", name, err)
	}
	s := &Status{}
	if err := json.Unmarshal(data, s); err != nil {
		return nil, fmt.Errorf("source %s: status is not valid JSON: %w", name, err)
	}
	s.Name = name
	return s, nil
}

// saveStatus writes a source's status.
func saveStatus(ctx context.Context, st StatusStore, s *Status) error {
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("source %s: encode status: %w", s.Name, err)
	}
	if err := st.SaveSourceStatus(ctx, s.Name, data); err != nil {
		return fmt.Errorf("source %s: save status: %w", s.Name, err)
	}
	return nil
}

// seenID is the id an item is remembered by: its key (GUID, link or file
// path) and the hash of its content, so a changed item counts as new while
// an unchanged one is never fetched again. Hashing keeps long URLs from
// bloating Redis.
func seenID(key, hash string) string {
	sum := sha256.Sum256([]byte(key + "\x00" + hash))
	return hex.EncodeToString(sum[:16])
}
