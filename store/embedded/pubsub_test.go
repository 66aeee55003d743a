package embedded_test

import (
	"context"
	"testing"
	"time"

	"tongbao/store/embedded"
)

// TestPubSub checks that published messages reach a subscriber through the
// Server's own connection loop, which replaces miniredis's.
func TestPubSub(t *testing.T) {
	ctx := context.Background()
	_, rdb := startServer(t, embedded.Options{Dir: t.TempDir()})
	sub := rdb.Subscribe(ctx, "news")
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	must(t, rdb.Publish(ctx, "news", "hello").Err())
	select {
	case m := <-sub.Channel():
		if m.Payload != "hello" {
			t.Fatal(m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no message")
	}
}
